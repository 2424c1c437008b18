/** Inputs of 10 KiB or more stay in state; outputs too big for the yield payload are stored and referenced. */
import assert from 'node:assert/strict'
import { validateExecutionRequest } from '../../protocol/index.js'
import { NEAR, WASM_SOURCE, attest, call, claim, events, refused, request, resolve, responseOf, startWorld, type World } from './world.js'

const LIMITS = { max_instructions: 1_000_000, max_memory_mb: 16, max_execution_seconds: 2 }

describe('contract big input and output', function () {
  this.timeout(120_000)
  let w: World
  before(async () => { w = await startWorld({ workers: 1 }) })
  after(async () => { await w?.stop() })

  it('keeps a 12 KiB input in state: the event says so, get_request returns it', async () => {
    const input = JSON.stringify({ blob: 'x'.repeat(12 * 1024) })
    const r = await request(w, w.users[0]!, { source: WASM_SOURCE, resource_limits: LIMITS, input_data: input }, NEAR)
    const pending = await w.view<Array<Record<string, unknown>>>('get_pending_requests', { from_index: 0, limit: 10 })
    const listed = pending.find(p => p.request_id === r.requestId)!
    assert.equal(listed.input_data_in_state, true)
    assert.equal(listed.input_data, undefined, 'the pending list leaves big inputs out')
    const full = await w.view<Record<string, unknown>>('get_request', { request_id: r.requestId })
    assert.equal(full.input_data, input)

    await claim(w, w.workers[0]!, r.requestId)
    const result = { success: true, output: new TextEncoder().encode('done'), error: '', instructions: 5n }
    await resolve(w, r.requestId, responseOf(result, 1), [attest(w, w.workers[0]!, r.requestId, result)])
    const done = await r.done
    const event = events(done.logs, 'execution_requested')[0]!
    assert.equal(event.input_data_in_state, true)
    assert.equal(event.input_data, undefined)
    assert.ok(validateExecutionRequest(event).ok, 'the event still validates')
  })

  it('draws the line at 10240 bytes, and also keeps an input whose escaped form is too long in state', async () => {
    const cases: Array<[string, boolean]> = [['a'.repeat(10_239), false], ['a'.repeat(10_240), true], ['"'.repeat(6000), true]]
    for (const [input, inState] of cases) {
      const r = await request(w, w.users[0]!, { source: WASM_SOURCE, resource_limits: LIMITS, input_data: input }, NEAR)
      const listed = (await w.view<Array<Record<string, unknown>>>('get_pending_requests', {})).find(p => p.request_id === r.requestId)!
      assert.equal(listed.input_data_in_state === true, inState, `${input.length} × ${input[0]}`)
      assert.ok(validateExecutionRequest(listed).ok)
      await call(w, w.root, 'emergency_cancel_execution', { request_id: r.requestId })
      await r.done
    }
  })

  it('takes a 3000-byte output through submit_execution_output, then resolve without output', async () => {
    const r = await request(w, w.users[0]!, { source: WASM_SOURCE, resource_limits: LIMITS, response_format: 'Text' }, NEAR)
    await claim(w, w.workers[0]!, r.requestId)
    const text = 'y'.repeat(3000)
    const result = { success: true, output: new TextEncoder().encode(text), error: '', instructions: 9n }
    await refused(call(w, w.users[0]!, 'submit_execution_output', { request_id: r.requestId, output: Buffer.from(text).toString('base64') }), 'only the operator')
    await call(w, w.operator, 'submit_execution_output', { request_id: r.requestId, output: Buffer.from(text).toString('base64') })
    const response = responseOf(result, 1)
    delete response.output
    await resolve(w, r.requestId, response, [attest(w, w.workers[0]!, r.requestId, result)])
    assert.equal((await r.done).value, text)
  })

  it('stores a big output given inline to resolve_execution and resumes with a reference', async () => {
    const r = await request(w, w.users[0]!, { source: WASM_SOURCE, resource_limits: LIMITS, response_format: 'Bytes' }, NEAR)
    await claim(w, w.workers[0]!, r.requestId)
    const output = new Uint8Array(2000).map((_, i) => i % 251)
    const result = { success: true, output, error: '', instructions: 9n }
    await resolve(w, r.requestId, responseOf(result, 1), [attest(w, w.workers[0]!, r.requestId, result)])
    const resolution = (await w.view<{ resolution: { output_in_state: boolean } }>('get_request', { request_id: r.requestId })).resolution
    assert.equal(resolution.output_in_state, true)
    assert.equal((await r.done).value, Buffer.from(output).toString('base64'))
  })
})
