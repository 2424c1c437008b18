/**
 * The bundled dashboard in headless chromium against a fixture explorer (no chain): every page renders at 360 px
 * and 1280 px, loads nothing from elsewhere, and markup in an input, an output, a worker id, a source and a repo
 * renders as text. Screenshots go to bench/results/dashboard/.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createApiServer, type ApiServer } from '../../api/index.js'
import { ensureDashboard } from '../../../scripts/build-dashboard.js'
import { launchBrowser, type TestBrowser } from './browser.js'
import { transcriptHash } from '../../../protocol/index.js'
import { fixtureExplorer, TRANSCRIPT, XSS } from './explorer-fixture.js'
import { sampleStatus } from './fixtures.js'

const WAIT = { timeout: 20_000 }
const PAGES = ['executions', 'execution/150', 'execution/7', 'workers', 'network', 'secrets', 'playground'] as const

describe('dashboard pages (headless chromium, fixture explorer)', function () {
  this.timeout(120_000)
  let server: ApiServer
  let tb: TestBrowser
  let dist: string

  before(async () => {
    dist = await ensureDashboard()
    server = await createApiServer({ port: 0, status: () => sampleStatus(), explorer: fixtureExplorer(), dashboardDir: dist })
    tb = await launchBrowser()
  })
  after(async () => { await tb?.close(); await server?.close() })

  it('the bundle never writes HTML from strings', async () => {
    const js = await readFile(join(dist, 'app.js'), 'utf8')
    assert.doesNotMatch(js, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/)
  })

  for (const width of [360, 1280]) {
    it(`every page renders at ${width} px with nothing external and no script error`, async () => {
      const { page, external, errors } = await tb.page(width, server.url)
      for (const p of PAGES) {
        await page.goto(`${server.url}/#/${p}`)
        await page.locator('main h2').waitFor(WAIT)
        await page.locator('main', { hasNotText: 'loading…' }).waitFor(WAIT)
        if (width === 360) {
          const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth') as number
          assert.ok(overflow <= 1, `${p} is wider than the screen by ${overflow} px`)
        }
        await tb.shot(page, `${p.replace('/', '-')}-${width}`)
      }
      assert.deepEqual(external, [])
      assert.deepEqual(errors, [])
      await page.close()
    })
  }

  it('markup in an input, an output, a worker id and a source renders as text', async () => {
    const { page } = await tb.page(1280, server.url)
    await page.goto(`${server.url}/#/execution/150`)
    await page.locator('#output pre').waitFor(WAIT)
    assert.equal(await page.textContent('#input'), XSS)
    assert.equal(await page.textContent('#output pre'), XSS)
    assert.ok((await page.locator('td', { hasText: XSS }).count()) >= 2, 'the worker id shows as text in workers and slashes')
    assert.match(await page.textContent('#transcript') ?? '', new RegExp(`transcript hash ${transcriptHash(TRANSCRIPT)}`))
    assert.equal(await page.locator('#transcript td', { hasText: `https://api.example/${XSS}` }).count(), 1, 'the transcript url as text')
    assert.equal(await page.locator('#transcript td', { hasText: `refused: ${XSS}` }).count(), 1, 'a refusal as text')
    await page.goto(`${server.url}/#/secrets`)
    await page.fill('#account', 'alice.test.near')
    await page.click('#list')
    await page.locator('#secrets-list td', { hasText: `project:${XSS}` }).waitFor(WAIT)
    assert.equal(await page.locator('#secrets-list td', { hasText: XSS }).count(), 2, 'accessor and profile as text')
    await page.goto(`${server.url}/#/executions`)
    await page.locator('td', { hasText: XSS }).first().waitFor(WAIT)
    await page.goto(`${server.url}/#/workers`)
    await page.locator('td', { hasText: XSS }).first().waitFor(WAIT)
    await page.goto(`${server.url}/#/network`)
    await page.locator('td', { hasText: XSS }).first().waitFor(WAIT)
    assert.equal(await page.locator('body img, body script').count(), 0)
    assert.equal(await page.evaluate('window.pwned'), undefined)
    await page.close()
  })

  it('the secrets page seals to the published group key and, with the RPC down, says so and sends no plaintext', async () => {
    const { page, errors } = await tb.page(360, server.url)
    const sent: string[] = []
    page.on('request', r => { sent.push(`${r.url()} ${r.postData() ?? ''}`) })
    await page.goto(`${server.url}/#/secrets`)
    await page.locator('#group', { hasText: 'e2f2ae0a6abc4e71' }).waitFor(WAIT)
    await page.fill('#accessor', `wasm:${'ab'.repeat(32)}`)
    await page.fill('#vars', JSON.stringify({ API_KEY: 'fixture-plaintext-5c1e' }))
    await page.fill('#account', 'alice.test.near')
    await page.fill('#secret-key', 'ed25519:3SRGCKfGYDuXWrqCmynxwKyPxYuLPL3hMSQy5wvmewcoPX5jEs2Q5hjYDkfeihkK9NiJwzDSz2LLQG4knAjf3zi4')
    await page.click('#store')
    await page.locator('#secrets-status.error').waitFor(WAIT)
    assert.equal(await page.inputValue('#vars'), '', 'sealed, then cleared')
    assert.ok(sent.some(r => r.includes('/api/tx-context')), 'it got as far as the relay')
    assert.ok(sent.every(r => !r.includes('fixture-plaintext-5c1e')), sent.join('\n'))
    await page.fill('#accessor', 'wasm:nothex')
    await page.click('#store')
    await page.locator('#secrets-status.error', { hasText: 'accessor' }).waitFor(WAIT)
    assert.deepEqual(errors, [])
    await page.close()
  })

  it('the dashboard is served with a CSP that allows only this origin', async () => {
    const res = await fetch(`${server.url}/`)
    const csp = res.headers.get('content-security-policy') ?? ''
    assert.match(csp, /default-src 'none'/)
    assert.match(csp, /script-src 'self'/)
    assert.doesNotMatch(await res.text(), /(src|href)="https?:/)
    assert.equal((await fetch(`${server.url}/ui/../package.json`)).status, 404)
    assert.equal((await fetch(`${server.url}/ui/nope.js`)).status, 404)
  })
})
