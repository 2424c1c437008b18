import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { resultHash, sha256Hex, type ExecutionRequest, type ExecutionResult } from '../../../protocol/index.js'
import { execute } from '../../../sandbox/exec/index.js'
import { ensureExamples } from '../../../scripts/build-examples.js'
import { workerBehaviour, type BehaviourContext } from '../../adversary/behaviours.js'
import type { ByzantineBehaviour } from '../../scenario/types.js'
import { lieFor } from '../../adversary/lies.js'
import { GroundTruth } from '../../runner/truth.js'

const SEED = 'ab'.repeat(32)
const INPUT = JSON.stringify({ count: 5, min: 1, max: 50 })

describe('sim/adversary behaviours (real executor, random example)', function () {
  this.timeout(120_000)
  /** the honest run of the random example: a behaviour transforms a result, so one execution serves every case */
  let honestRun: ExecutionResult
  const truth = new GroundTruth()
  const ctx = (label: string, over: Partial<BehaviourContext> = {}): BehaviourContext => ({
    label, fromRequest: 0, record: (seed, kind, stdout) => { truth.record(seed, kind, stdout) },
    copyFrom: async () => undefined, copyWaitMs: 10, ...over
  })
  /** what the worker attests for request `id` (index id − 1): the honest run through the behaviour's transform */
  const attested = async (behaviour: ByzantineBehaviour | 'honest', c: BehaviourContext, id = 1): Promise<ExecutionResult> => {
    const request = { request_id: BigInt(id), seed: SEED, input_data: INPUT } as unknown as ExecutionRequest
    return await (workerBehaviour(behaviour, c).resultTransform?.(honestRun, request) ?? honestRun)
  }

  before(async () => {
    const wasm = new Uint8Array(await readFile((await ensureExamples(() => {})).random))
    honestRun = await execute(wasm, { input: INPUT, seed: SEED })
  })

  it('a coordinated lie is plausible, the same for every member, wrong, with a correct hash for itself', async () => {
    const honest = await attested('honest', ctx('h'))
    const a = await attested('wrong-coordinated', ctx('coordinated'))
    const b = await attested('wrong-coordinated', ctx('coordinated'))
    const c = await attested('wrong-independent', ctx('node7'))
    assert.deepEqual(a.stdout, b.stdout)
    assert.notDeepEqual(a.stdout, honest.stdout)
    assert.notDeepEqual(c.stdout, a.stdout)
    const lie = JSON.parse(new TextDecoder().decode(a.stdout)) as { numbers: number[] }
    assert.equal(lie.numbers.length, 5)
    assert.ok(lie.numbers.every(n => n >= 1 && n <= 50))
    assert.equal(a.fuel_used, honest.fuel_used)
    assert.equal(a.result_hash, resultHash({ status: 'ok', exit_code: 0, trap: null, stdout: a.stdout, fuel_used: a.fuel_used, instrumenter_version: a.instrumenter_version }))
    assert.equal(truth.verdict(SEED, honest.stdout), 'correct')
    assert.equal(truth.verdict(SEED, a.stdout), 'wrong')
    assert.equal(truth.verdict(SEED, c.stdout), 'wrong')
    assert.equal(truth.verdict('cd'.repeat(32), a.stdout), 'unknown')
  })

  it('lies only from fromRequest on; withholding and equivocation are per request', async () => {
    const early = await attested('wrong-coordinated', ctx('coordinated', { fromRequest: 3 }), 3)
    assert.deepEqual(early.stdout, honestRun.stdout)
    const withholder = workerBehaviour('withhold', ctx('w', { fromRequest: 1 }))
    const request = (id: number): ExecutionRequest => ({ request_id: BigInt(id), seed: SEED, input_data: INPUT }) as unknown as ExecutionRequest
    assert.equal(withholder.withhold?.(request(1)), false)
    assert.equal(withholder.withhold?.(request(2)), true)
    // the equivocator commits the honest result; its transform is the second, signed and gossiped next to it
    const equivocator = workerBehaviour('equivocate', ctx('e'))
    assert.equal(equivocator.equivocate?.(request(1)), true)
    const second = await attested('equivocate', ctx('e'))
    assert.notDeepEqual(second.stdout, honestRun.stdout)
    assert.equal(truth.verdict(SEED, second.stdout), 'wrong')
  })

  it('a lazy copier signs what another worker revealed, and commits nothing when nobody did', async () => {
    const out = new TextEncoder().encode('{"numbers":[1,2,3]}')
    const copied = await attested('lazy-copy', ctx('l', {
      copyFrom: async () => ({ contract_id: 'c.near', request_id: '1', worker_id: 'w.near', success: true, output: Buffer.from(out).toString('base64'), output_hash: sha256Hex(out), error: '', instructions: '1234', time_ms: 1, result_hash: '00'.repeat(32), signature: 'AA==' })
    }))
    assert.deepEqual(copied.stdout, out)
    assert.equal(copied.fuel_used, 1234n)
    assert.equal((await attested('lazy-copy', ctx('l'))).status, 'timeout')
  })

  it('lieFor never returns the honest output', () => {
    const honest = new TextEncoder().encode('{"numbers":[1]}')
    for (let i = 0; i < 50; i++) assert.notEqual(sha256Hex(lieFor(`x${i}`, SEED, JSON.stringify({ count: 1, min: 1, max: 1 }), honest)), sha256Hex(honest))
  })
})
