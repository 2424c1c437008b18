/** `outlayer status`: what a running node reports at /status: peers, chain height, leases, jobs. */
import type { Command } from 'commander'
import { ConfigError, defaultConfigPath, loadConfig } from '../../config.js'
import { fetchStatus } from '../../api/client.js'
import type { NodeStatus } from '../../api/types.js'
import { UsageError } from '../exit-codes.js'
import { intFlag } from '../flags.js'

interface StatusOptions {
  config?: string
  url?: string
  json?: boolean
  timeoutMs: string
}

const FINISHED = new Set(['resolved', 'failed', 'skipped', 'expired'])
const MAX_ROWS = 20

export function register (program: Command): void {
  program.command('status')
    .description("show a running node's peers, chain height, leases and jobs")
    .option('--config <F>', 'read the API address from this config.json (default $OUTLAYER_HOME/config.json)')
    .option('--url <U>', 'the node API base URL, e.g. http://127.0.0.1:7700')
    .option('--json', 'print the raw status JSON')
    .option('--timeout-ms <N>', 'how long to wait for the node', '5000')
    .action(async (opts: StatusOptions) => {
      const status = await fetchStatus(await apiUrl(opts), { timeoutMs: intFlag(opts.timeoutMs, '--timeout-ms', { min: 1 }) })
      process.stdout.write(opts.json === true ? JSON.stringify(status, null, 2) + '\n' : describe(status))
    })
}

async function apiUrl (opts: StatusOptions): Promise<string> {
  if (opts.url != null && opts.config != null) throw new UsageError('give either --url or --config, not both')
  if (opts.url != null) {
    if (!/^https?:\/\/[^\s/]+/.test(opts.url)) throw new UsageError(`--url: "${opts.url}" is not an http(s) URL`)
    return opts.url
  }
  const path = opts.config ?? defaultConfigPath()
  let http: { host: string, port: number }
  try {
    http = (await loadConfig(path)).http
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message)
    throw err
  }
  if (http.port === 0) throw new UsageError(`${path}: http.port is 0 (a random port); pass the node's --url instead`)
  // A node bound to every interface is reached on loopback.
  const host = http.host === '0.0.0.0' ? '127.0.0.1' : http.host === '::' ? '[::1]' : http.host.includes(':') ? `[${http.host}]` : http.host
  return `http://${host}:${http.port}`
}

function describe (s: NodeStatus): string {
  const height = s.chain.height
  const active = s.jobs.filter(j => !FINISHED.has(j.state)).length
  const lines = [
    `node     ${s.peerId}  (${s.network}; roles ${s.roles.join(', ')})`,
    `account  ${s.accountId} → ${s.contractId}`,
    `chain    ${height == null ? 'no block processed yet' : `height #${height}`}${s.chain.updatedAtMs != null ? ` (${ago(s.chain.updatedAtMs)})` : ''}`,
    `peers    ${s.peers.length}`,
    ...rows(s.peers, p => `  ${p.peerId}${p.addr != null ? `  ${p.addr}` : ''}`),
    `leases   ${s.leases.length}`,
    ...rows(s.leases, l => `  request ${l.requestId}  expires at #${l.expiresAtBlock}${height != null ? ` (in ${l.expiresAtBlock - height} blocks)` : ''}`),
    `jobs     ${s.jobs.length} (${active} active)`,
    ...rows([...s.jobs].sort((a, b) => b.updatedAtMs - a.updatedAtMs),
      j => `  request ${j.requestId}  ${j.state}${j.source != null ? `  ${j.source}` : ''}${j.reason != null ? `  (${j.reason})` : ''}  ${ago(j.updatedAtMs)}`)
  ]
  return lines.join('\n') + '\n'
}

function rows<T> (items: T[], format: (item: T) => string): string[] {
  const shown = items.slice(0, MAX_ROWS).map(format)
  if (items.length > MAX_ROWS) shown.push(`  … ${items.length - MAX_ROWS} more (use --json)`)
  return shown
}

function ago (ms: number): string {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000))
  return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.floor(s / 60)}m ago` : `${Math.floor(s / 3600)}h ago`
}


