/**
 * The dashboard in a real headless Chromium: it renders /status, follows changes, shows when the node is
 * unreachable, and renders network-supplied text as text (no HTML injection). It loads nothing external.
 */
import assert from 'node:assert/strict'
import { chromium, type Browser, type Page } from 'playwright-core'
import { createApiServer, type ApiServer } from '../../api/index.js'
import type { NodeStatus } from '../../api/types.js'
import { sampleStatus } from './fixtures.js'

const CHROMIUM = '/usr/bin/chromium'
const WAIT = { timeout: 20_000 }

describe('node/api dashboard (headless chromium)', function () {
  let browser: Browser
  let page: Page
  let server: ApiServer
  let current: NodeStatus | Error = sampleStatus()
  const externalRequests: string[] = []
  const pageErrors: string[] = []

  before(async () => {
    server = await createApiServer({
      port: 0,
      status: () => {
        if (current instanceof Error) throw current
        return current
      }
    })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync']
    })
    page = await browser.newPage()
    page.on('request', req => { if (!req.url().startsWith(server.url)) externalRequests.push(req.url()) })
    page.on('pageerror', err => { pageErrors.push(err.message) })
    page.on('console', msg => { if (msg.type() === 'error' && !/status of 503/.test(msg.text())) pageErrors.push(msg.text()) })
    await page.goto(`${server.url}/?refresh=250`)
  })

  after(async () => {
    await browser?.close()
    await server?.close()
  })

  it('renders the node status', async () => {
    await page.locator('#peer-id', { hasText: '12D3KooWSamplePeer' }).waitFor(WAIT)
    assert.equal(await page.textContent('#chain-height'), '#1234')
    assert.equal(await page.textContent('#peer-count'), '2')
    assert.equal(await page.textContent('#lease-count'), '1')
    assert.equal(await page.textContent('#job-count'), '1 / 2')
    assert.equal(await page.textContent('#roles'), 'worker, resolver')
    assert.equal(await page.locator('#peers tr').count(), 2)
    assert.match(await page.textContent('#leases') ?? '', /#1250 \(in 16 blocks\)/)
    assert.match(await page.textContent('#jobs tr:first-child') ?? '', /7\s*claimed\s*github\.com\/o\/r@abc123/)
    assert.equal(await page.textContent('#connection'), 'live')
  })

  it('follows changes in the status', async () => {
    current = sampleStatus({ chain: { height: 2000 }, peers: [], leases: [] })
    await page.locator('#chain-height', { hasText: '#2000' }).waitFor(WAIT)
    assert.equal(await page.textContent('#peer-count'), '0')
    assert.match(await page.textContent('#peers') ?? '', /no peers connected/)
    assert.match(await page.textContent('#leases') ?? '', /no leases held/)
  })

  it('says when the node cannot report, then recovers', async () => {
    current = new Error('not ready')
    await page.locator('#connection.offline').waitFor(WAIT)
    assert.match(await page.textContent('#connection') ?? '', /HTTP 503/)
    current = sampleStatus()
    await page.locator('#connection.live').waitFor(WAIT)
  })

  it('shows network-supplied text as text, never as HTML', async () => {
    current = sampleStatus({
      jobs: [{ requestId: '9', state: 'failed', source: '<img src=x onerror="window.pwned=1">', reason: '<b>bold</b>', updatedAtMs: Date.now() }]
    })
    await page.locator('#jobs td', { hasText: '<b>bold</b>' }).waitFor(WAIT)
    assert.equal(await page.locator('#jobs img').count(), 0)
    assert.equal(await page.locator('#jobs b').count(), 0)
    assert.equal(await page.evaluate("window.pwned"), undefined)
  })

  it('loads nothing from outside the node and raises no script errors', () => {
    assert.deepEqual(externalRequests, [])
    assert.deepEqual(pageErrors, [])
  })
})
