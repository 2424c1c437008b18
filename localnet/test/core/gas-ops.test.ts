/**
 * The metering call (`env.gas`, once per basic block) counts ops as a number and converts them to gas only at a
 * limit or when gas is read or charged otherwise (Logic.ops). It must charge exactly what burn(ops × regular_op_cost)
 * per call did: the same totals, and the same error at the same call. Checked against that per-call model, over
 * seeded random call sequences that mix ops, burns, reserves and reads, close to both limits.
 */
import assert from 'node:assert/strict'
import { HostError } from '../../runtime/errors.js'
import { MAX_GAS_BURNT, REGULAR_OP_COST } from '../../runtime/fees.js'
import { Logic, type VMContext } from '../../runtime/host/logic.js'

/** what the host did before: every charge checked and added as a bigint, in call order */
class PerCallModel {
  burnt = 0n
  used = 0n
  constructor (private readonly prepaid: bigint) {}
  burn (gas: bigint): void {
    if (this.burnt + gas > MAX_GAS_BURNT) { this.exhaust(); throw new HostError('GasLimitExceeded', '') }
    if (this.used + gas > this.prepaid) { this.exhaust(); throw new HostError('GasExceeded', '') }
    this.burnt += gas
    this.used += gas
  }

  reserve (gas: bigint): void {
    if (this.used + gas > this.prepaid) { this.exhaust(); throw new HostError('GasExceeded', '') }
    this.used += gas
  }

  /** the most ops that still fit under both limits */
  room (): number {
    const left = MAX_GAS_BURNT - this.burnt < this.prepaid - this.used ? MAX_GAS_BURNT - this.burnt : this.prepaid - this.used
    return Number(left / REGULAR_OP_COST)
  }

  private exhaust (): void {
    this.burnt = this.prepaid < MAX_GAS_BURNT ? this.prepaid : MAX_GAS_BURNT
    this.used = this.prepaid
  }
}

function context (prepaidGas: bigint): VMContext {
  return { prepaidGas } as unknown as VMContext
}

/** mulberry32: a small seeded generator, so a failing sequence can be replayed */
function seeded (seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** ops n: -1 is the room the per-call model has left, -2 one op past it */
type Step = { op: 'ops', n: number } | { op: 'burn' | 'reserve', gas: bigint } | { op: 'read' }

function outcome (run: () => void): string {
  try { run(); return 'ok' } catch (err) { return (err as HostError).code }
}

describe('localnet core: the metering call charges what a per-call burn did', () => {
  it('gives the same totals and fails at the same call, with the same error, for 2,000 random sequences', () => {
    for (let seed = 1; seed <= 2_000; seed++) {
      const rand = seeded(seed)
      // prepaid small enough that ops alone reach it, sometimes above MAX_GAS_BURNT so the burn limit is the one hit
      const prepaid = rand() < 0.1 ? MAX_GAS_BURNT + 10n ** 12n : BigInt(Math.floor(rand() * 5_000_000)) * REGULAR_OP_COST + BigInt(Math.floor(rand() * 1_000_000))
      const steps: Step[] = []
      for (let i = 0; i < 60; i++) {
        const r = rand()
        if (r < 0.6) steps.push({ op: 'ops', n: Math.floor(rand() * 300_000) })
        else if (r < 0.7) steps.push({ op: 'ops', n: rand() < 0.5 ? -1 : -2 }) // exactly the room left, or one op more
        else if (r < 0.85) steps.push({ op: 'burn', gas: BigInt(Math.floor(rand() * 1e11)) })
        else if (r < 0.93) steps.push({ op: 'reserve', gas: BigInt(Math.floor(rand() * 1e11)) })
        else steps.push({ op: 'read' })
      }
      if (prepaid > MAX_GAS_BURNT) steps.push({ op: 'ops', n: Number(MAX_GAS_BURNT / REGULAR_OP_COST) })
      const model = new PerCallModel(prepaid)
      const logic = new Logic(context(prepaid))
      for (const [i, step] of steps.entries()) {
        const where = `seed ${seed}, step ${i} (${step.op})`
        let expected: string, actual: string
        if (step.op === 'ops') {
          const n = step.n === -1 ? model.room() : step.n === -2 ? model.room() + 1 : step.n
          expected = outcome(() => model.burn(BigInt(n) * REGULAR_OP_COST))
          actual = outcome(() => logic.ops(n))
        } else if (step.op === 'read') {
          expected = actual = 'ok'
        } else {
          expected = outcome(() => model[step.op](step.gas))
          actual = outcome(() => logic[step.op](step.gas))
        }
        assert.equal(actual, expected, where)
        // reading settles the pending ops, so totals are compared only where a host call would read them
        if (step.op === 'read' || expected !== 'ok') {
          assert.equal(logic.burntGas, model.burnt, `${where}: burnt`)
          assert.equal(logic.usedGas, model.used, `${where}: used`)
        }
        if (expected !== 'ok') break
      }
      assert.equal(logic.burntGas, model.burnt, `seed ${seed}: burnt at the end`)
      assert.equal(logic.usedGas, model.used, `seed ${seed}: used at the end`)
    }
  })

  it('charges a long run of small blocks exactly, without reading in between', () => {
    const logic = new Logic(context(MAX_GAS_BURNT))
    for (let i = 0; i < 1_000_000; i++) logic.ops(7)
    assert.equal(logic.burntGas, 7_000_000n * REGULAR_OP_COST)
    assert.equal(logic.usedGas, 7_000_000n * REGULAR_OP_COST)
  })
})
