/**
 * Secrets: encrypt env vars in the page to the keystore group key the contract publishes (get_keystore_group,
 * through /api/keystore-group), store the ciphertext with store_secrets signed here with a pasted key (localnet's
 * wallet-less flow, as the playground), list the owner's records and delete one. The plaintext never leaves the
 * page: it is sealed with protocol/secrets (secrets-format.ts) and the textarea is cleared before anything is sent.
 */
import { api } from '../api.js'
import { hex32, toBase64 } from '../bytes.js'
import { field, h, mono, table } from '../dom.js'
import { parseKey, sendCall } from '../near-tx.js'
import { accessorKey, encryptSecrets, parseAccessor, type Accessor } from '../secrets-format.js'

const TGAS = 10n ** 12n
/** yocto per byte of storage: the deposit covers the record twice over and the contract refunds the rest */
const STORAGE_YOCTO_PER_BYTE = 10n ** 19n

interface Group { version: number, group_key: string, threshold: number, members: number }
interface Entry { owner: string, accessor: Accessor, profile: string, stored: { block: number, tx?: string } }

export function secretsPage (): HTMLElement {
  const input = (id: string, value = '', type = 'text'): HTMLInputElement => h('input', { id, value, type }) as HTMLInputElement
  const accessor = input('accessor', '', 'text'); accessor.placeholder = 'wasm:<sha256 hex> | repo:owner/name[@branch] | project:<id>'
  const profile = input('profile', 'default'); const access = input('access', '"AllowAll"')
  const vars = h('textarea', { id: 'vars', rows: 4, placeholder: '{"API_KEY":"…"}' }) as HTMLTextAreaElement
  const account = input('account'); const key = input('secret-key', '', 'password')
  const groupInfo = h('p', { id: 'group', class: 'muted' }, 'reading the keystore group…')
  const status = h('p', { id: 'secrets-status', class: 'muted' })
  const list = h('div', { id: 'secrets-list' })
  let contractId = ''
  let group: Group | null = null
  api<{ contract_id: string }>('/api/contract').then(c => { contractId = c.contract_id }, () => {})
  api<{ group: Group | null }>('/api/keystore-group').then(r => {
    group = r.group
    groupInfo.replaceChildren(group == null
      ? 'No keystore group is published on this contract yet: storing is off until its keystore nodes run their DKG.'
      : h('span', null, `Group key (version ${group.version}, ${group.threshold} of ${group.members}): `, mono(group.group_key)))
  }, (err: Error) => { groupInfo.className = 'error'; groupInfo.textContent = `keystore group: ${err.message}` })

  const run = async (what: () => Promise<string>): Promise<void> => {
    status.className = 'muted'
    status.textContent = 'working…'
    try { status.textContent = await what() } catch (err) { status.className = 'error'; status.textContent = (err as Error).message }
  }
  const store = async (): Promise<string> => {
    if (group == null) throw new Error('no keystore group is published: nothing was sent')
    const pasted = parseKey(account.value.trim(), key.value)
    const acc = parseAccessor(accessor.value.trim())
    let condition: unknown
    try { condition = JSON.parse(access.value) } catch { throw new Error('access condition: not JSON (e.g. "AllowAll")') }
    let env: unknown
    try { env = JSON.parse(vars.value) } catch { throw new Error('secrets: not a JSON object of NAME → "value"') }
    const blob = encryptSecrets(hex32(group.group_key, 'group key'), { owner: pasted.accountId, accessor: accessorKey(acc), profile: profile.value }, env)
    vars.value = '' // the plaintext is dropped as soon as it is sealed, before anything is sent
    const encoded = toBase64(blob)
    const deposit = BigInt(encoded.length * 2 + 2048) * STORAGE_YOCTO_PER_BYTE
    const tx = await sendCall(pasted, { receiverId: contractId, method: 'store_secrets', args: { accessor: acc, profile: profile.value, encrypted_secrets_base64: encoded, access: condition }, gas: 100n * TGAS, deposit })
    if (!await refresh(items => items.some(e => same(e, accessorKey(acc), profile.value)))) throw new Error(`tx ${tx} stored no record (refused by the contract, or not final yet): list again to check`)
    return `stored ${blob.length} encrypted bytes for ${accessorKey(acc)} profile ${profile.value} (tx ${tx})`
  }
  const remove = async (e: Entry): Promise<string> => {
    const pasted = parseKey(account.value.trim(), key.value)
    const tx = await sendCall(pasted, { receiverId: contractId, method: 'delete_secrets', args: { accessor: e.accessor, profile: e.profile }, gas: 50n * TGAS, deposit: 0n })
    if (!await refresh(items => !items.some(x => same(x, accessorKey(e.accessor), e.profile)))) throw new Error(`tx ${tx} deleted nothing (refused by the contract, or not final yet): list again to check`)
    return `deleted ${accessorKey(e.accessor)} profile ${e.profile} (tx ${tx})`
  }
  /**
   * The owner's records as the node's index saw them announced (final blocks, so a change shows ~2 blocks after
   * its transaction): after a store or delete, polled until `settled` holds or ~15 s pass; false if it never did.
   */
  const refresh = async (settled: (items: Entry[]) => boolean = () => true): Promise<boolean> => {
    const owner = account.value.trim()
    if (owner === '') { list.replaceChildren(h('p', { class: 'muted' }, 'enter the account to list its secrets')); return false }
    let r = { items: [] as Entry[], total: 0 }
    let done = false
    for (let tries = 0; tries < 30 && !done; tries++) {
      if (tries > 0) await new Promise(resolve => setTimeout(resolve, 500))
      r = await api<{ items: Entry[], total: number }>(`/api/secrets?${new URLSearchParams({ owner, limit: '100' })}`)
      done = settled(r.items)
    }
    list.replaceChildren(h('p', { class: 'muted' }, `${r.total} record(s) of `, mono(owner)), table(['accessor', 'profile', 'stored at', ''], r.items.map(e => [
      mono(accessorKey(e.accessor)), mono(e.profile), `block #${e.stored.block}`,
      h('button', { type: 'button', class: 'delete', onclick: () => { void run(async () => await remove(e)) } }, 'Delete')
    ]), 'no secrets stored'))
    return done
  }
  const same = (e: Entry, accessorText: string, profileName: string): boolean => accessorKey(e.accessor) === accessorText && e.profile === profileName
  return h('section', null, h('h2', null, 'Secrets'),
    h('p', { class: 'muted' }, 'Encrypted in this page to the keystore group key (', mono('protocol/secrets'), ' blob v1); only the ciphertext is sent. The keystore nodes release it only to the code the accessor names, under the access condition.'),
    groupInfo,
    h('form', { class: 'grid', onsubmit: (e: Event) => { e.preventDefault(); void run(store) } },
      field('accessor', accessor, 'the code that may read them'), field('profile', profile),
      field('access condition (JSON)', access, '"AllowAll" or {"Whitelist":{"accounts":["a.near"]}}'),
      field('secrets (JSON object of env vars)', vars, 'never leaves this page in clear'),
      h('div', { class: 'row' }, field('account', account), field('secret key', key, 'ed25519:… (stays in this page)')),
      h('p', null, h('button', { type: 'submit', id: 'store' }, 'Encrypt and store'), ' ',
        h('button', { type: 'button', id: 'list', onclick: () => { void run(async () => { await refresh(); return 'listed' }) } }, 'List my secrets'))),
    status, h('h3', null, 'Stored'), list)
}
