/** An in-memory stand-in for the node's gossip round of consensus-on-responses (the gossip itself is node work). */
import { agreeOnResponse } from '../../../protocol/aggregation.js'
import type { AgreedResponse, ResponseAgreement } from '../../exec/http/consensus.js'

/** Collects every replica's copy of call n, then agrees by `mode`; `agreement(replica)` is that replica's hook. */
export function gossipRound (replicas: string[], quorum: number, mode: Parameters<typeof agreeOnResponse>[2]): (replica: string) => ResponseAgreement {
  const calls = new Map<number, { votes: Array<{ replica: string, value: Uint8Array, own: AgreedResponse }>, waiting: Array<() => void> }>()
  return replica => ({
    agree: async ({ index, own }) => {
      const call = calls.get(index) ?? { votes: [], waiting: [] }
      calls.set(index, call)
      call.votes.push({ replica, value: own.body, own })
      if (call.votes.length < replicas.length) await new Promise<void>(resolve => call.waiting.push(resolve))
      else call.waiting.splice(0).forEach(wake => { wake() })
      const agreed = agreeOnResponse(call.votes, quorum, mode)
      if (!agreed.ok) return { ok: false, detail: agreed.detail }
      return { ok: true, agreed: { status: 200, contentType: 'application/json', body: agreed.value } }
    }
  })
}
