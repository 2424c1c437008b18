/**
 * What the keystore's ceremonies (DKG, resharing) share: a Waiter for the messages of the other members, and
 * delivery of one message to one member, retried until it takes it or the run's deadline passes (a member that
 * starts its run later still gets it; until then it refuses, having no run of that session).
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { KeystoreError, type KeystoreErrorCode } from './errors.js'
import type { KeystoreLibp2p } from './index.js'
import { exchange, type KeystoreMessage } from './wire.js'

const RETRY_MS = 200

/** Messages by sender index, first one kept; `until(count)` waits for that many or fails with `code` at the deadline. */
export class Waiter<T> {
  readonly got = new Map<number, T>()
  private wake: (() => void) | undefined
  constructor (private readonly code: KeystoreErrorCode = 'DKG_FAILED', private readonly what = 'members') {}
  put (from: number, value: T): void { if (!this.got.has(from)) { this.got.set(from, value); this.wake?.() } }
  async until (count: number, signal: AbortSignal, done: () => boolean = () => false): Promise<void> {
    if (this.got.size >= count || done()) return
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => { reject(new KeystoreError(this.code, `${this.got.size} of ${count} ${this.what} answered before the deadline`)) }
      this.wake = () => { if (this.got.size >= count || done()) { signal.removeEventListener('abort', onAbort); resolve() } }
      if (signal.aborted) onAbort()
      else signal.addEventListener('abort', onAbort, { once: true })
    })
  }
}

export interface DeliverArgs {
  libp2p: Pick<KeystoreLibp2p, 'dialProtocol'>
  protocol: string
  peerId: string
  message: KeystoreMessage
  signal: AbortSignal
  /** the error code and the member's name for a message never taken */
  code: KeystoreErrorCode
  who: string
}

export async function deliver ({ libp2p, protocol, peerId, message, signal, code, who }: DeliverArgs): Promise<void> {
  const peer = peerIdFromString(peerId)
  let last = 'not sent'
  while (!signal.aborted) {
    try {
      const stream = await libp2p.dialProtocol(peer, protocol, { signal })
      const answer = await exchange(stream, message, signal)
      if (answer.ok && answer.value.ok) return
      last = answer.ok ? (answer.value as { message: string }).message : answer.error.message
    } catch (err) { last = (err as Error).message }
    await new Promise(resolve => setTimeout(resolve, RETRY_MS))
  }
  throw new KeystoreError(code, `${who} did not take our ${message.kind}: ${last}`)
}
