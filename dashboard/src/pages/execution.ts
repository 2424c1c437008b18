/**
 * One request: its timeline (requested → assigned → committed → revealed → resolved → callback, with block and
 * transaction), every worker's result and whether it agreed, slashes, the output rendered as text per
 * response_format, and the recheck of the signatures in the browser. Follows the request live while it is open.
 */
import { api, ApiError, type Execution, type Result } from '../api.js'
import { fromBase64 } from '../bytes.js'
import { badge, h, mono, near, table, type Child } from '../dom.js'
import { recheck, type AttestationsDoc } from '../recheck.js'

export const STEPS = ['requested', 'assigned', 'committed', 'revealed', 'resolved', 'callback'] as const


/** output bytes → what the page shows: pretty JSON, UTF-8 text or hex, always as text */
export function renderOutput (r: Result | undefined, format: string): Child {
  if (r == null) return h('span', { class: 'muted' }, 'not resolved yet')
  if (!r.success) return h('pre', { class: 'output error' }, r.error ?? 'failed')
  if (r.output == null) return h('span', { class: 'muted' }, r.output_hash != null ? `stored blob ${r.output_hash}` : '(empty)')
  const bytes = fromBase64(r.output)
  if (format === 'Bytes') return h('pre', { class: 'output' }, [...bytes].map(b => b.toString(16).padStart(2, '0')).join(' '))
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes)
  if (format === 'Json') { try { return h('pre', { class: 'output' }, JSON.stringify(JSON.parse(text), null, 2)) } catch {} }
  return h('pre', { class: 'output' }, text)
}

function timeline (e: Execution): HTMLElement {
  return h('ol', { class: 'timeline', id: 'timeline' }, STEPS.map(step => {
    const at = e.steps[step]
    return h('li', { class: at != null ? 'done' : 'todo', 'data-step': step },
      h('b', null, step), at != null ? h('span', null, ` block #${at.block}`) : h('span', { class: 'muted' }, ' —'),
      at?.tx != null ? h('span', { class: 'mono tx' }, ` tx ${at.tx}`) : null)
  }))
}

function workers (e: Execution): HTMLElement {
  const slashed = new Map(e.slashes.map(s => [s.worker_id, s]))
  return table(['worker', 'role', 'committed', 'revealed', 'agreed', 'result', 'slashed'], e.workers.map(w => [
    mono(w.worker_id), w.role, w.committed != null ? `#${w.committed.block}` : '—', w.revealed ? 'yes' : 'no',
    w.agreed ? badge('agreed') : badge('disagreed'),
    w.dissent != null ? renderOutput(w.dissent, e.response_format) : w.agreed ? 'main result' : '—',
    slashed.has(w.worker_id) ? `${slashed.get(w.worker_id)!.kind} ${near(slashed.get(w.worker_id)!.amount)}` : '—'
  ]), 'no workers yet')
}

export function executionPage (id: string): HTMLElement {
  const out = h('div', null, 'loading…')
  const checks = h('div', { id: 'recheck-result' })
  let timer: number | undefined
  const load = (): void => {
    api<Execution>(`/api/executions/${encodeURIComponent(id)}`).then(e => {
      out.replaceChildren(
        h('dl', { class: 'facts' },
          h('dt', null, 'status'), h('dd', null, badge(e.status)),
          h('dt', null, 'caller'), h('dd', null, mono(e.caller)),
          h('dt', null, 'source'), h('dd', null, mono(e.source_label)),
          h('dt', null, 'R / Q'), h('dd', null, `${e.replicas} / ${e.quorum} (${e.aggregation})`),
          h('dt', null, 'blocks taken'), h('dd', null, String(e.blocks_taken ?? '—')),
          h('dt', null, 'cost'), h('dd', null, `${near(e.payment_charged)} (deposit ${near(e.deposit)})`),
          h('dt', null, 'input'), h('dd', null, h('pre', { class: 'output', id: 'input' }, e.input_data ?? ''))),
        h('h3', null, 'Timeline'), timeline(e),
        h('h3', null, 'Output'), h('div', { id: 'output' }, renderOutput(e.response, e.response_format)),
        h('h3', null, 'Workers'), workers(e),
        h('h3', null, 'Slashes'), table(['worker', 'kind', 'amount', 'block'], e.slashes.map(s => [mono(s.worker_id), s.kind, near(s.amount), `#${s.block}`]), 'nobody was slashed'),
        h('h3', null, 'Recheck'),
        h('p', null, h('button', { id: 'recheck', onclick: () => { void runRecheck(id, checks) } }, 'Recheck the attestations in this browser'), ' ',
          h('a', { href: `/attestations/${id}` }, 'attestations JSON')),
        checks
      )
      if (e.steps.callback == null && e.status !== 'cancelled' && document.body.contains(out)) timer = window.setTimeout(load, 500)
    }, (err: Error) => {
      out.replaceChildren(h('p', { class: 'error' }, err.message))
      if (err instanceof ApiError && err.status === 404 && document.body.contains(out)) timer = window.setTimeout(load, 1000)
    })
  }
  load()
  window.addEventListener('hashchange', () => clearTimeout(timer), { once: true })
  return h('section', null, h('h2', null, `Execution ${id}`), out)
}

async function runRecheck (id: string, target: HTMLElement): Promise<void> {
  target.replaceChildren('checking…')
  try {
    const verdicts = recheck(await api<AttestationsDoc>(`/attestations/${encodeURIComponent(id)}`))
    target.replaceChildren(table(['worker', 'agreed', 'signature', 'detail'], verdicts.map(v => [
      mono(v.worker_id), v.agreed ? 'yes' : 'no', v.valid ? badge('valid') : badge('invalid'), v.reason
    ]), 'no revealed signatures yet'))
  } catch (err) {
    target.replaceChildren(h('p', { class: 'error' }, (err as Error).message))
  }
}
