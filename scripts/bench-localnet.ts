/**
 * npm run bench:localnet
 *  1. function-call transactions per second, signed by near-api-js and sent over JSON-RPC (near-hello setValue,
 *     32 senders in parallel, each waiting for EXECUTED_OPTIMISTIC before its next), at a 100 ms block time;
 *  2. block production on localnet's own 1 s timer with 100 pending yields, against the same chain with none
 *     pending: ms inside produceBlock and the intervals between blocks.
 * Prints a summary and writes bench/results/localnet.json.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { actions } from 'near-api-js'
import { base58 } from '@scure/base'
import { sha256 } from '../protocol/index.js'
import { type Localnet, startLocalnet } from '../localnet/index.js'
import { account, fixtureWasm, nearHelloWasm } from '../localnet/test/rpc/helpers.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const SENDERS = 32
const TX_SECONDS = Number(process.env.BENCH_TX_SECONDS ?? 10)
const PENDING_YIELDS = 100
const BLOCKS_MEASURED = 6

const log = (line: string): void => { process.stderr.write(`bench:localnet ${line}\n`) }

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN
const round = (x: number, digits = 1): number => Number(x.toFixed(digits))

async function benchFunctionCalls (): Promise<Record<string, number>> {
  const net = await startLocalnet({ port: 0, blockTimeMs: 100, accounts: SENDERS })
  try {
    const contract = account(net, net.root)
    await contract.deployContract(await nearHelloWasm())
    const senders = net.accounts.map(key => account(net, key))
    // warm-up: the first call compiles the contract, and each sender's first tx fetches its nonce
    await Promise.all(senders.map(async s => await s.callFunction({ contractId: contract.accountId, methodName: 'setValue', args: { value: 'warm' } })))
    log(`tx/s: ${SENDERS} senders, one tx in flight each, for ${TX_SECONDS} s, block time 100 ms`)
    const latencies: number[] = []
    const intervals: number[] = []
    let lastBlock = performance.now()
    const off = net.chain.onBlock(() => { const now = performance.now(); intervals.push(now - lastBlock); lastBlock = now })
    const deadline = Date.now() + TX_SECONDS * 1000
    const started = Date.now()
    await Promise.all(senders.map(async (sender, i) => {
      for (let n = 0; Date.now() < deadline; n++) {
        const t0 = performance.now()
        await sender.callFunction({ contractId: contract.accountId, methodName: 'setValue', args: { value: `s${i}-${n}` } })
        latencies.push(performance.now() - t0)
      }
    }))
    const seconds = (Date.now() - started) / 1000
    off()
    latencies.sort((a, b) => a - b)
    intervals.sort((a, b) => a - b)
    return {
      senders: SENDERS,
      block_time_ms: 100,
      transactions: latencies.length,
      seconds: round(seconds, 2),
      tx_per_second: round(latencies.length / seconds),
      latency_ms_p50: round(percentile(latencies, 0.5)),
      latency_ms_p95: round(percentile(latencies, 0.95)),
      // the timer waits block_time_ms after each block is produced, so intervals above it are production time
      blocks: intervals.length,
      block_interval_ms_median: round(percentile(intervals, 0.5)),
      block_interval_ms_p95: round(percentile(intervals, 0.95))
    }
  } finally {
    await net.stop()
  }
}

/**
 * Records, for every block the localnet's own 1 s timer produces, the ms spent inside chain.produceBlock and the
 * interval since the previous block. The chain instance's method is wrapped for the measurement only.
 */
function recordBlocks (net: Localnet): { produceMs: number[], intervals: number[], reset: () => void } {
  const stats = { produceMs: [] as number[], intervals: [] as number[], reset: () => { stats.produceMs = []; stats.intervals = [] } }
  const chain = net.chain as { produceBlock: () => Promise<unknown> }
  const produce = chain.produceBlock.bind(chain)
  let last: number | undefined
  chain.produceBlock = async () => {
    const t0 = performance.now()
    try { return await produce() } finally {
      stats.produceMs.push(performance.now() - t0)
      if (last !== undefined) stats.intervals.push(t0 - last)
      last = t0
    }
  }
  return stats
}

function summary (values: number[]): { median: number, max: number } {
  const sorted = [...values].sort((a, b) => a - b)
  return { median: round(percentile(sorted, 0.5), 2), max: round(sorted[sorted.length - 1] ?? NaN, 2) }
}

async function waitBlocks (net: Localnet, n: number): Promise<void> { await net.produceBlocks(n) }

async function benchYields (): Promise<Record<string, number>> {
  const net = await startLocalnet({ port: 0, blockTimeMs: 1000, accounts: 4 })
  try {
    const stats = recordBlocks(net)
    const yielder = account(net, net.root)
    await yielder.deployContract(await fixtureWasm('yielder'))
    stats.reset()
    await waitBlocks(net, BLOCKS_MEASURED)
    const baseline = { produce: summary(stats.produceMs), interval: summary(stats.intervals) }
    log(`1 s blocks, nothing pending: produce median ${baseline.produce.median} ms, interval median ${baseline.interval.median} ms`)

    // 100 yields: signed by near-api-js, sent with wait_until NONE, then included and executed up to the yield
    const senders = net.accounts.map(key => account(net, key))
    const perSender = PENDING_YIELDS / senders.length
    const hashes: string[] = []
    await Promise.all(senders.map(async sender => {
      for (let i = 0; i < perSender; i++) {
        const signed = await sender.createSignedTransaction({
          receiverId: yielder.accountId,
          actions: [actions.functionCall('wait', new Uint8Array(), 30_000_000_000_000n, 0n)]
        })
        hashes.push(base58.encode(sha256(signed.transaction.encode())))
        await sender.provider.sendTransactionUntil(signed, 'NONE')
      }
    }))
    await waitBlocks(net, 3)
    // a yielded tx stays unfinished until its callback runs (resume, or the timeout 200 blocks later)
    const stillPending = hashes.filter(h => { const st = net.chain.txStatus(h)?.status; return st === 'included' || st === 'pending' }).length
    log(`${stillPending} of ${hashes.length} yield txs are waiting on their yield`)
    stats.reset()
    await waitBlocks(net, BLOCKS_MEASURED)
    const pending = { produce: summary(stats.produceMs), interval: summary(stats.intervals) }
    log(`1 s blocks, ${stillPending} yields pending: produce median ${pending.produce.median} ms, interval median ${pending.interval.median} ms`)
    return {
      block_time_ms: 1000,
      blocks_measured: BLOCKS_MEASURED,
      pending_yields: PENDING_YIELDS,
      yield_txs_confirmed_pending: stillPending,
      produce_ms_median_baseline: baseline.produce.median,
      produce_ms_median_with_yields: pending.produce.median,
      produce_ms_max_with_yields: pending.produce.max,
      ratio_produce_with_yields_to_baseline: round(pending.produce.median / baseline.produce.median, 2),
      block_interval_ms_median_baseline: baseline.interval.median,
      block_interval_ms_median_with_yields: pending.interval.median,
      block_interval_ms_max_with_yields: pending.interval.max
    }
  } finally {
    await net.stop()
  }
}

async function main (): Promise<void> {
  const functionCalls = await benchFunctionCalls()
  log(`function calls: ${functionCalls.tx_per_second} tx/s (p50 ${functionCalls.latency_ms_p50} ms)`)
  const yields = await benchYields()
  const result = { bench: 'localnet', at: new Date().toISOString(), node: process.version, function_calls: functionCalls, yields }
  const out = join(root, 'bench', 'results', 'localnet.json')
  await mkdir(dirname(out), { recursive: true })
  await writeFile(out, JSON.stringify(result, null, 2) + '\n')
  process.stdout.write(JSON.stringify(result, null, 2) + '\n')
  process.stdout.write(`wrote ${out}\n`)
}

await main()
