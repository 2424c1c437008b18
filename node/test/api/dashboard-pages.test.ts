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
import { fixtureExplorer, XSS } from './explorer-fixture.js'
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
    await page.goto(`${server.url}/#/executions`)
    await page.locator('td', { hasText: XSS }).first().waitFor(WAIT)
    await page.goto(`${server.url}/#/workers`)
    await page.locator('td', { hasText: XSS }).first().waitFor(WAIT)
    await page.goto(`${server.url}/#/network`)
    await page.locator('td', { hasText: XSS }).first().waitFor(WAIT)
    assert.equal(await page.locator('main img, main script').count(), 0)
    assert.equal(await page.evaluate('window.pwned'), undefined)
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
