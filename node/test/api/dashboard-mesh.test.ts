/**
 * The dashboard on a real local mesh (localnet, the contract, 3 in-process nodes, node 0 serving the API): the
 * playground signs request_execution in the page with the user's pasted localnet key and its timeline reaches
 * "callback"; then one worker lies (the injected executor, as in the mesh tests) and the execution page shows the
 * two agreeing workers and the slashed liar, and the recheck verifies the revealed signatures in the browser.
 */
import assert from 'node:assert/strict'
import { resultHash, type ExecutionResult } from '../../../protocol/index.js'
import { execute } from '../../../sandbox/exec/index.js'
import { ensureDashboard } from '../../../scripts/build-dashboard.js'
import type { ExecuteFn } from '../../roles/worker/index.js'
import { startLocalMesh, type LocalMesh } from '../../testing/local-mesh.js'
import { launchBrowser, type TestBrowser } from './browser.js'

const WAIT = { timeout: 90_000 }
const LIAR = 2

describe('dashboard on a local mesh (headless chromium)', function () {
  this.timeout(240_000)
  let mesh: LocalMesh
  let tb: TestBrowser
  let url: string
  const mode = { lie: false }

  const executorFor = (i: number): ExecuteFn => async (wasm, opts) => {
    const result = await execute(wasm, opts)
    return mode.lie && i === LIAR && result.status === 'ok' ? lied(result, new TextEncoder().encode('{"numbers":[1,2,3,4,5]}')) : result
  }

  before(async () => {
    await ensureDashboard()
    mesh = await startLocalMesh({
      nodes: 3, blockTimeMs: 300, progress: () => {},
      overrides: i => ({ execute: executorFor(i), ...(i === 0 ? { http: true } : {}) })
    })
    url = mesh.nodes[0]!.apiUrl!
    tb = await launchBrowser()
  })
  after(async () => { await tb?.close(); await mesh?.stop() })

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

  it('the secrets page looks a record up through the contract and refuses to store until protocol/secrets is on main', async () => {
    const { page, errors } = await tb.page(360, url)
    const relayed: string[] = []
    page.on('request', r => { if (r.url().endsWith('/api/tx')) relayed.push(r.url()) })
    await page.goto(`${url}/#/secrets`)
    await page.fill('#account', mesh.user.accountId)
    await page.fill('#accessor', JSON.stringify({ WasmHash: { hash: 'ab'.repeat(32) } }))
    await page.click('#lookup')
    await page.locator('#secrets-record', { hasText: 'no record' }).waitFor(WAIT)
    await page.fill('#group-key', 'cd'.repeat(32))
    await page.fill('#vars', JSON.stringify({ API_KEY: 'plaintext-never-sent' }))
    await page.fill('#secret-key', mesh.user.secretKey)
    await page.click('#store')
    await page.locator('#secrets-status.error', { hasText: 'not on main yet' }).waitFor(WAIT)
    assert.deepEqual(relayed, [], 'nothing was sent')
    assert.deepEqual(errors, [])
    await tb.shot(page, 'mesh-secrets-360')
    await page.close()
  })
})

function lied (honest: ExecutionResult, stdout: Uint8Array): ExecutionResult {
  return { ...honest, stdout, result_hash: resultHash({ status: 'ok', exit_code: honest.exit_code, trap: honest.trap, stdout, fuel_used: honest.fuel_used, instrumenter_version: honest.instrumenter_version }) }
}
