/**
 * One participant's run of a resharing over `/outlayer/<net>/keystore/1.0.0` (protocol/secrets/reshare.ts): the
 * published group's secret s dealt to a new member list and threshold, the group key unchanged.
 *
 *   1. each dealer (≥ t old members, one agreed list) sends every other participant its public dealing, and a
 *      new member also its private sub-share (the stream is Noise-encrypted to that member's peer id);
 *   2. each participant checks every dealing (a new member also its sub-shares, and computes its new share),
 *      computes the new group and sends every participant its verdict: the rotation digest, or the dealer at fault;
 *   3. only once every verdict is ok and names the same digest, each dealer signs it with its node key (what
 *      rotate_keystore_group checks against the current members' keys) and sends the signature to everyone.
 *
 * Dealers sign last so that no t signatures exist for a group in which some new member holds no share. Any
 * failure (a bad dealing, a complaint, a silent participant until the deadline, a bad signature) is
 * RESHARE_FAILED naming the dealer or participant; nothing is kept and the old shares stay in use, so the
 * ceremony can be rerun with a new session. A complaint cannot be checked by the others (that would reveal
 * the sub-share): a lying new member can abort a resharing, never corrupt one.
 */
import { bytesToHex } from '@noble/hashes/utils.js'
import { parsePublicKey, sign, verify, type KeyPair } from '../../../protocol/index.js'
import {
  ReshareError, checkDealings, dealReshare, memberIdentifier, receiveReshare,
  type KeystoreShare, type ReshareDealing, type ReshareSet, type ReshareSubShare
} from '../../../protocol/secrets/index.js'
import { Waiter, deliver } from './deliver.js'
import { KeystoreError } from './errors.js'
import { groupArgs, rotationDigest, type GroupArgs, type KeystoreGroup, type KeystoreMember } from './group.js'
import type { KeystoreLibp2p } from './index.js'
import type { KeystoreMessage, ReshareVerdict } from './wire.js'

export interface ReshareRunArgs {
  session: string
  contractId: string
  /** the group published now (its version, members, keys and verifying shares) */
  current: KeystoreGroup
  /** peer ids of the old members that deal: at least current.threshold, the same set for every participant */
  dealers: string[]
  /** the new group in order (member k gets FROST identifier k+1); its verifying shares follow from the dealings */
  members: Array<Omit<KeystoreMember, 'verifying_share'>>
  threshold: number
  /** @default 60 s */
  timeoutMs?: number
}

export interface ReshareOutcome {
  /** the new group record and the version it becomes, with the dealers' signatures for rotate_keystore_group */
  group: GroupArgs
  version: number
  signatures: Array<{ account_id: string, signature: string }>
  /** this node's new share (null when it leaves the group) */
  next: KeystoreShare | null
}

/** RESHARE_FAILED, with the account of the dealer at fault when one is to blame. */
export class ReshareFailed extends KeystoreError {
  constructor (message: string, readonly dealer?: string, options?: { cause?: unknown }) { super('RESHARE_FAILED', message, options) }
}

const failed = (message: string, cause?: unknown): KeystoreError => new ReshareFailed(message, undefined, cause != null ? { cause } : undefined)

/** Makes a dealer's dealing (tests inject a cheat) @default dealReshare */
export type Dealer = typeof dealReshare

type ReshareMessage = Extract<KeystoreMessage, { kind: 'reshare1' | 'reshare2' | 'reshare3' }>

export class ReshareRun {
  /** every participant: the dealers in the published group's order, then the new members that are not dealers */
  readonly participants: string[]
  readonly dealings = new Waiter<{ dealing: ReshareDealing, subShare?: ReshareSubShare }>('RESHARE_FAILED', 'dealers')
  readonly verdicts = new Waiter<ReshareVerdict>('RESHARE_FAILED', 'participants')
  readonly signatures = new Waiter<string>('RESHARE_FAILED', 'dealers')
  private readonly dealerIndexes: number[]
  private readonly set: ReshareSet
  private readonly me: number
  /** every new member's verifying share, computed in round 2 */
  private verifyingShares: Record<string, Uint8Array> = {}

  constructor (private readonly libp2p: KeystoreLibp2p, private readonly protocol: string, readonly args: ReshareRunArgs, self: string, private readonly dealer: Dealer = dealReshare) {
    const { current } = args
    const order = current.members.map(m => m.peer_id)
    const dealers = [...new Set(args.dealers)].sort((a, b) => order.indexOf(a) - order.indexOf(b))
    if (dealers.some(d => !order.includes(d))) throw failed('a dealer is not a member of the published group')
    if (dealers.length < current.threshold) throw failed(`${dealers.length} dealers, the published group needs ${current.threshold}`)
    if (new Set(args.members.map(m => m.peer_id)).size !== args.members.length || new Set(args.members.map(m => m.account_id)).size !== args.members.length) throw failed('two new members share a peer id or account')
    this.participants = [...new Set([...dealers, ...args.members.map(m => m.peer_id)])]
    this.dealerIndexes = dealers.map((_, i) => i)
    this.me = this.participants.indexOf(self)
    if (this.me < 0) throw failed(`this node ${self} is neither a dealer nor a new member`)
    // checkSet in reshare.ts refuses a threshold out of 2..n or more than 64 members
    this.set = { dealers: dealers.map(d => current.identifierOfPeer.get(d)!), receivers: args.members.map((_, k) => memberIdentifier(k)), newThreshold: args.threshold }
  }

  /** Whether `peer` is participant `from` (checked for every inbound message), and a dealer when `dealer`. */
  isParticipant (from: number, peer: string, dealer = false): boolean {
    return from !== this.me && this.participants[from] === peer && (!dealer || from < this.set.dealers.length)
  }

  /** An inbound message from `peer`: undefined when taken, else why it is refused. */
  accept (m: ReshareMessage, peer: string): string | undefined {
    const dealerOnly = m.kind !== 'reshare2'
    if (!this.isParticipant(m.from, peer, dealerOnly)) return `peer ${peer} is not ${dealerOnly ? 'dealer' : 'participant'} ${m.from} of session ${m.session}`
    if (m.kind === 'reshare1') {
      const id = this.set.dealers[m.from]
      if (m.dealing.dealer !== id || (m.sub_share != null && (m.sub_share.dealer !== id || m.sub_share.receiver !== this.receiver))) return 'a dealing or sub-share in another name'
      this.dealings.put(m.from, { dealing: m.dealing, ...withSubShare(m.sub_share) })
    } else if (m.kind === 'reshare2') {
      this.verdicts.put(m.from, m.verdict)
    } else {
      this.signatures.put(m.from, m.signature)
    }
    return undefined
  }

  private get isDealer (): boolean { return this.me < this.set.dealers.length }
  private get receiver (): string | undefined {
    const k = this.args.members.findIndex(m => m.peer_id === this.participants[this.me])
    return k >= 0 ? this.set.receivers[k] : undefined
  }

  /** Runs the three rounds with this node's current share (a dealer's) and node key (a dealer signs with it). */
  async run (share: KeystoreShare | null, nodeKey: KeyPair): Promise<ReshareOutcome> {
    const signal = AbortSignal.timeout(this.args.timeoutMs ?? 60_000)
    // our sends to peers that have not taken them yet stop when the run fails
    const sends = new AbortController()
    const sendSignal = AbortSignal.any([signal, sends.signal])
    const pending: Array<Promise<void>> = []
    const send = (to: number, message: KeystoreMessage): void => {
      const p = deliver({ libp2p: this.libp2p, protocol: this.protocol, peerId: this.participants[to]!, message, signal: sendSignal, code: 'RESHARE_FAILED', who: `participant ${this.participants[to]!}` })
      p.catch(() => {})
      pending.push(p)
    }
    const others = this.participants.map((_, i) => i).filter(i => i !== this.me)
    const { session } = this.args
    let next: KeystoreShare | null = null
    try {
      if (this.isDealer) this.deal(share, send, others)
      await this.dealings.until(this.set.dealers.length, signal)
      const verdict = this.check(s => { next = s })
      this.verdicts.put(this.me, verdict)
      for (const i of others) send(i, { kind: 'reshare2', session, from: this.me, verdict })
      if (!verdict.ok) {
        // let the others hear it before giving up (bounded by the run's deadline)
        await Promise.allSettled(pending)
        throw this.blame(this.me, verdict)
      }
      await this.verdicts.until(this.participants.length, signal, () => [...this.verdicts.got.values()].some(v => !v.ok))
      for (const [from, v] of this.verdicts.got) {
        if (!v.ok) throw this.blame(from, v)
        if (v.digest !== verdict.digest) throw failed(`participant ${this.participants[from]!} computed another new group`)
      }
      const digest = Buffer.from(verdict.digest, 'hex')
      if (this.isDealer) {
        const signature = bytesToHex(sign(digest, nodeKey.secretKey))
        this.signatures.put(this.me, signature)
        for (const i of others) send(i, { kind: 'reshare3', session, from: this.me, signature })
      }
      await this.signatures.until(this.set.dealers.length, signal)
      const signatures = this.dealerIndexes.map(i => {
        const member = this.args.current.members.find(m => m.peer_id === this.participants[i])!
        const signature = this.signatures.got.get(i)!
        if (!verify(Buffer.from(signature, 'hex'), digest, parsePublicKey(member.public_key))) throw failed(`dealer ${member.account_id} signed something other than the new group`)
        return { account_id: member.account_id, signature }
      })
      // the others may still need our messages: wait for every delivery (bounded by the deadline)
      await Promise.all(pending)
      return { group: this.group(), version: this.args.current.version + 1, signatures, next }
    } catch (err) {
      sends.abort()
      ;(next as KeystoreShare | null)?.share.fill(0)
      if (err instanceof KeystoreError) throw err
      throw failed((err as Error).message, err)
    }
  }

  private deal (share: KeystoreShare | null, send: (to: number, m: KeystoreMessage) => void, others: number[]): void {
    const mine = this.set.dealers[this.me]!
    if (share == null || share.identifier !== mine || bytesToHex(share.groupKey) !== bytesToHex(this.args.current.groupKey)) {
      throw failed('this dealer holds no share of the published group')
    }
    const { dealing, subShares } = this.dealer(share, this.set)
    const subShareOf = (peer: string): ReshareSubShare | undefined => {
      const k = this.args.members.findIndex(m => m.peer_id === peer)
      return k >= 0 ? subShares.find(s => s.receiver === this.set.receivers[k]) : undefined
    }
    this.dealings.put(this.me, { dealing, ...withSubShare(subShareOf(this.participants[this.me]!)) })
    for (const i of others) send(i, { kind: 'reshare1', session: this.args.session, from: this.me, dealing, ...withSubShareWire(subShareOf(this.participants[i]!)) })
  }

  /** Round 2: the dealings (and our sub-shares) checked; our new share handed to `keep`; the verdict. */
  private check (keep: (s: KeystoreShare) => void): ReshareVerdict {
    const got = this.set.dealers.map((_, i) => this.dealings.got.get(i)!)
    const dealings = got.map(g => g.dealing)
    const base = { ...this.set, groupKey: this.args.current.groupKey, oldVerifyingShares: Object.fromEntries(this.args.current.verifyingShares), dealings }
    try {
      // a dealing sent by one dealer in another's name is caught by checkDealings (λ_i·Y_i)
      const receiver = this.receiver
      let verifyingShares: Record<string, Uint8Array>
      if (receiver != null) {
        const silent = got.find(g => g.subShare == null)
        if (silent != null) return { ok: false, dealer: silent.dealing.dealer, message: 'sent no sub-share to a new member' }
        const s = receiveReshare({ ...base, receiver, subShares: got.flatMap(g => g.subShare != null ? [g.subShare] : []) })
        keep(s)
        verifyingShares = s.verifyingShares
      } else {
        verifyingShares = checkDealings(base).verifyingShares
      }
      this.verifyingShares = verifyingShares
      return { ok: true, digest: bytesToHex(rotationDigest(this.args.contractId, this.args.current.version + 1, this.group())) }
    } catch (err) {
      if (!(err instanceof ReshareError)) throw err
      return { ok: false, ...(err.dealer != null ? { dealer: err.dealer } : {}), message: err.message }
    }
  }

  /** the new group record (after check) */
  private group (): GroupArgs {
    return groupArgs(this.args.current.groupKey, this.args.threshold, this.args.members.map((m, k) => ({
      account_id: m.account_id, peer_id: m.peer_id, public_key: m.public_key, verifying_share: bytesToHex(this.verifyingShares[this.set.receivers[k]!]!)
    })))
  }

  /** RESHARE_FAILED naming the dealer at fault (by account) and who found it. */
  private blame (from: number, v: Extract<ReshareVerdict, { ok: false }>): KeystoreError {
    const dealer = v.dealer != null ? this.args.current.members.find(m => this.args.current.identifierOfPeer.get(m.peer_id) === v.dealer) : undefined
    const finder = this.participants[from]!
    return new ReshareFailed(dealer != null
      ? `dealer ${dealer.account_id} (${dealer.peer_id}) sent a bad dealing or sub-share, found by ${finder}: ${v.message}`
      : `participant ${finder} refused the dealings: ${v.message}`, dealer?.account_id)
  }
}

const withSubShare = (s: ReshareSubShare | undefined): { subShare?: ReshareSubShare } => s != null ? { subShare: s } : {}
const withSubShareWire = (s: ReshareSubShare | undefined): { sub_share?: ReshareSubShare } => s != null ? { sub_share: s } : {}
