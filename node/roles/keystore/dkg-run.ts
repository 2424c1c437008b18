/**
 * One member's run of the DKG over `/outlayer/<net>/keystore/1.0.0`: send round 1 to every other member,
 * wait for theirs, send each member its private round-2 package, wait for ours, finish round 3. Every send is
 * retried until the peer accepts or the run's deadline passes (a peer that starts later still gets it). Any
 * member silent or inconsistent until the deadline fails the run: DKG_FAILED, the polynomial is erased,
 * nothing is stored, and a new session can be run.
 */
import { DkgSession, SecretsError, memberIdentifier, type DkgRound1, type DkgRound2, type KeystoreShare } from '../../../protocol/secrets/index.js'
import { KeystoreError } from './errors.js'
import type { KeystoreLibp2p } from './index.js'
import { Waiter, deliver } from './deliver.js'
import type { KeystoreMessage } from './wire.js'

export interface DkgMember { peer_id: string }

export interface DkgRunArgs {
  session: string
  /** every member in on-chain order; member k gets FROST identifier k+1 */
  members: DkgMember[]
  /** this node's position in `members` */
  index: number
  threshold: number
  /** @default 30 s */
  timeoutMs?: number
}

export class DkgRun {
  readonly round1s = new Waiter<DkgRound1>()
  readonly round2s = new Waiter<DkgRound2>()
  private readonly session: DkgSession

  constructor (private readonly libp2p: KeystoreLibp2p, private readonly protocol: string, readonly args: DkgRunArgs) {
    this.session = new DkgSession(memberIdentifier(args.index), args.threshold, args.members.length)
  }

  /** Whether `peer` is member `from` of this run (checked for every inbound message). */
  isMember (from: number, peer: string): boolean {
    return from !== this.args.index && this.args.members[from]?.peer_id === peer
  }

  async run (): Promise<KeystoreShare> {
    const { members, index, session } = this.args
    const signal = AbortSignal.timeout(this.args.timeoutMs ?? 30_000)
    const others = members.map((_, k) => k).filter(k => k !== index)
    try {
      const round1 = this.session.round1()
      await Promise.all(others.map(async k => { await this.send(k, { kind: 'dkg1', session, from: index, round1 }, signal) }))
      await this.round1s.until(others.length, signal)
      const packages = this.session.round2(others.map(k => this.round1s.got.get(k)!))
      await Promise.all(others.map(async k => {
        const pkg = packages[memberIdentifier(k)]
        if (pkg == null) throw new KeystoreError('DKG_FAILED', `no round-2 package for member ${k}`)
        await this.send(k, { kind: 'dkg2', session, from: index, package: pkg }, signal)
      }))
      await this.round2s.until(others.length, signal)
      return this.session.round3(others.map(k => this.round2s.got.get(k)!))
    } catch (err) {
      this.session.clean()
      if (err instanceof KeystoreError) throw err
      if (err instanceof SecretsError) throw new KeystoreError('DKG_FAILED', err.message, { cause: err })
      throw new KeystoreError('DKG_FAILED', (err as Error).message, { cause: err })
    }
  }

  private async send (k: number, message: KeystoreMessage, signal: AbortSignal): Promise<void> {
    await deliver({ libp2p: this.libp2p, protocol: this.protocol, peerId: this.args.members[k]!.peer_id, message, signal, code: 'DKG_FAILED', who: `member ${k}` })
  }
}
