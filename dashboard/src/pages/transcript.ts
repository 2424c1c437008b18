/**
 * The I/O transcript of an execution: the transcript hash the agreed result carried in the resolve call (the
 * slot verification v2 signs), whether the run made outside I/O at all, the dissenters' hashes when they differ,
 * and the entries themselves when the API has them (`transcript`, protocol/transcript.ts's shape on the
 * components branch: the transcript is kept by the workers that ran, not on chain). Every field is text.
 */
import { EMPTY_TRANSCRIPT_HASH } from '../../../protocol/transcript.js'
import type { Execution, TranscriptEntry } from '../api.js'
import { h, mono, table } from '../dom.js'

function entryRow (e: TranscriptEntry): Array<string | HTMLElement> {
  const res = e.response
  return [
    e.kind, e.request.method, mono(e.request.url),
    'error' in res ? `refused: ${res.error}` : String(res.status),
    mono(`${e.request.body_sha256.slice(0, 12)}… / ${'body_sha256' in res ? res.body_sha256.slice(0, 12) + '…' : '—'}`)
  ]
}

export function transcriptSection (e: Execution): HTMLElement {
  const hash = e.response?.transcript_hash
  const dissent = e.workers.filter(w => w.dissent?.transcript_hash != null && w.dissent.transcript_hash !== hash)
  return h('div', { id: 'transcript' },
    h('p', null, 'transcript hash ', hash != null ? mono(hash) : h('span', { class: 'muted' }, e.response == null ? 'not revealed yet' : 'none (a v1 result)'),
      hash === EMPTY_TRANSCRIPT_HASH ? h('span', { class: 'muted', id: 'no-io' }, ' — sha256 of the empty transcript: the program made no outside I/O') : null),
    dissent.length > 0
      ? table(['worker', 'its transcript hash'], dissent.map(w => [mono(w.worker_id), mono(w.dissent!.transcript_hash!)]))
      : null,
    Array.isArray(e.transcript) && e.transcript.length > 0
      ? table(['kind', 'method', 'url', 'status', 'bodies sha256 (request / response)'], e.transcript.map(entryRow))
      : hash != null && hash !== EMPTY_TRANSCRIPT_HASH
        ? h('p', { class: 'muted' }, 'The program made outside I/O; the transcript itself stays with the workers that ran it, and this node has none for this request.')
        : null)
}
