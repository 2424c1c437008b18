/** Workers: bond, counts, slashes, earnings, uptime and reputation, with the formula printed. */
import { api, type Paged } from '../api.js'
import { h, mono, near, table } from '../dom.js'

interface Worker { account_id: string, bond: string, status: string, assigned: number, answered: number, agreed: number, disagreed: number, withheld: number, slashes: number, slashed: string, earned: string, uptime: number, reputation: number }

export function workersPage (): HTMLElement {
  const out = h('div', null, 'loading…')
  api<Paged<Worker> & { formula: string }>('/api/workers?limit=100').then(p => {
    out.replaceChildren(
      table(['worker', 'bond', 'status', 'assigned', 'answered', 'agreed', 'disagreed', 'withheld', 'slashes', 'earned', 'uptime', 'reputation'], p.items.map(w => [
        mono(w.account_id), near(w.bond), w.status, String(w.assigned), String(w.answered), String(w.agreed), String(w.disagreed), String(w.withheld),
        `${w.slashes} (${near(w.slashed)})`, near(w.earned), `${Math.round(w.uptime * 100)}%`, w.reputation.toFixed(3)
      ]), 'no registered workers'),
      h('p', { class: 'muted', id: 'formula' }, p.formula, '. Uptime = answered / assigned over the requests this node indexed; earned = an equal share of payment_charged − resolve_fee − receipt_fee among the agreeing workers.')
    )
  }, (err: Error) => out.replaceChildren(h('p', { class: 'error' }, err.message)))
  return h('section', null, h('h2', null, 'Workers'), out)
}
