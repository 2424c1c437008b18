/**
 * The only way the dashboard builds DOM: `h(tag, props, ...children)`. Strings become text nodes and attribute
 * values go through setAttribute, so a string from the network (an input, an output, a worker id) is never parsed
 * as HTML. There is no innerHTML anywhere in dashboard/src (the browser test checks the bundle for it).
 */
export type Child = Node | string | number | null | undefined | false | Child[]
type Props = Record<string, string | number | boolean | EventListener | undefined | null>

/** hrefs we generate: in-app routes and our own API; anything else (javascript:, data:) is dropped */
const SAFE_HREF = /^(#\/|\/(api|public|attestations|openapi|status|metrics|health|node)\b)/

export function h (tag: string, props: Props | null = null, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag)
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value == null || value === false) continue
    if (typeof value === 'function') el.addEventListener(key.replace(/^on/, ''), value)
    else if (key === 'href' && !SAFE_HREF.test(String(value))) continue
    else if (key === 'value' && (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement)) el.value = String(value)
    else el.setAttribute(key, value === true ? '' : String(value))
  }
  append(el, children)
  return el
}

export function append (el: Node, children: Child[]): void {
  for (const c of children) {
    if (c == null || c === false) continue
    if (Array.isArray(c)) append(el, c)
    else el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c)
  }
}

export function mount (root: HTMLElement, ...children: Child[]): void {
  root.replaceChildren()
  append(root, children)
}

/** a table that scrolls sideways on a phone instead of widening the page */
export function table (head: string[], rows: Child[][], empty = 'nothing yet'): HTMLElement {
  return h('div', { class: 'scroll' }, h('table', null,
    h('thead', null, h('tr', null, head.map(t => h('th', null, t)))),
    h('tbody', null, rows.length === 0
      ? h('tr', null, h('td', { class: 'empty', colspan: head.length }, empty))
      : rows.map(r => h('tr', null, r.map(c => h('td', null, c)))))))
}

export function field (label: string, input: HTMLElement, hint?: string): HTMLElement {
  return h('label', { class: 'field' }, h('span', null, label), input, hint != null ? h('small', null, hint) : null)
}

export const mono = (text: string): HTMLElement => h('span', { class: 'mono' }, text)
export const link = (href: string, text: string): HTMLElement => h('a', { href }, text)
export const badge = (text: string): HTMLElement => h('span', { class: `badge badge-${text.replace(/[^a-z_]/g, '')}` }, text)

const YOCTO = 10n ** 24n
/** yocto decimal string → "0.0123 NEAR" */
export function near (yocto: string | null | undefined): string {
  if (yocto == null || !/^[0-9]+$/.test(yocto)) return '—'
  const v = BigInt(yocto)
  const whole = v / YOCTO
  const frac = (v % YOCTO).toString().padStart(24, '0').slice(0, 5).replace(/0+$/, '')
  return `${whole}${frac === '' ? '' : '.' + frac} NEAR`
}
