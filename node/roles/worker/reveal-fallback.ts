/**
 * The on-chain reveal fallback (contract reveal_result): a request this worker committed to that is still pending
 * `revealFallbackBlocks` after its commit phase closed (and no later than the contract's reveal_by) gets its
 * reveal sent on chain, so that a yield timeout forced by other slot holders does not slash this worker for
 * withholding. Sent at most once per request: get_assignment is read back first (a restart, or a reveal someone
 * else sent for us, finds `revealed` and sends nothing), and a refusal is settled by reading it back again.
 */
import type { AttestationPayload } from '../../../protocol/index.js'
import { ChainError, phaseClosedAt, type AssignmentView, type OnChainReveal, type OutlayerClient } from '../../chain/index.js'
import type { Logger } from '../../log.js'

export interface RevealFallbackComponents {
  client: Pick<OutlayerClient, 'accountId' | 'getAssignment' | 'revealResult'>
  /** this worker's own reveals (roles/worker/jobs.ts) */
  results: { result: (requestId: string) => Promise<AttestationPayload | undefined> }
  logger: Logger
}

/** The stored reveal as reveal_result takes it: the output by its hash, so the transaction stays small. */
export function onChainReveal (a: AttestationPayload): OnChainReveal {
  return {
    worker_id: a.worker_id,
    salt: a.salt!,
    signature: a.signature,
    response: {
      code_hash: a.code_hash!,
      success: a.success,
      output_hash: a.output_hash,
      ...(a.error !== '' ? { error: a.error } : {}),
      resources_used: { instructions: a.instructions },
      transcript_hash: a.transcript_hash!
    }
  }
}

export class RevealFallback {
  /** request id → the height from which its reveal goes on chain */
  private readonly due = new Map<string, number>()
  /** request id → its send in flight */
  private readonly sending = new Map<string, Promise<void>>()

  constructor (private readonly components: RevealFallbackComponents, private readonly fallbackBlocks: number) {}

  /** The request's phase is revealing and this worker's reveal was gossiped: send it on chain if still pending later. */
  schedule (requestId: string, assignment: AssignmentView, height: number): void {
    const mine = assignment.commits.find(c => c.worker_id === this.components.client.accountId)
    if (mine == null || mine.revealed || this.due.has(requestId)) return
    const at = phaseClosedAt(assignment, height) + this.fallbackBlocks
    this.due.set(requestId, assignment.reveal_by != null ? Math.min(at, assignment.reveal_by) : at)
  }

  /** The request closed on chain: nothing to send. */
  drop (requestId: string): void { this.due.delete(requestId) }

  pending (): number { return this.due.size }

  /** Sends every reveal that is due; never throws (failures are logged, RPC trouble is retried on the next block). */
  onBlock (height: number): void {
    for (const [id, at] of this.due) {
      if (height < at || this.sending.has(id)) continue
      this.sending.set(id, this.send(id, height)
        .catch(err => this.components.logger.warn({ err, requestId: id }, 'on-chain reveal failed; retried on the next block'))
        .finally(() => this.sending.delete(id)))
    }
  }

  /** Settles once no send is in flight (stop() waits for it, so no transaction of ours goes out after stop). */
  async idle (): Promise<void> {
    await Promise.allSettled([...this.sending.values()])
  }

  private async send (id: string, height: number): Promise<void> {
    const { client, results, logger } = this.components
    const revealed = async (): Promise<boolean | undefined> => {
      const a = await client.getAssignment(id)
      const mine = a?.commits.find(c => c.worker_id === client.accountId)
      // finished, not ours, past reveal_by: nothing left to do
      if (a == null || mine == null || (a.reveal_by != null && height > a.reveal_by)) return undefined
      return mine.revealed
    }
    const before = await revealed()
    const reveal = await results.result(id)
    if (before !== false || reveal == null) { this.due.delete(id); return }
    try {
      const { txHash } = await client.revealResult(id, onChainReveal(reveal))
      this.due.delete(id)
      logger.info({ requestId: id, txHash }, 'revealed on chain: the request was still unresolved')
    } catch (err) {
      // refused (resolved meanwhile, revealed by someone else, past reveal_by): the chain says whether it is done
      if (err instanceof ChainError && err.code === 'CALL_REFUSED') {
        this.due.delete(id)
        if (await revealed().catch(() => undefined) !== true) logger.warn({ requestId: id, err }, 'on-chain reveal refused')
        return
      }
      throw err
    }
  }
}
