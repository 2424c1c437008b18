/**
 * The resharing ceremony of `outlayer keystore reshare`: this machine's member nodes (stopped: the ceremony
 * binds their p2p identities) run one resharing session with the other dealers and new members (reshare-run.ts),
 * the new group is published with rotate_keystore_group (by `publish`, or by another participant: this waits
 * for it), and once this machine's chain view shows it, each node takes its new share and erases the old one
 * (or, leaving, erases its share). Returns the group and what each local node did.
 */
import type { GroupArgs } from './group.js'
import { KeystoreError } from './errors.js'
import { startLocalMembers, type CeremonyBase, type CeremonyMember } from './ceremony.js'
import type { ReshareConfirmation } from './keystore.js'

export interface ReshareCeremonyArgs extends CeremonyBase {
  contractId: string
  /** the new group, in order, with where each member is dialled */
  members: CeremonyMember[]
  /** the old members that deal (at least the published threshold) and where each is dialled */
  dealers: Array<{ peer_id: string, addrs: string[] }>
  /** sends rotate_keystore_group; without it another participant publishes and this waits for it */
  publish?: (group: GroupArgs, signatures: Array<{ account_id: string, signature: string }>) => Promise<void>
}

export interface ReshareCeremonyOutcome {
  group: GroupArgs
  version: number
  /** per local node, in --config order */
  confirmations: ReshareConfirmation[]
}

const POLL_MS = 500

export async function runReshareCeremony (args: ReshareCeremonyArgs): Promise<ReshareCeremonyOutcome> {
  const deadline = Date.now() + (args.timeoutMs ?? 120_000)
  const current = await args.chain.getGroup()
  if (current == null) throw new KeystoreError('RESHARE_FAILED', 'no keystore group is published: make the first one with `outlayer keystore dkg`')
  const { nodes, stop } = await startLocalMembers({ network: args.network, local: args.local, peers: [...args.dealers, ...args.members], chain: args.chain, logger: args.logger })
  try {
    const runArgs = {
      session: args.session,
      contractId: args.contractId,
      current,
      dealers: args.dealers.map(d => d.peer_id),
      members: args.members.map(m => ({ account_id: m.account_id, peer_id: m.peer_id, public_key: m.public_key })),
      threshold: args.threshold,
      timeoutMs: Math.max(1_000, deadline - Date.now())
    }
    const outcomes = await Promise.all(nodes.map(async ({ keystore }) => await keystore.runReshare(runArgs)))
    const { group, version, signatures } = outcomes[0]!
    if (args.publish != null) {
      // another participant may have published the same group first: its version on chain settles it below
      await args.publish(group, signatures).catch(err => { args.logger.warn({ err: (err as Error).message }, 'rotate_keystore_group failed; waiting for the group on chain') })
    }
    while ((await args.chain.getGroup())?.version !== version) {
      if (Date.now() > deadline) throw new KeystoreError('RESHARE_FAILED', `the new group (version ${version}) is not on chain yet: the new shares wait in share.next.json, taken when each node sees the group published`)
      await new Promise(resolve => setTimeout(resolve, POLL_MS))
    }
    const confirmations: ReshareConfirmation[] = []
    for (const { keystore } of nodes) confirmations.push(await keystore.confirmReshare())
    if (confirmations.includes('unconfirmed')) throw new KeystoreError('RESHARE_FAILED', `version ${version} on chain is not the group this resharing made`)
    return { group, version, confirmations }
  } finally {
    await stop()
  }
}
