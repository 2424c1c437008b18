/**
 * Gas burnt per method on localnet (its nearcore fee model), at the sizes that cost the most: the table in
 * contract/README.md comes from this test's output. Every call must fit in 300 Tgas.
 */
import assert from 'node:assert/strict'
import { MAX_GAS, NEAR, WASM_SOURCE, attest, call, claim, publicKeyOf, request, startWorld, workerKey, type Attested, type World, type Worker, printGasTable } from './world.js'

const LIMITS = { max_instructions: 1_000_000, max_memory_mb: 16, max_execution_seconds: 2 }

interface Receipt { executor_id: string, gas_burnt: number }

/** gas_burnt of each receipt the contract executed, in order. */
async function contractReceipts (w: World, from: World['root'], method: string, args: Record<string, unknown>, deposit = 0n): Promise<bigint[]> {
  const outcome = await from.callFunctionRaw({ contractId: w.contractId, methodName: method, args, deposit, gas: MAX_GAS, waitUntil: 'FINAL' })
  return (outcome.receipts_outcome as Array<{ outcome: Receipt }>).filter(r => r.outcome.executor_id === w.contractId).map(r => BigInt(r.outcome.gas_burnt))
}

function response (r: Attested): Record<string, unknown> {
  return { success: r.success, output: Buffer.from(r.output).toString('base64'), error: r.error, instructions: r.instructions.toString() }
}

describe('contract gas per method', function () {
  this.timeout(180_000)
  let w: World
  const rows: Array<[string, bigint]> = []

  before(async () => { w = await startWorld({ workers: 7 }) })
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
        // the request above is id 1; once on chain, seven workers lease it and a 4-of-7 quorum resolves it with 3 dissenters
        while (await w.view('get_request', { request_id: 1 }) == null) await new Promise(resolve => setTimeout(resolve, 50))
        for (const worker of w.workers) {
          const gas = await contractReceipts(w, worker.account, 'claim_lease', { request_id: 1 })
          if (worker === w.workers[6]) record('claim_lease: 7th lease of a request', gas[0])
        }
        const output = new Uint8Array(4096).fill(65)
        const good: Attested = { success: true, output, error: '', instructions: 123_456_789n }
        const bad: Attested = { ...good, output: new Uint8Array(4096).fill(66) }
        record('submit_execution_output: 4 KiB', (await contractReceipts(w, w.operator, 'submit_execution_output', { request_id: 1, output: Buffer.from(output).toString('base64') }))[0])
        const attestations = w.workers.map((x: Worker, i) => i < 4 ? attest(w, x, 1, good) : { ...attest(w, x, 1, bad), response: response(bad) })
        const resolved = await contractReceipts(w, w.operator, 'resolve_execution', {
          request_id: 1,
          response: { success: true, error: '', resources_used: { instructions: good.instructions.toString(), time_ms: 1500, compile_time_ms: 20_000 } },
          attestations
        })
        record('resolve_execution: 7 signatures, 3 dissenters slashed, 4 KiB stored output', resolved[0])
      })()
    ])
    record('request_execution: 12 KiB input kept in state, R=7', requestGas[0])
    // the request's transaction finished with its callback: the last receipt the contract ran
    record('on_execution_response: pays 4 workers, refunds, returns 4 KiB', requestGas[requestGas.length - 1])

    // the largest output the contract takes (256 KiB), in OutLayer's two steps, signed by 7 workers
    for (const dissenter of w.workers.slice(4)) await call(w, dissenter.account, 'register_worker', { public_key: publicKeyOf(dissenter.key) }, NEAR / 10n)
    const huge = await request(w, user, { source: WASM_SOURCE, resource_limits: LIMITS, redundancy: { replicas: 7, quorum: 4, aggregation: 'identical' } }, NEAR)
    for (const worker of w.workers) await claim(w, worker, huge.requestId)
    const mib: Attested = { success: true, output: new Uint8Array(256 * 1024).fill(67), error: '', instructions: 1n }
    record('submit_execution_output: 256 KiB', (await contractReceipts(w, w.operator, 'submit_execution_output', { request_id: huge.requestId, output: Buffer.from(mib.output).toString('base64') }))[0])
    record('resolve_execution: 7 signatures over a stored 256 KiB output', (await contractReceipts(w, w.operator, 'resolve_execution', {
      request_id: huge.requestId,
      response: { success: true, error: '', resources_used: { instructions: '1', time_ms: 1, compile_time_ms: 0 } },
      attestations: w.workers.map(x => attest(w, x, huge.requestId, mib))
    }))[0])
    const hugeDone = await huge.done
    record('on_execution_response: returns 256 KiB (Text)', hugeDone.receipts.filter(r => r.executor === w.contractId).at(-1)?.gas)

    const small = await request(w, user, { source: WASM_SOURCE, resource_limits: LIMITS, input_data: '{"count":1}' }, NEAR)
    await claim(w, w.workers[0]!, small.requestId)
    const cancel = await contractReceipts(w, w.root, 'emergency_cancel_execution', { request_id: small.requestId })
    record('emergency_cancel_execution: refund and resume', cancel[0])
    await small.done

    record('register_worker', (await contractReceipts(w, w.users[1]!, 'register_worker', { public_key: publicKeyOf(workerKey(50)) }, NEAR))[0])
    record('create_project', (await contractReceipts(w, user, 'create_project', { name: 'p', source: WASM_SOURCE }, NEAR))[0])
    record('store_secrets: 8 KiB', (await contractReceipts(w, user, 'store_secrets', {
      accessor: { WasmHash: { hash: 'ab'.repeat(32) } }, profile: 'default', encrypted_secrets_base64: Buffer.alloc(8192, 1).toString('base64'), access: 'AllowAll'
    }, NEAR))[0])
  })
})
