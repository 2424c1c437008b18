/**
 * The dashboard on a real local mesh (localnet, the contract, 3 in-process nodes, node 0 serving the API): the
 * playground signs request_execution in the page with the user's pasted localnet key and its timeline reaches
 * "callback"; then one worker lies (the injected executor, as in the mesh tests) and the execution page shows the
 * two agreeing workers and the slashed liar, and the recheck verifies the revealed signatures in the browser;
 * the secrets page encrypts to the keystore group (the 3 nodes' DKG) and stores, the keystore releases it to an
 * env-keys run, the page lists and deletes it, and no request the page made carries the plaintext or the key;
 * the oracle example fetches three price servers on 127.0.0.1 and its execution page lists those exchanges.
 */
import assert from 'node:assert/strict'
import { bytesToHex } from '@noble/hashes/utils.js'
import { createLogger } from '../../log.js'
import { EMPTY_TRANSCRIPT_HASH, resultHash, type ExecutionResult } from '../../../protocol/index.js'
import { createExecutor, createHttpFetcher, defaultCacheDir, type Executor } from '../../../sandbox/exec/index.js'
import { coinApi, type TestServer } from '../../../sandbox/test/exec/http-servers.js'
import { ensureDashboard } from '../../../scripts/build-dashboard.js'
import type { ExecuteFn } from '../../roles/worker/index.js'
import { setUpKeystore } from '../../testing/keystore.js'
import { startLocalMesh, type LocalMesh } from '../../testing/local-mesh.js'
import { launchBrowser, type TestBrowser } from './browser.js'

const WAIT = { timeout: 90_000 }
const LIAR = 2
const SECRET = 'sk-dashboard-71c0e5-only-in-the-page'

describe('dashboard on a local mesh (headless chromium)', function () {
  this.timeout(240_000)
  let mesh: LocalMesh
  let tb: TestBrowser
  let url: string
  const mode = { lie: false }
  /** the nodes' info lines (the last 2000), so a failed run says what the workers did; warnings still go to stderr */
  const logs: string[] = []
  const keep = (line: string): void => {
    logs.push(line)
    if (logs.length > 2000) logs.shift()
    if (/"level":(4|5|6)0/.test(line)) process.stderr.write(line)
  }
  const linesOf = (requestId: string): string => logs.filter(l => l.includes(`"requestId":"${requestId}"`)).map(l => l.slice(0, 300)).join('')

  // one executor for the three nodes, whose fetcher reaches loopback (the test-only allowance) for the oracle's servers
  let executor: Executor
  const prices: TestServer[] = []
  const executorFor = (i: number): ExecuteFn => async (wasm, opts) => {
    const result = await executor.execute(wasm, { ...opts, http: { allowedHosts: ['127.0.0.1'], allowHttp: true } })
    return mode.lie && i === LIAR && result.status === 'ok' ? lied(result, new TextEncoder().encode('{"numbers":[1,2,3,4,5]}')) : result
  }

  before(async () => {
    await ensureDashboard()
    executor = createExecutor({ workers: 1, cacheDir: defaultCacheDir(), httpFetcher: createHttpFetcher({ allowLoopbackForTests: true }) })
    prices.push(...await Promise.all([100, 102, 98].map(async p => await coinApi(() => ({ bitcoin: p })))))
    mesh = await startLocalMesh({
      nodes: 3, blockTimeMs: 300, progress: () => {},
      roles: i => i === 0 ? ['worker', 'resolver', 'keystore'] : ['worker', 'keystore'],
      // above min_bond (1 NEAR): the liar is slashed and stays eligible for the R=3 request after it
      bond: () => 3n * 10n ** 24n,
      overrides: i => ({ logger: createLogger(`node${i}`, { level: 'info', base: { node: `n${i}` }, destination: { write: keep } }), execute: executorFor(i), ...(i === 0 ? { http: true } : {}) })
    })
    url = mesh.nodes[0]!.apiUrl!
    tb = await launchBrowser()
  })
  after(async () => {
    await tb?.close()
    await mesh?.stop()
    await executor?.close()
    await Promise.all(prices.map(async p => { await p.close() }))
  })

  it('the playground sends a request signed in the page and its timeline reaches callback', async () => {
    const echo = await mesh.example('echo')
    const { page, external, errors } = await tb.page(1280, url)
    await page.goto(`${url}/#/playground`)
    await page.fill('#source', `${echo.url}#${echo.hash}`)
    await page.fill('#input', JSON.stringify({ message: '<b>hi</b>' }))
    await page.selectOption('#format', 'Json')
    await page.click('#estimate')
    await page.locator('#cost', { hasText: 'NEAR' }).waitFor(WAIT)
    await page.fill('#account', mesh.user.accountId)
    await page.fill('#secret-key', mesh.user.secretKey)
    await page.click('#send')
    await page.locator('#watch li[data-step="callback"].done, #send-status.error').first().waitFor(WAIT)
    assert.equal(await page.locator('#send-status.error').count(), 0, await page.textContent('#send-status') ?? '')
    for (const step of ['requested', 'assigned', 'committed', 'revealed', 'resolved', 'callback']) {
      assert.match(await page.locator(`#watch li[data-step="${step}"]`).textContent() ?? '', /block #\d+/, step)
    }
    assert.match(await page.textContent('#watch #output') ?? '', /"echo": "<b>hi<\/b>"/)
    assert.equal(await page.locator('#watch #output b').count(), 0)
    await tb.shot(page, 'mesh-playground-1280')
    assert.deepEqual(external, [])
    assert.deepEqual(errors, [])
    await page.close()
  })

  it('the secrets page encrypts in the browser and stores, the keystore releases it to a run, and the page lists and deletes it', async () => {
    const groupKey = await setUpKeystore(mesh, 2)
    const envKeys = await mesh.example('env-keys')
    const owner = mesh.user.accountId
    const { page, external, errors } = await tb.page(360, url)
    const sent: string[] = []
    /** the status line once the action finished (it says "working…" meanwhile) */
    const settled = async (): Promise<void> => { await page.locator('#secrets-status', { hasText: /\S/, hasNotText: 'working…' }).waitFor(WAIT) }
    page.on('request', r => { sent.push(`${r.method()} ${r.url()}\n${JSON.stringify(r.headers())}\n${r.postData() ?? ''}\n${decodedTx(r.postData())}`) })
    await page.goto(`${url}/#/secrets`)
    await page.locator('#group', { hasText: bytesToHex(groupKey) }).waitFor(WAIT)
    await page.fill('#accessor', `wasm:${envKeys.hash}`)
    await page.fill('#vars', JSON.stringify({ API_KEY: SECRET }))
    await page.fill('#account', owner)
    await page.fill('#secret-key', mesh.user.secretKey)
    await page.click('#store')
    await settled()
    assert.match(await page.textContent('#secrets-status') ?? '', /^stored \d+ encrypted bytes/)
    assert.equal(await page.inputValue('#vars'), '', 'the plaintext is cleared once sealed')
    await page.locator('#secrets-list td', { hasText: `wasm:${envKeys.hash}` }).waitFor(WAIT)
    await tb.shot(page, 'mesh-secrets-stored-360')

    const { requestId, txHash } = await mesh.request({ source: { WasmUrl: envKeys }, replicas: 3, quorum: 2, response_format: 'Json', secrets_ref: { profile: 'default', account_id: owner } })
    const view = await mesh.waitClosed(requestId, 90_000)
    assert.equal(view.resolution?.success, true, `${JSON.stringify({ status: view.status, resolution: view.resolution })}\n${linesOf(requestId)}`)
    assert.deepEqual(await mesh.result(txHash), { env_keys: ['API_KEY'] }, 'the keystore released the page\'s blob to the run')

    await page.locator('#secrets-list button.delete').first().click()
    await settled()
    assert.match(await page.textContent('#secrets-status') ?? '', /^deleted wasm:/)
    await page.locator('#secrets-list td.empty', { hasText: 'no secrets stored' }).waitFor(WAIT)
    const record = await (await fetch(`${url}/api/secrets?${new URLSearchParams({ owner, accessor: JSON.stringify({ WasmHash: { hash: envKeys.hash } }) })}`)).json() as { record: unknown }
    assert.equal(record.record, null, 'deleted on chain')

    const needles = [SECRET, Buffer.from(SECRET).toString('base64'), Buffer.from(SECRET).toString('hex'), mesh.user.secretKey]
    assert.ok(sent.some(r => r.startsWith('POST ') && r.includes('store_secrets') && r.includes('encrypted_secrets_base64')), 'the search sees inside the relayed store_secrets transaction')
    for (const r of sent) for (const needle of needles) assert.ok(!r.includes(needle), `the plaintext or the key left the page in ${r.slice(0, 120)}`)
    assert.deepEqual(external, [])
    assert.deepEqual(errors, [])
    await page.goto(`${url}/#/execution/${requestId}`)
    await page.locator('#output', { hasText: 'API_KEY' }).waitFor(WAIT)
    assert.match(await page.textContent('#transcript') ?? '', new RegExp(`transcript hash ${EMPTY_TRANSCRIPT_HASH}.*no outside I/O`), 'env-keys made no I/O')
    await tb.shot(page, 'mesh-secrets-run-360')
    await page.close()
  })
  it('an execution with a liar shows the agreeing workers and the slashed one, and the recheck verifies them', async () => {
    mode.lie = true
    const random = await mesh.example('random')
    const { requestId } = await mesh.request({ source: { WasmUrl: random }, input_data: JSON.stringify({ count: 5, min: 1, max: 100 }), replicas: 3, quorum: 2 })
    await mesh.waitClosed(requestId, 90_000)
    mode.lie = false
    const liar = mesh.configs[LIAR]!.near.accountId
    const { page } = await tb.page(360, url)
    await page.goto(`${url}/#/execution/${requestId}`)
    await page.locator('li[data-step="callback"].done').waitFor(WAIT)
    await page.locator('h3', { hasText: 'Slashes' }).waitFor(WAIT)
    const rows = page.locator('main table').first().locator('tbody tr')
    const byWorker = new Map<string, string>()
    for (let i = 0; i < await rows.count(); i++) {
      const cells = await rows.nth(i).locator('td').allTextContents()
      byWorker.set(cells[0]!, cells.join(' | '))
    }
    assert.match(byWorker.get(liar) ?? '', /disagreed/, `the liar ${liar}: ${byWorker.get(liar)}`)
    assert.match(byWorker.get(liar) ?? '', /disagreed [0-9.]+ NEAR$/, 'slashed')
    const agreeing = [...byWorker].filter(([, row]) => / agreed /.test(row)).map(([w]) => w)
    assert.equal(agreeing.length, 2, [...byWorker.values()].join('\n'))
    assert.match(await page.textContent('main') ?? '', new RegExp(`${liar.replace(/\./g, '\\.')}disagreed`))
    await page.click('#recheck')
    await page.locator('#recheck-result tbody tr').first().waitFor(WAIT)
    const verdicts = await page.locator('#recheck-result tbody tr').allTextContents()
    assert.equal(verdicts.length, 3, verdicts.join('\n'))
    assert.ok(verdicts.every(v => /valid/.test(v) && !/invalid/.test(v)), verdicts.join('\n'))
    await tb.shot(page, 'mesh-execution-liar-360')
    await page.goto(`${url}/#/workers`)
    await page.locator('#formula').waitFor(WAIT)
    await tb.shot(page, 'mesh-workers-360')
    await page.setViewportSize({ width: 1280, height: 900 })
    await page.goto(`${url}/#/network`)
    await page.locator('#lag').waitFor(WAIT)
    await tb.shot(page, 'mesh-network-1280')
    await page.close()
  })

  it('an execution that fetched outside data lists its exchanges under the agreed transcript hash', async () => {
    const oracle = await mesh.example('oracle')
    const sources = prices.map(p => ({ url: `${p.url}/simple/price?ids={tokens}&vs_currencies=usd`, path: '{token}.usd' }))
    const { requestId, txHash } = await mesh.request({ source: { WasmUrl: oracle }, input_data: JSON.stringify({ token: 'bitcoin', sources }), replicas: 3, quorum: 2, aggregation: 'median' })
    const view = await mesh.waitClosed(requestId, 90_000)
    assert.equal(view.resolution?.success, true, `${JSON.stringify({ status: view.status, resolution: view.resolution })}\n${linesOf(requestId)}`)
    assert.equal(await mesh.result(txHash), '100')
    const { page, external, errors } = await tb.page(1280, url)
    await page.goto(`${url}/#/execution/${requestId}`)
    await page.locator('#transcript tbody tr').first().waitFor(WAIT)
    const rows = await page.locator('#transcript tbody tr').allTextContents()
    assert.equal(rows.length, 3, rows.join('\n'))
    for (const [i, p] of prices.entries()) assert.match(rows[i]!, new RegExp(`^httpGET${p.url.replace(/\./g, '\\.')}/simple/price\\?ids=bitcoin&vs_currencies=usd200`), rows[i])
    const hash = await page.locator('#transcript p .mono, #transcript p code').first().textContent()
    assert.ok(hash != null && /^[0-9a-f]{64}$/.test(hash.trim()) && hash.trim() !== EMPTY_TRANSCRIPT_HASH, `an agreed, non-empty transcript hash: ${hash}`)
    await tb.shot(page, 'mesh-execution-http-1280')
    assert.deepEqual(external, [])
    assert.deepEqual(errors, [])
    await page.close()
  })
})

/** a relayed transaction's bytes as text (its borsh args hold the call's JSON), so a search sees inside it */
function decodedTx (body: string | null): string {
  try { return Buffer.from((JSON.parse(body ?? '') as { signed_tx_base64: string }).signed_tx_base64, 'base64').toString('latin1') } catch { return '' }
}

function lied (honest: ExecutionResult, stdout: Uint8Array): ExecutionResult {
  return { ...honest, stdout, result_hash: resultHash({ status: 'ok', exit_code: honest.exit_code, trap: honest.trap, stdout, fuel_used: honest.fuel_used, instrumenter_version: honest.instrumenter_version }) }
}
