/** contract/examples/coin-flip asks for R=3 redundant execution cross-contract and settles bets from the quorum's result. */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { ensureContracts } from '../../scripts/build-contract.js'
import { deployContract } from '../../scripts/deploy.js'
import { NEAR, WASM_SOURCE, attest, claim, decodeOutcome, ok, requestVia, resolve, responseOf, startWorld, type World } from './world.js'

const TGAS = 10n ** 12n

describe('coin-flip consumer contract', function () {
  this.timeout(120_000)
  let w: World
  const coinFlip = 'coinflip.test.near'

  before(async () => {
    w = await startWorld({ workers: 3 })
    await deployContract({
      rpcUrl: w.net.rpcUrl,
      masterAccountId: w.net.root.accountId,
      masterSecretKey: w.net.root.secretKey,
      contractId: coinFlip,
      wasm: await readFile((await ensureContracts()).coinFlip),
      initArgs: { outlayer_id: w.contractId, source: WASM_SOURCE, execution_deposit: (2n * NEAR).toString() },
      initialBalance: 20n * NEAR
    })
  })
  after(async () => { await w?.stop() })

  async function flip (guess: string, output: string): Promise<Record<string, unknown>> {
    const player = w.users[0]!
    const pending = await requestVia(w, async () => decodeOutcome(await player.callFunctionRaw({
      contractId: coinFlip, methodName: 'flip', args: { guess }, deposit: 3n * NEAR, gas: 300n * TGAS, waitUntil: 'FINAL'
    })))
    const request = await w.view<Record<string, unknown>>('get_request', { request_id: pending.requestId })
    assert.equal(request.predecessor_id, coinFlip, 'the consumer contract made the request')
    assert.deepEqual(request.redundancy, { replicas: 3, quorum: 2, aggregation: 'identical' })
    for (const worker of w.workers) await claim(w, worker, pending.requestId)
    const result = ok(output, 3_000n)
    await resolve(w, pending.requestId, responseOf(result, 2), [attest(w, w.workers[0]!, pending.requestId, result), attest(w, w.workers[2]!, pending.requestId, result)])
    const done = await pending.done
    const settled = done.logs.filter(l => l.startsWith('EVENT_JSON:')).map(l => JSON.parse(l.slice(11)) as { standard: string, event: string, data: unknown[] })
      .find(e => e.standard === 'coin-flip' && e.event === 'flip_settled')
    assert.ok(settled !== undefined, 'flip_settled event')
    assert.deepEqual(settled.data[0], done.value)
    return done.value as Record<string, unknown>
  }

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
