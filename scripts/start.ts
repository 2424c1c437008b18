/**
 * `npm start`: a whole outlayer-mesh on this machine, end to end. Starts localnet, deploys the contract,
 * registers 3 workers, starts 3 nodes in-process over TCP on 127.0.0.1 (one of them the resolver), serves the
 * random example over HTTP, sends a request with R=3, Q=2 as a user, prints the result when the contract resumes,
 * then the secrets flow: the 3 nodes are keystore nodes too (DKG 2-of-3, group published), the user stores a
 * profile for the env-keys example, and a request naming it prints which env vars the run got (never values);
 * and exits 0 (or keeps running with --keep). Progress goes to stderr, the result to stdout.
 * The set-up itself is node/testing/local-mesh.ts.
 */
import { pathToFileURL } from 'node:url'
import { setUpKeystore, storeProfile } from '../node/testing/keystore.js'
import { startLocalMesh } from '../node/testing/local-mesh.js'
import { ensureDashboard } from './build-dashboard.js'

async function main (): Promise<void> {
  const keep = process.argv.includes('--keep')
  const started = Date.now()
  const say = (line: string): void => { process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`) }
  // with --keep node 0 serves the API and the dashboard
  if (keep) await ensureDashboard()
  const mesh = await startLocalMesh({
    progress: say,
    roles: i => i === 0 ? ['worker', 'resolver', 'keystore'] : ['worker', 'keystore'],
    ...(keep ? { overrides: (i: number) => i === 0 ? { http: true } : {} } : {})
  })
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

    const groupKey = await setUpKeystore(mesh, 2)
    const envKeys = await mesh.example('env-keys')
    await storeProfile(mesh, groupKey, { hash: envKeys.hash, profile: 'default', env: { API_KEY: 'demo-secret-value' } })
    say('keystore: DKG 2-of-3 done, group published, profile "default" stored for the env-keys example')
    const secret = await mesh.request({ source: { WasmUrl: envKeys }, replicas: 3, quorum: 2, response_format: 'Json', secrets_ref: { profile: 'default', account_id: mesh.user.accountId } })
    await mesh.waitClosed(secret.requestId)
    say(`request ${secret.requestId} with secrets_ref resumed; the run saw these env vars (names only):`)
    process.stdout.write(`${JSON.stringify(await mesh.result(secret.txHash))}\n`)
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

