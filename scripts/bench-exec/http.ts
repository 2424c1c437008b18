/**
 * HTTP overhead per call: a real server on 127.0.0.1 (the tests' price API); a P1 guest that makes N GETs of
 * one URL through our host (outlayer.http_fetch: policy, SSRF guard with the test-only loopback allowance,
 * transcript, fuel, the worker's Atomics.wait bridge), against a bare `fetch` of the same URL N times from this
 * process. Per call through the host = (job with N GETs − the same job with 0) / N, so the job's own start
 * and end cancel out; N = 16, the per-run request cap.
 */
import { createHttpFetcher } from '../../sandbox/exec/http/fetcher.js'
import { HTTP_DEFAULTS } from '../../sandbox/exec/http/policy.js'
import { createExecutor, type ExecuteOptions } from '../../sandbox/exec/index.js'
import { command, wabtReady } from '../../sandbox/test/exec/helpers.js'
import { priceApi } from '../../sandbox/test/exec/http-servers.js'
import { log, median, round } from './stats.js'

const CALLS = HTTP_DEFAULTS.maxRequests

export interface HttpRow {
  calls_per_run: number
  runs: number
  bare_fetch_ms_per_call: number
  host_ms_per_call: number
  overhead_ms_per_call: number
  ratio: number
}

/** stdin is the request JSON; http_fetch it `calls` times, then print the last answer JSON. */
function fetchLoopGuest (calls: number): Uint8Array {
  return command(`(local $i i32)
    (i32.store (i32.const 16) (i32.const 8192)) (i32.store (i32.const 20) (i32.const 32768))
    (drop (call $read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 24)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (i32.const ${calls})))
      (if (i32.ne (call $fetch (i32.const 8192) (i32.load (i32.const 24)) (i32.const 40)) (i32.const 0)) (then (call $exit (i32.const 9))))
      (if (i32.gt_u (i32.load (i32.const 40)) (i32.const 900000)) (then (call $exit (i32.const 8))))
      (drop (call $response (i32.const 65536)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (call $out (i32.const 1) (i32.const 65536) (i32.load (i32.const 40)))`, {
    pages: 16,
    extra: `(import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
            (import "outlayer" "http_fetch" (func $fetch (param i32 i32 i32) (result i32)))
            (import "outlayer" "http_response" (func $response (param i32) (result i32)))`
  })
}

async function wallMs (fn: () => Promise<void>): Promise<number> {
  const started = performance.now()
  await fn()
  return performance.now() - started
}

export async function benchHttp ({ cacheDir, runs }: { cacheDir: string, runs: number }): Promise<HttpRow> {
  await wabtReady
  const server = await priceApi(() => 100)
  const executor = createExecutor({ workers: 1, cacheDir, httpFetcher: createHttpFetcher({ allowLoopbackForTests: true }) })
  try {
    const url = `${server.url}/price`
    const opts: ExecuteOptions = { http: { allowedHosts: ['127.0.0.1'], allowHttp: true }, input: JSON.stringify({ method: 'GET', url }) }
    const guests = { calls: fetchLoopGuest(CALLS), none: fetchLoopGuest(0) }
    const job = async (guest: Uint8Array): Promise<string> => {
      const r = await executor.execute(guest, opts)
      if (r.status !== 'ok') throw new Error(`http guest: ${r.status} ${r.message ?? ''}`)
      return new TextDecoder().decode(r.stdout)
    }
    const bare = async (): Promise<string> => { let body = ''; for (let i = 0; i < CALLS; i++) body = await (await fetch(url)).text(); return body }
    const answer = JSON.parse(await job(guests.calls)) as { body_base64: string } // prepares, warms the worker
    await job(guests.none)
    const expected = await bare()
    if (Buffer.from(answer.body_base64, 'base64').toString() !== expected) throw new Error('the guest saw another body than fetch did')
    const times = { calls: [] as number[], none: [] as number[], bare: [] as number[] }
    for (let i = 0; i < runs; i++) {
      times.calls.push(await wallMs(async () => { await job(guests.calls) }))
      times.none.push(await wallMs(async () => { await job(guests.none) }))
      times.bare.push(await wallMs(async () => { await bare() }))
    }
    const host = (median(times.calls) - median(times.none)) / CALLS
    const plain = median(times.bare) / CALLS
    const row = { calls_per_run: CALLS, runs, bare_fetch_ms_per_call: round(plain, 3), host_ms_per_call: round(host, 3), overhead_ms_per_call: round(host - plain, 3), ratio: round(host / plain) }
    log(`http: bare fetch ${row.bare_fetch_ms_per_call} ms/call, through the host ${row.host_ms_per_call} ms/call (+${row.overhead_ms_per_call} ms, ${row.ratio}×)`)
    return row
  } finally {
    await executor.close()
    await server.close()
  }
}
