/**
 * Playground: pick a source seen on chain or paste one (GitHub repo@commit, WasmUrl url#sha256, Project), set
 * input, R/Q, aggregation, limits; see the cost from estimate_execution_cost; sign request_execution here with a
 * pasted localnet key and watch the request's timeline live. (Testnet: see dashboard/README.md, wallet path.)
 */
import { api, type Paged } from '../api.js'
import { field, h, near } from '../dom.js'
import { parseKey, sendCall } from '../near-tx.js'
import { executionPage } from './execution.js'

const TGAS = 10n ** 12n
/** the request's storage lock, refunded when it ends: its record (~4 KB) plus its own bytes at 1e19 yocto a byte (as node/chain/client.ts estimateDeposit) */
const storageLock = (args: unknown): bigint => BigInt(JSON.stringify(args).length + 8192) * 10n ** 19n

interface Row { request_id: string, source: string }
interface Contract { contract_id: string, network: string }

/** `owner/repo@commit`, `https://…/x.wasm#<sha256>`, `project:<id>` or a JSON source object → the source */
export function parseSource (text: string): Record<string, unknown> {
  const t = text.trim()
  if (t.startsWith('{')) return JSON.parse(t) as Record<string, unknown>
  const wasm = /^(https?:\/\/\S+)#([0-9a-f]{64})$/.exec(t)
  if (wasm != null) return { WasmUrl: { url: wasm[1], hash: wasm[2] } }
  const git = /^(\S+)@([0-9a-f]{7,40})$/.exec(t)
  if (git != null) return { GitHub: { repo: git[1], commit: git[2], build_target: 'wasm32-wasip1' } }
  const project = /^project:(\S+)$/.exec(t)
  if (project != null) return { Project: { project_id: project[1] } }
  throw new Error('source: owner/repo@commit, https://…/x.wasm#sha256, project:<id> or a JSON object')
}

export function playgroundPage (): HTMLElement {
  const input = (id: string, value: string, type = 'text'): HTMLInputElement => h('input', { id, value, type }) as HTMLInputElement
  const examples = h('select', { id: 'example' }, h('option', { value: '' }, 'paste a source below')) as HTMLSelectElement
  const source = h('textarea', { id: 'source', rows: 2, placeholder: 'owner/repo@commit · https://host/x.wasm#sha256 · project:<id> · {"WasmUrl":{…}}' }) as HTMLTextAreaElement
  const data = h('textarea', { id: 'input', rows: 3, placeholder: 'input_data (text, usually JSON)' }) as HTMLTextAreaElement
  const replicas = input('replicas', '3', 'number'); const quorum = input('quorum', '2', 'number')
  const aggregation = h('select', { id: 'aggregation' }, h('option', { value: 'identical' }, 'identical'), h('option', { value: 'median' }, 'median')) as HTMLSelectElement
  const format = h('select', { id: 'format' }, ['Text', 'Json', 'Bytes'].map(f => h('option', { value: f }, f))) as HTMLSelectElement
  const instructions = input('max-instructions', '1000000000', 'number'); const memory = input('max-memory', '128', 'number'); const seconds = input('max-seconds', '10', 'number')
  const account = input('account', ''); const key = input('secret-key', '', 'password')
  const cost = h('output', { id: 'cost' }, '—')
  const status = h('p', { id: 'send-status', class: 'muted' })
  const watch = h('div', { id: 'watch' })
  let contract: Contract | undefined
  let estimate: bigint | undefined

  api<Paged<Row>>('/api/executions?limit=100').then(p => {
    const seen = new Map<string, string>()
    for (const r of p.items) if (!seen.has(r.source)) seen.set(r.source, r.request_id)
    for (const [label, id] of seen) examples.appendChild(h('option', { value: id }, `${label} (as in request ${id})`))
  }, () => {})
  api<Contract>('/api/contract').then(c => { contract = c }, (err: Error) => { status.textContent = err.message })
  examples.addEventListener('change', () => {
    if (examples.value === '') return
    api<{ source: unknown, input_data?: string }>(`/api/executions/${examples.value}`).then(e => {
      source.value = JSON.stringify(e.source)
      data.value = e.input_data ?? ''
    }, () => {})
  })

  const limits = (): Record<string, number> => ({ max_instructions: Number(instructions.value), max_memory_mb: Number(memory.value), max_execution_seconds: Number(seconds.value) })
  const doEstimate = async (): Promise<bigint> => {
    const kind = (() => { try { return Object.keys(parseSource(source.value))[0] ?? '' } catch { return '' } })()
    const q = new URLSearchParams(Object.entries(limits()).map(([k, v]) => [k, String(v)]))
    if (kind !== '') q.set('source', kind)
    const r = await api<{ cost: string }>(`/api/estimate?${q}`)
    estimate = BigInt(r.cost)
    cost.textContent = `${near(r.cost)} at most (the deposit adds the request's storage lock; the contract refunds what is not charged)`
    return estimate
  }

  const send = async (): Promise<void> => {
    status.className = 'muted'
    try {
      if (contract == null) throw new Error('contract not known yet')
      const pasted = parseKey(account.value.trim(), key.value)
      const max = estimate ?? await doEstimate()
      const args = {
        source: parseSource(source.value), resource_limits: limits(), input_data: data.value, response_format: format.value,
        redundancy: { replicas: Number(replicas.value), quorum: Number(quorum.value), aggregation: aggregation.value }
      }
      status.textContent = 'signing and sending…'
      const tx = await sendCall(pasted, { receiverId: contract.contract_id, method: 'request_execution', args, gas: 300n * TGAS, deposit: max + storageLock(args) })
      status.textContent = `sent: tx ${tx}; waiting for the request id…`
      for (let i = 0; i < 120; i++) {
        const found = await api<{ request_id: string }>(`/api/executions?tx=${tx}`).catch(() => undefined)
        if (found != null) {
          status.textContent = `request ${found.request_id} (tx ${tx})`
          watch.replaceChildren(executionPage(found.request_id))
          return
        }
        await new Promise(resolve => setTimeout(resolve, 500))
      }
      throw new Error(`no request seen for tx ${tx} (refused by the contract? see the transaction on the RPC)`)
    } catch (err) {
      status.className = 'error'
      status.textContent = (err as Error).message
    }
  }

  return h('section', null, h('h2', null, 'Playground'),
    h('form', { class: 'grid', onsubmit: (e: Event) => { e.preventDefault(); void send() } },
      field('example', examples, 'sources of requests this node has seen'),
      field('source', source), field('input', data),
      h('div', { class: 'row' }, field('R (replicas)', replicas), field('Q (quorum)', quorum), field('aggregation', aggregation), field('response format', format)),
      h('div', { class: 'row' }, field('max instructions', instructions), field('memory MB', memory), field('seconds', seconds)),
      h('p', null, h('button', { type: 'button', id: 'estimate', onclick: () => { doEstimate().catch((err: Error) => { cost.textContent = err.message }) } }, 'Estimate cost'), ' ', cost),
      h('div', { class: 'row' }, field('account', account, 'localnet: an account of the chain'), field('secret key', key, 'ed25519:… — stays in this page; it signs here')),
      h('p', null, h('button', { type: 'submit', id: 'send' }, 'Send request'))),
    status, watch)
}
