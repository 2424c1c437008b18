/**
 * Secrets: encrypt in the page to the keystore group key and store with store_secrets, signed here with a pasted
 * key; look a record up; delete it. The plaintext never leaves the page. The encryption is protocol/secrets'
 * encryptSecrets (branch w12-keystore); until that module is on main, secrets-format.ts stands in with its
 * signature and refuses, so the page is built against the API it will call.
 */
import { api } from '../api.js'
import { hex32, toBase64 } from '../bytes.js'
import { field, h, mono } from '../dom.js'
import { parseKey, sendCall } from '../near-tx.js'
import { encryptSecrets } from '../secrets-format.js'

const TGAS = 10n ** 12n
const STORAGE_DEPOSIT = 10n ** 23n // 0.1 NEAR; the contract keeps what the storage costs and refunds the rest


export function secretsPage (): HTMLElement {
  const input = (id: string, value = '', type = 'text'): HTMLInputElement => h('input', { id, value, type }) as HTMLInputElement
  const groupKey = input('group-key'); const accessor = input('accessor', '{"WasmHash":{"hash":""}}'); const profile = input('profile', 'default')
  const vars = h('textarea', { id: 'vars', rows: 4, placeholder: '{"API_KEY":"…"}' }) as HTMLTextAreaElement
  const account = input('account'); const key = input('secret-key', '', 'password')
  const status = h('p', { id: 'secrets-status', class: 'muted' })
  const found = h('div', { id: 'secrets-record' })
  let contractId = ''
  api<{ contract_id: string }>('/api/contract').then(c => { contractId = c.contract_id }, () => {})

  const run = async (what: () => Promise<string>): Promise<void> => {
    status.className = 'muted'
    try { status.textContent = await what() } catch (err) { status.className = 'error'; status.textContent = (err as Error).message }
  }
  const store = async (): Promise<string> => {
    const pasted = parseKey(account.value.trim(), key.value)
    const acc = JSON.parse(accessor.value) as Record<string, unknown>
    const blob = encryptSecrets(hex32(groupKey.value.trim(), 'group key'), { owner: pasted.accountId, accessor: accessorKey(acc), profile: profile.value }, JSON.parse(vars.value))
    vars.value = '' // the plaintext is dropped as soon as it is sealed
    const tx = await sendCall(pasted, { receiverId: contractId, method: 'store_secrets', args: { accessor: acc, profile: profile.value, encrypted_secrets_base64: toBase64(blob) }, gas: 50n * TGAS, deposit: STORAGE_DEPOSIT })
    return `stored (tx ${tx})`
  }
  const lookUp = async (): Promise<string> => {
    const q = new URLSearchParams({ owner: account.value.trim(), accessor: accessor.value, profile: profile.value })
    const r = await api<{ record: unknown }>(`/api/secrets?${q}`)
    found.replaceChildren(r.record == null ? 'no record' : h('pre', { class: 'output' }, JSON.stringify(r.record, null, 2)))
    return 'looked up'
  }
  const remove = async (): Promise<string> => {
    const pasted = parseKey(account.value.trim(), key.value)
    const tx = await sendCall(pasted, { receiverId: contractId, method: 'delete_secrets', args: { accessor: JSON.parse(accessor.value), profile: profile.value }, gas: 50n * TGAS, deposit: 0n })
    return `deleted (tx ${tx})`
  }
  return h('section', null, h('h2', null, 'Secrets'),
    h('p', { class: 'muted' }, 'Encrypted here to the keystore group key; only the ciphertext is sent. ', mono('protocol/secrets'), ' (secrets blob v1) is not on main yet: storing says so until it is.'),
    h('form', { class: 'grid', onsubmit: (e: Event) => { e.preventDefault(); void run(store) } },
      field('keystore group key (hex)', groupKey), field('accessor (JSON)', accessor), field('profile', profile),
      field('secrets (JSON object of env vars)', vars, 'never leaves this page in clear'),
      h('div', { class: 'row' }, field('account', account), field('secret key', key, 'ed25519:…')),
      h('p', null, h('button', { type: 'submit', id: 'store' }, 'Encrypt and store'), ' ',
        h('button', { type: 'button', id: 'lookup', onclick: () => { void run(lookUp) } }, 'Look up'), ' ',
        h('button', { type: 'button', id: 'delete', onclick: () => { void run(remove) } }, 'Delete'))),
    status, found)
}

/** the contract's canonical accessor key (contract/src/secrets.ts accessorKey) */
function accessorKey (a: Record<string, unknown>): string {
  const repo = a.Repo as { repo?: string, branch?: string } | undefined
  const wasm = a.WasmHash as { hash?: string } | undefined
  const project = a.Project as { project_id?: string } | undefined
  if (repo?.repo != null) return `repo:${repo.repo}${repo.branch != null ? '@' + repo.branch : ''}`
  if (wasm?.hash != null) return `wasm:${wasm.hash}`
  if (project?.project_id != null) return `project:${project.project_id}`
  throw new Error('accessor must be {"Repo":…}, {"WasmHash":…} or {"Project":…}')
}
