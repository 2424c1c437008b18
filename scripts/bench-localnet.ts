/**
 * npm run bench:localnet
 *  1. function-call transactions per second, signed by near-api-js and sent over JSON-RPC (near-hello setValue,
 *     32 senders in parallel, each waiting for EXECUTED_OPTIMISTIC before its next), at a 100 ms block time;
 *  2. block production with 100 pending yields against a baseline with none (ms inside produceBlock), then the
 *     real 1 s block timer with those yields pending (intervals between blocks).
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

/** ms inside chain.produceBlock for `blocks` blocks, best and median */
async function timeBlocks (net: Localnet, blocks: number): Promise<{ median: number, max: number }> {
  const times: number[] = []
  for (let i = 0; i < blocks; i++) {
    const t0 = performance.now()
    await net.chain.produceBlock()
    times.push(performance.now() - t0)
  }
  times.sort((a, b) => a - b)
  return { median: round(percentile(times, 0.5), 2), max: round(times[times.length - 1] ?? NaN, 2) }
}

async function benchYields (): Promise<Record<string, number>> {
  const net = await startLocalnet({ port: 0, blockTimeMs: 0, accounts: 4 })
  try {
    const produce = async (): Promise<void> => { await net.produceBlocks(1) }
    const ticker = setInterval(() => { produce().catch(() => {}) }, 20)
    const yielder = account(net, net.root)
    try {
      await yielder.deployContract(await fixtureWasm('yielder'))
    } finally {
      clearInterval(ticker)
    }
    const baseline = await timeBlocks(net, 20)
    log(`baseline block production: median ${baseline.median} ms`)

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
    await net.produceBlocks(3)
    // a yielded tx stays unfinished until its callback runs (resume or the 200-block timeout)
    const stillPending = hashes.filter(h => { const st = net.chain.txStatus(h)?.status; return st === 'included' || st === 'pending' }).length
    log(`${stillPending} of ${hashes.length} yield txs are waiting on their yield`)
    const pending = await timeBlocks(net, 20)
    log(`with ${PENDING_YIELDS} pending yields: median ${pending.median} ms`)

    // the real 1 s timer with the yields still pending (they time out only after 200 blocks)
    const intervals: number[] = []
    let last = performance.now()
    const off = net.chain.onBlock(() => { const now = performance.now(); intervals.push(now - last); last = now })
    const timed = await startTimer(net, 6)
    off()
    intervals.shift()
    intervals.sort((a, b) => a - b)
    return {
      pending_yields: PENDING_YIELDS,
      yield_txs_confirmed_pending: stillPending,
      produce_ms_median_baseline: baseline.median,
      produce_ms_median_with_yields: pending.median,
      produce_ms_max_with_yields: pending.max,
      ratio_with_yields_to_baseline: round(pending.median / baseline.median, 2),
      block_interval_ms_median_at_1s: round(percentile(intervals, 0.5)),
      block_interval_ms_max_at_1s: round(intervals[intervals.length - 1] ?? NaN),
      timed_blocks: timed
    }
  } finally {
    await net.stop()
  }
}

/** Drives blocks on a 1 s timer (as startLocalnet's producer does) for n blocks. */
async function startTimer (net: Localnet, n: number): Promise<number> {
  for (let i = 0; i < n; i++) {
    await new Promise(resolve => setTimeout(resolve, 1000))
    await net.produceBlocks(1)
  }
  return n
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
