/** Headless Debian chromium for the dashboard tests: a fresh profile, no network of its own, screenshots kept. */
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export const RESULTS_DIR = fileURLToPath(new URL('../../../bench/results/dashboard/', import.meta.url))

export interface TestBrowser {
  browser: BrowserContext
  dir: string
  /** a page at this width; records requests leaving `origin` and script errors */
  page: (width: number, origin: string) => Promise<{ page: Page, external: string[], errors: string[] }>
  /** full-page screenshot into the temp dir (and bench/results/dashboard/ on close) */
  shot: (page: Page, name: string) => Promise<void>
  close: () => Promise<void>
}

export async function launchBrowser (): Promise<TestBrowser> {
  const dir = await mkdtemp(join(tmpdir(), 'outlayer-dashboard-'))
  const shots = join(dir, 'screenshots')
  await mkdir(shots, { recursive: true })
  const browser: BrowserContext = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
  return {
    browser, dir,
    page: async (width, origin) => {
      const page = await browser.newPage()
      await page.setViewportSize({ width, height: width < 500 ? 780 : 900 })
      const external: string[] = []
      const errors: string[] = []
      page.on('request', r => { if (!r.url().startsWith(origin)) external.push(r.url()) })
      page.on('pageerror', e => { errors.push(e.message) })
      return { page, external, errors }
    },
    shot: async (page, name) => { await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true }) },
    close: async () => {
      await browser.close()
      await mkdir(RESULTS_DIR, { recursive: true })
      await cp(shots, RESULTS_DIR, { recursive: true })
      await rm(dir, { recursive: true, force: true })
    }
  }
}

export type { Browser }
