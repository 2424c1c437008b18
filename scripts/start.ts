/**
 * `npm start`: a whole outlayer-mesh on this machine, end to end. Starts localnet, deploys the contract,
 * registers 3 workers, starts 3 nodes in-process over TCP on 127.0.0.1 (one of them the resolver), serves the
 * random example over HTTP, sends a request with R=3, Q=2 as a user, prints the result when the contract resumes,
 * and exits 0 (or keeps running with --keep). Progress goes to stderr, the result to stdout.
 * The set-up itself is node/testing/local-mesh.ts.
 */
import { pathToFileURL } from 'node:url'
import { startLocalMesh } from '../node/testing/local-mesh.js'
import { ensureDashboard } from './build-dashboard.js'

async function main (): Promise<void> {
  const keep = process.argv.includes('--keep')
  const started = Date.now()
  const say = (line: string): void => { process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`) }
  // with --keep node 0 serves the API and the dashboard
  if (keep) await ensureDashboard()
  const mesh = await startLocalMesh({ progress: say, ...(keep ? { overrides: (i: number) => i === 0 ? { http: true } : {} } : {}) })
  const shutdown = async (): Promise<void> => { await mesh.stop() }
  process.once('SIGINT', () => { void shutdown().then(() => process.exit(130)) })
  try {
    const random = await mesh.example('random')
    const input = JSON.stringify({ count: 5, min: 1, max: 100 })
    const { requestId, txHash } = await mesh.request({ source: { WasmUrl: { url: random.url, hash: random.hash } }, input_data: input, replicas: 3, quorum: 2 })
    say(`request ${requestId} sent (random example, R=3 Q=2, input ${input})`)
    const view = await mesh.waitClosed(requestId)
    const result = await mesh.result(txHash)
    say(`request ${requestId} resumed by the contract; agreeing workers: ${view.resolution?.workers.join(', ') ?? '?'}`)
    process.stdout.write(`${typeof result === 'string' ? result : JSON.stringify(result)}\n`)
    if (keep) {
      say(`--keep: mesh running (rpc ${mesh.net.rpcUrl}); Ctrl-C to stop`)
      say(`dashboard: ${mesh.nodes[0]?.apiUrl ?? '?'}/  (playground key: account ${mesh.user.accountId}, secret ${mesh.user.secretKey})`)
      await new Promise(() => {})
    }
  } finally {
    if (!keep) await shutdown()
  }
}

if (process.argv[1] != null && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(() => process.exit(0), (err: Error) => {
    process.stderr.write(`start failed: ${err.stack ?? err.message}\n`)
    process.exit(1)
  })
}

