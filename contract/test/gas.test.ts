/**
 * Gas burnt per method on localnet (its nearcore fee model), at the sizes that cost the most: the table in
 * contract/README.md comes from this test's output. Every call must fit in 300 Tgas.
 */
import assert from 'node:assert/strict'
import { EMPTY_TRANSCRIPT_HASH, sha256Hex } from '../../protocol/index.js'
import { MAX_GAS, NEAR, TGAS, WASM_SOURCE, assignedWorkers, assignment, call, checkInvariant, commit, events, ok, printGasTable, publicKeyOf, quorumResolve, refused, request, responseOf, reveal, seal, startWorld, untilHeight, untilRevealing, workerKey, type Attested, type Sealed, type World } from './world.js'

const LIMITS = { max_instructions: 1_000_000, max_memory_mb: 16, max_execution_seconds: 2 }

interface Receipt { executor_id: string, gas_burnt: number }

/** gas_burnt of each receipt the contract executed, in order. */
async function contractReceipts (w: World, from: World['root'], method: string, args: Record<string, unknown>, deposit = 0n): Promise<bigint[]> {
  const outcome = await from.callFunctionRaw({ contractId: w.contractId, methodName: method, args, deposit, gas: MAX_GAS, waitUntil: 'FINAL' })
  return (outcome.receipts_outcome as Array<{ outcome: Receipt }>).filter(r => r.outcome.executor_id === w.contractId).map(r => BigInt(r.outcome.gas_burnt))
}

describe('contract gas per method', function () {
  this.timeout(180_000)
  let w: World
  const rows: Array<[string, bigint]> = []

  before(async () => { w = await startWorld({ workers: 8, accounts: 11 }) })
  afterEach(async () => { await checkInvariant(w) })
  after(async () => {
    await w?.stop()
    printGasTable(rows)
  })

  function record (what: string, gas: bigint | undefined): void {
    assert.ok(gas !== undefined, `${what} ran`)
    assert.ok(gas < MAX_GAS, `${what} burnt ${gas} gas, more than 300 Tgas`)
    rows.push([what, gas])
  }

  it('fits every method in 300 Tgas, at its most expensive', async () => {
    const user = w.users[0]!
    const big = JSON.stringify({ blob: 'x'.repeat(12 * 1024) })
    const [requestGas] = await Promise.all([
      contractReceipts(w, user, 'request_execution', { source: WASM_SOURCE, resource_limits: LIMITS, input_data: big, redundancy: { replicas: 7, quorum: 4, aggregation: 'identical' } }, NEAR),
      (async () => {
        // the request above is id 1; once on chain its seven workers commit and a 4-of-7 quorum resolves with 3 dissenters
        while (await w.view('get_request', { request_id: 1 }) == null) await new Promise(resolve => setTimeout(resolve, 50))
        const output = new Uint8Array(4096).fill(65)
        const good: Attested = { success: true, output, error: '', instructions: 123_456_789n }
        const bad: Attested = { ...good, output: new Uint8Array(4096).fill(66) }
        const { primaries } = await assignedWorkers(w, 1)
        const sealed: Sealed[] = []
        for (const [i, worker] of primaries.entries()) {
          const s = await seal(w, worker, 1, i < 4 ? good : bad)
          const gas = await contractReceipts(w, worker.account, 'commit_result', { request_id: 1, commit: s.commit })
          if (i === 6) record('commit_result: 7th commit of a request (closes the phase)', gas[0])
          sealed.push(s)
        }
        record('submit_execution_output: 4 KiB', (await contractReceipts(w, user, 'submit_execution_output', { request_id: 1, output: Buffer.from(output).toString('base64') }, NEAR))[0])
        const resolved = await contractReceipts(w, w.users[1]!, 'resolve_execution', {
          request_id: 1, response: responseOf(good, true), reveals: sealed.map((s, i) => reveal(s, i >= 4))
        })
        record('resolve_execution: 7 reveals, 3 dissenters slashed, 4 KiB stored output', resolved[0])
      })()
    ])
    record('request_execution: 12 KiB input kept in state, R=7 drawn from 8', requestGas[0])
    // the request's transaction finished with its callback: the last receipt the contract ran
    record('on_execution_response: pays 4 workers and the resolver, frees the request and the blob, returns 4 KiB', requestGas[requestGas.length - 1])

    // the largest output the contract takes (256 KiB), stored by an uploader, signed by 7 workers
    for (const worker of w.workers) {
      const bond = BigInt((await w.view<{ bond: string }>('get_worker', { account_id: worker.id })).bond)
      if (bond < NEAR) await call(w, worker.account, 'register_worker', { public_key: publicKeyOf(worker.key) }, NEAR - bond)
    }
    const huge = await request(w, user, { source: WASM_SOURCE, resource_limits: LIMITS, redundancy: { replicas: 7, quorum: 4, aggregation: 'identical' } }, NEAR)
    const mib: Attested = { success: true, output: new Uint8Array(256 * 1024).fill(67), error: '', instructions: 1n }
    const { primaries } = await assignedWorkers(w, huge.requestId)
    const sealed: Sealed[] = []
    for (const worker of primaries) sealed.push(await commit(w, worker, huge.requestId, mib))
    record('submit_execution_output: 256 KiB', (await contractReceipts(w, user, 'submit_execution_output', { request_id: huge.requestId, output: Buffer.from(mib.output).toString('base64') }, 5n * NEAR))[0])
    record('resolve_execution: 7 reveals over a stored 256 KiB output', (await contractReceipts(w, w.users[1]!, 'resolve_execution', {
      request_id: huge.requestId, response: responseOf(mib, true), reveals: sealed.map(s => reveal(s))
    }))[0])
    const hugeDone = await huge.done
    record('on_execution_response: returns 256 KiB (Text), frees it', hugeDone.receipts.filter(r => r.executor === w.contractId).at(-1)?.gas)

    // the most settle_unreachable takes: seven different outputs of 1 KiB, inline (larger ones are named by hash)
    const split = await request(w, user, { source: WASM_SOURCE, resource_limits: LIMITS, redundancy: { replicas: 7, quorum: 4, aggregation: 'identical' } }, NEAR)
    const splitSealed: Sealed[] = []
    for (const [i, worker] of (await assignedWorkers(w, split.requestId)).primaries.entries()) {
      splitSealed.push(await commit(w, worker, split.requestId, { success: true, output: new Uint8Array(1024).fill(80 + i), error: '', instructions: 1n }))
    }
    await untilRevealing(w, split.requestId)
    record('settle_unreachable: 7 reveals of 7 different 1 KiB outputs, inline', (await contractReceipts(w, w.users[1]!, 'settle_unreachable', {
      request_id: split.requestId, reveals: splitSealed.map(s => reveal(s, true))
    }))[0])
    record('on_execution_response: settles an unreachable request as a timeout', (await split.done).receipts.filter(r => r.executor === w.contractId).at(-1)?.gas)

    const small = await request(w, user, { source: WASM_SOURCE, resource_limits: LIMITS, input_data: '{"count":1}' }, NEAR)
    const cancel = await contractReceipts(w, w.root, 'emergency_cancel_execution', { request_id: small.requestId })
    record('emergency_cancel_execution: refund, free, resume', cancel[0])
    await small.done

    record('register_worker: into a pool of 8', (await contractReceipts(w, w.users[1]!, 'register_worker', { public_key: publicKeyOf(workerKey(50)) }, NEAR))[0])
    record('create_project', (await contractReceipts(w, user, 'create_project', { name: 'p', source: WASM_SOURCE }, NEAR))[0])
    record('store_secrets: 8 KiB', (await contractReceipts(w, user, 'store_secrets', {
      accessor: { WasmHash: { hash: 'ab'.repeat(32) } }, profile: 'default', encrypted_secrets_base64: Buffer.alloc(8192, 1).toString('base64'), access: 'AllowAll'
    }, NEAR))[0])
  })

  it('keeps a finished request to its receipt: storage per request while pending and after', async () => {
    const usage = async (): Promise<bigint> => BigInt((await w.provider.viewAccount({ accountId: w.contractId })).storage_usage)
    const measure = async (): Promise<[bigint, bigint]> => {
      const before = await usage()
      const r = await request(w, w.users[0]!, { source: WASM_SOURCE, resource_limits: LIMITS, input_data: '{"a":1}', redundancy: { replicas: 3, quorum: 2, aggregation: 'identical' } }, NEAR)
      const pending = await usage() - before
      await quorumResolve(w, r, ok('42'))
      return [pending, await usage() - before]
    }
    await call(w, w.users[1]!, 'unregister_worker', {}) // registered above with a key the test does not sign with
    await measure() // the first request also creates the counters and index keys
    const [pending, after] = await measure()
    process.stderr.write(`\nstorage per request (R=3, 7-byte input): pending ${pending} bytes, after completion ${after} bytes\n`)
    assert.ok(after <= 300n, `a finished request keeps at most its receipt, kept ${after}`)
  })
})

describe('contract gas with a full pool', function () {
  this.timeout(300_000)
  let w: World
  before(async () => { w = await startWorld({ workers: 128, accounts: 132 }) })
  afterEach(async () => { await checkInvariant(w) })
  after(async () => { await w?.stop() })

  // first, while the pool holds exactly this world's 128 workers
  it('times out R=7 in the full pool: 7 primaries that never committed and 7 backups that committed and never revealed, 14 slashes', async () => {
    const r = await request(w, w.users[0]!, { source: WASM_SOURCE, resource_limits: LIMITS, redundancy: { replicas: 7, quorum: 4, aggregation: 'identical' } }, NEAR)
    const { backups } = await assignedWorkers(w, r.requestId)
    const a = await assignment(w, r.requestId)
    await untilHeight(w, a.commit_deadline + 1)
    await Promise.all(backups.map(async b => await commit(w, b, r.requestId, ok('1'))))
    const done = await r.done
    assert.equal(events(done.logs, 'worker_withheld').length, 14)
    const gas = done.receipts.filter(x => x.executor === w.contractId).at(-1)!.gas
    process.stderr.write(`\n| \`on_execution_response\` | a timeout that slashes 14 workers of the full pool | ${(Number(gas) / Number(TGAS)).toFixed(2)} |\n`)
    // the callback always has its reserved 50 Tgas
    assert.ok(gas < 50n * TGAS, `${gas} gas: more than the callback's reserve`)
    for (const x of [...a.assigned, ...a.backups]) {
      const worker = w.workers.find(y => y.id === x)!
      await call(w, worker.account, 'register_worker', { public_key: publicKeyOf(worker.key) }, NEAR * 500n / 10_000n)
    }
  })

  it('draws R=7 from the largest pool (128 workers) and admits a 129th only with a bigger bond', async () => {
    const user = w.users[0]!
    const r = await request(w, user, { source: WASM_SOURCE, resource_limits: LIMITS, redundancy: { replicas: 7, quorum: 4, aggregation: 'identical' } }, NEAR)
    const newcomer = w.users[1]!
    await refused(call(w, newcomer, 'register_worker', { public_key: publicKeyOf(workerKey(500)) }, NEAR), 'the worker pool is full (128)')
    const joined = await contractReceipts(w, newcomer, 'register_worker', { public_key: publicKeyOf(workerKey(500)) }, 2n * NEAR)
    process.stderr.write(`| \`register_worker\` | into the full pool, evicting the smallest bond | ${(Number(joined[0]) / Number(TGAS)).toFixed(2)} |\n`)
    // an equivocation report slashes a worker of a full pool (the pool is rewritten)
    const liar = (await assignedWorkers(w, r.requestId)).primaries[0]!
    const signed = async (output: string): Promise<Record<string, unknown>> => {
      const s = await seal(w, liar, r.requestId, ok(output))
      return { code_hash: 'ab'.repeat(32), success: true, output_hash: sha256Hex(output), error_hash: sha256Hex(''), instructions: '1000000', transcript_hash: EMPTY_TRANSCRIPT_HASH, signature: Buffer.from(s.signature).toString('base64') }
    }
    const report = await contractReceipts(w, w.users[2]!, 'report_equivocation', { request_id: r.requestId, worker_id: liar.id, a: await signed('1'), b: await signed('2') })
    process.stderr.write(`\n| \`report_equivocation\` | two signatures, slash in a full pool | ${(Number(report[0]) / Number(TGAS)).toFixed(2)} |\n`)
    await call(w, w.root, 'emergency_cancel_execution', { request_id: r.requestId })
    const gas = (await r.done).receipts.filter(x => x.executor === w.contractId)[0]!.gas
    process.stderr.write(`\n| \`request_execution\` | R=7 drawn from the full pool of 128 | ${(Number(gas) / Number(TGAS)).toFixed(2)} |\n`)
    assert.ok(gas < MAX_GAS / 4n)
  })

})
