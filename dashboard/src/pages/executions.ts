/** Executions: the searchable list (id, caller, source, status, R/Q, blocks taken, cost), paged by the API. */
import { api, type Paged } from '../api.js'
import { badge, field, h, link, mono, near, table } from '../dom.js'

interface Row { request_id: string, caller: string, source: string, status: string, replicas: number, quorum: number, blocks_taken: number | null, cost: string | null }

export function executionsPage (params: URLSearchParams): HTMLElement {
  const q = h('input', { id: 'search', type: 'search', placeholder: 'request id, caller or source', value: params.get('q') ?? '' }) as HTMLInputElement
  const status = h('select', { id: 'status' }, ['', 'pending', 'resolved', 'completed', 'failed', 'timed_out', 'unreachable', 'cancelled'].map(s => h('option', { value: s }, s === '' ? 'any status' : s))) as HTMLSelectElement
  status.value = params.get('status') ?? ''
  const offset = Number(params.get('offset') ?? 0)
  const out = h('div', null, 'loading…')
  const go = (off: number): void => { location.hash = `#/executions?${new URLSearchParams({ q: q.value, status: status.value, offset: String(off) })}` }
  const form = h('form', { class: 'filters', onsubmit: (e: Event) => { e.preventDefault(); go(0) } }, field('search', q), field('status', status), h('button', { type: 'submit' }, 'Search'))
  const query = new URLSearchParams({ limit: '20', offset: String(offset) })
  if (q.value !== '') query.set('q', q.value)
  if (status.value !== '') query.set('status', status.value)
  api<Paged<Row>>(`/api/executions?${query}`).then(p => {
    out.replaceChildren(
      table(['request', 'caller', 'source', 'status', 'R/Q', 'blocks', 'cost'], p.items.map(r => [
        link(`#/execution/${r.request_id}`, r.request_id), mono(r.caller), mono(r.source), badge(r.status),
        `${r.replicas}/${r.quorum}`, r.blocks_taken == null ? '—' : String(r.blocks_taken), near(r.cost)
      ]), 'no executions seen by this node yet'),
      h('p', { class: 'pager' }, `${p.total === 0 ? 0 : p.offset + 1}–${p.offset + p.items.length} of ${p.total} `,
        p.offset > 0 ? h('button', { onclick: () => go(Math.max(0, p.offset - p.limit)) }, '← newer') : null,
        p.offset + p.items.length < p.total ? h('button', { onclick: () => go(p.offset + p.limit) }, 'older →') : null)
    )
  }, (err: Error) => out.replaceChildren(h('p', { class: 'error' }, err.message)))
  return h('section', null, h('h2', null, 'Executions'), form, out)
}
