/** contract/examples/coin-flip asks for R=3 redundant execution cross-contract and settles bets from the quorum's result. */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { responseError, sha256Hex } from '../../protocol/index.js'
import { execute } from '../../sandbox/exec/index.js'
import { ensureContracts } from '../../scripts/build-contract.js'
import { ensureExamples } from '../../scripts/build-examples.js'
import { deployContract } from '../../scripts/deploy.js'
import { NEAR, checkInvariant, decodeOutcome, events, ok, quorumResolve, requestVia, startWorld, type Attested, type World } from './world.js'

const TGAS = 10n ** 12n

describe('coin-flip consumer contract', function () {
  this.timeout(120_000)
  let w: World
  let randomWasm: Uint8Array
  const coinFlip = 'coinflip.test.near'

  before(async () => {
    w = await startWorld({ workers: 3, allowLocalSources: true })
    const path = (await ensureExamples()).random
    randomWasm = await readFile(path)
    const source = { WasmUrl: { url: `file://${path}`, hash: sha256Hex(randomWasm), build_target: 'wasm32-wasip1' } }
    await deployContract({
      rpcUrl: w.net.rpcUrl,
      masterAccountId: w.net.root.accountId,
      masterSecretKey: w.net.root.secretKey,
      contractId: coinFlip,
      wasm: await readFile((await ensureContracts()).coinFlip),
      initArgs: { outlayer_id: w.contractId, source, execution_deposit: (2n * NEAR).toString() },
      initialBalance: 20n * NEAR
    })
  })
  afterEach(async () => { await checkInvariant(w) })
  after(async () => { await w?.stop() })

  /** What a worker attests after running the random example for this request (seed and clock from the event). */
  async function run (request: Record<string, unknown>): Promise<Attested> {
    const limits = request.resource_limits as { max_instructions: number }
    const r = await execute(randomWasm, {
      input: request.input_data as string, seed: request.seed as string, timestampNs: BigInt(request.timestamp_ns as string), fuel: BigInt(limits.max_instructions)
    })
    assert.ok(r.status !== 'timeout' && r.status !== 'host_error', r.message)
    return { success: r.status === 'ok', output: r.stdout, error: responseError(r as Parameters<typeof responseError>[0]), instructions: r.fuel_used }
  }

  /** A flip whose workers attest `output`, or really run the random example when `output` is omitted. */
  async function flip (guess: string, output?: string): Promise<Record<string, unknown>> {
    const player = w.users[0]!
    const [playerBefore, houseBefore] = await Promise.all([w.balance(player.accountId), w.balance(coinFlip)])
    let burnt = 0n
    const pending = await requestVia(w, async () => {
      const outcome = await player.callFunctionRaw({
        contractId: coinFlip, methodName: 'flip', args: { guess }, deposit: 3n * NEAR, gas: 300n * TGAS, waitUntil: 'FINAL'
      }) as unknown as { transaction_outcome: { outcome: { tokens_burnt: string } }, receipts_outcome: Array<{ outcome: { tokens_burnt: string } }> }
      burnt = [outcome.transaction_outcome, ...outcome.receipts_outcome].reduce((n, r) => n + BigInt(r.outcome.tokens_burnt), 0n)
      return decodeOutcome(outcome)
    })
    const request = await w.view<Record<string, unknown>>('get_request', { request_id: pending.requestId })
    assert.equal(request.predecessor_id, coinFlip, 'the consumer contract made the request')
    assert.deepEqual(request.redundancy, { replicas: 3, quorum: 2, aggregation: 'identical' })
    const results = output != null ? w.workers.map(() => ok(output, 3_000n)) : await Promise.all(w.workers.map(async () => await run(request)))
    const result = results[0]!
    for (const r of results) assert.deepEqual(r, result, 'every worker computed the same result from the request seed')
    const { done } = await quorumResolve(w, pending, { ...result, codeHash: sha256Hex(randomWasm) })
    const settled = done.logs.filter(l => l.startsWith('EVENT_JSON:')).map(l => JSON.parse(l.slice(11)) as { standard: string, event: string, data: unknown[] })
      .find(e => e.standard === 'coin-flip' && e.event === 'flip_settled')
    assert.ok(settled !== undefined, 'flip_settled event')
    assert.deepEqual(settled.data[0], done.value)
    // the player is the request's payer: what the execution did not use comes back to the player, not the house
    const completed = events(done.logs, 'execution_completed')[0]!
    assert.equal(completed.payer_account_id, player.accountId)
    const refunded = BigInt(String(completed.payment_refunded))
    assert.ok(refunded > 0n, 'the execution used less than its 2 NEAR deposit')
    const payout = BigInt(String((done.value as Record<string, unknown>).payout))
    assert.equal(await w.balance(player.accountId), playerBefore - 3n * NEAR - burnt + refunded + payout, 'player: bet and deposit out, gas, refund and payout in')
    assert.equal(await w.balance(coinFlip), houseBefore + NEAR - payout, 'house: the 1 NEAR bet in, the payout out, nothing of the execution deposit')
    return done.value as Record<string, unknown>
  }

  it('settles a bet from the random example, run by three workers who all agree', async () => {
    const result = await flip('heads')
    const number = Number(result.number)
    assert.ok(Number.isInteger(number) && number >= 0 && number <= 1_000_000, `a number from the random example, got ${String(result.number)}`)
    assert.equal(result.outcome, number % 2 === 0 ? 'heads' : 'tails')
    assert.equal(result.won, result.outcome === 'heads')
    assert.equal(result.payout, result.won === true ? (2n * NEAR).toString() : '0')
  })

  it('wins a bet when the quorum-verified number has the guessed parity', async () => {
    const result = await flip('heads', '{"numbers":[4]}')
    assert.equal(result.outcome, 'heads')
    assert.equal(result.won, true)
    assert.equal(result.payout, (2n * NEAR).toString())
    assert.deepEqual(await w.provider.callFunction({ contractId: coinFlip, method: 'get_flip', args: { flip_id: result.flip_id } }), result)
  })

  it('loses a bet on the other parity', async () => {
    const result = await flip('heads', '{"numbers":[7]}')
    assert.equal(result.outcome, 'tails')
    assert.equal(result.won, false)
    assert.equal(result.payout, '0')
  })
})
