/**
 * Request → callback in blocks, step by step, on a 3-node local mesh at R=3 Q=2: for each of N sequential requests
 * the block of its first and last commit, of execution_resolved and of the callback (execution_completed),
 * counted from the block of execution_requested; then the medians. Idle-machine latency, next to bench:mesh's
 * loaded 10-node figures (node/README.md, Measured).
 *   node --import tsx --import ./polyfill.mjs scripts/latency-steps.ts [requests=7] [blockTimeMs=500]
 */
import { createBlockFeed, logsOf } from '../node/chain/index.js'
import { startLocalMesh } from '../node/testing/local-mesh.js'

const requests = Number(process.argv[2] ?? 7)
const blockTimeMs = Number(process.argv[3] ?? 500)
const STEPS = ['first commit', 'last commit', 'resolved', 'callback'] as const

const mesh = await startLocalMesh({ nodes: 3, blockTimeMs, progress: line => { process.stderr.write(`${line}\n`) } })
try {
  const random = await mesh.example('random')
  const feed = createBlockFeed(mesh.net.feedUrl)
  const rows: number[][] = []
  for (let k = 0; k < requests; k++) {
    const from = mesh.net.height()
    const { requestId } = await mesh.request({ source: { WasmUrl: random }, input_data: '{"count":3}', replicas: 3, quorum: 2 })
    // closed is 'resolved' already; the callback runs a block later
    while ((await mesh.waitClosed(requestId, 60_000)).status === 'resolved') await new Promise(resolve => setTimeout(resolve, blockTimeMs / 2))
    const at = new Map<string, number[]>()
    for (let h = from, top = mesh.net.height(); h <= top; h++) {
      const block = await feed.optimisticBlock(h)
      for (const log of block == null ? [] : logsOf(block, mesh.contractId)) {
        if (!log.startsWith('EVENT_JSON:')) continue
        const e = JSON.parse(log.slice('EVENT_JSON:'.length)) as { event: string, data: Array<{ request_id?: unknown }> }
        if (e.data.some(d => String(d.request_id) === requestId)) at.set(e.event, [...(at.get(e.event) ?? []), h])
      }
    }
    const base = at.get('execution_requested')?.[0] ?? NaN
    const commits = at.get('result_committed') ?? []
    const row = [Math.min(...commits), Math.max(...commits), at.get('execution_resolved')?.[0] ?? NaN, at.get('execution_completed')?.[0] ?? NaN].map(h => h - base)
    rows.push(row)
    console.log(`request ${requestId}: ${STEPS.map((s, i) => `${s} +${row[i]}`).join(', ')}`)
  }
  const median = (i: number): number => rows.map(r => r[i]!).sort((a, b) => a - b)[Math.floor(rows.length / 2)]!
  console.log(`median (${blockTimeMs} ms blocks): ${STEPS.map((s, i) => `${s} +${median(i)}`).join(', ')}`)
} finally {
  await mesh.stop()
}
