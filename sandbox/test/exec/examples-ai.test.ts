/**
 * examples/ai, the JavaScript example (a componentize-js component), on the executor against an
 * OpenAI-compatible server on 127.0.0.1: the key goes out only as the bearer header from the env (the request's
 * secrets), a missing key is a clear error, and the same answers give the same result hash.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { ensureJsExample } from '../../../scripts/build-examples.js'
import { consensusFetcher } from '../../exec/http/consensus.js'
import { createHttpFetcher } from '../../exec/http/fetcher.js'
import type { ExecutionResult } from '../../../protocol/result.js'
import { createExecutor, type Executor } from '../../exec/index.js'
import { tempDir, text } from './helpers.js'
import { gossipRound } from './gossip-round.js'
import { chatApi } from './http-servers.js'

const KEY = 'sk-test-ai-7c1e'

describe('examples/ai (JavaScript component) on the executor', function () {
  this.timeout(600_000)
  const cache = tempDir('examples-ai')
  let executor: Executor
  let wasm: Uint8Array
  let api: Awaited<ReturnType<typeof chatApi>>
  before(async () => {
    wasm = new Uint8Array(await readFile(await ensureJsExample('ai')))
    api = await chatApi(KEY, body => `echo: ${body.messages.at(-1)?.content ?? ''}`)
    executor = createExecutor({ workers: 1, cacheDir: cache.path, httpFetcher: createHttpFetcher({ allowLoopbackForTests: true }) })
  })
  after(async () => { await executor.close(); await api.close(); cache.remove() })

  const run = async (input: unknown, env: Record<string, string>): Promise<ExecutionResult> =>
    await executor.execute(wasm, { input: JSON.stringify(input), env, fuel: 10n ** 10n, timeoutMs: 120_000, http: { allowedHosts: ['127.0.0.1'], allowHttp: true } })
  const env = (): Record<string, string> => ({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: `${api.url}/v1` })

  it('answers {response, model, tokens_used, finish_reason}; the key went out as the bearer header only', async () => {
    const r = await run({ prompt: 'hello there', model: 'gpt-test', temperature: 0.2, max_tokens: 50 }, env())
    assert.equal(r.status, 'ok', `${r.status} ${r.message ?? ''} ${text(r.stderr)}`)
    assert.deepEqual(JSON.parse(text(r.stdout)), { response: 'echo: hello there', model: 'gpt-test-0613', tokens_used: 10, finish_reason: 'stop' })
    const seen = api.seen.at(-1)
    assert.equal(seen?.authorization, `Bearer ${KEY}`)
    assert.deepEqual(seen?.body, { model: 'gpt-test', messages: [{ role: 'user', content: 'hello there' }], temperature: 0.2, max_tokens: 50 })
    assert.ok(!text(r.stdout).includes(KEY) && !text(r.stderr).includes(KEY), 'the key is in no output')
    const again = await run({ prompt: 'hello there', model: 'gpt-test', temperature: 0.2, max_tokens: 50 }, env())
    assert.equal(again.result_hash, r.result_hash, 'the same answer, the same result hash')
    assert.equal(again.transcript_hash, r.transcript_hash)
  })

  it('a missing key is a clear error and nothing is sent; a wrong key shows the API\'s refusal', async () => {
    const before = api.hits()
    const missing = await run({ prompt: 'hi' }, { OPENAI_BASE_URL: `${api.url}/v1` })
    assert.equal(missing.status, 'exit')
    assert.equal(missing.exit_code, 1)
    assert.match(text(missing.stderr), /OPENAI_API_KEY is not set/)
    assert.equal(api.hits(), before, 'no request without a key')
    const wrong = await run({ prompt: 'hi' }, { ...env(), OPENAI_API_KEY: 'sk-wrong' })
    assert.equal(wrong.status, 'exit')
    assert.match(text(wrong.stderr), /the API answered 401: Incorrect API key provided/)
    const noPrompt = await run({ model: 'x' }, env())
    assert.match(text(noPrompt.stderr), /give a "prompt"/)
    // the API host is the program's (manifest) or the request's allowlist: the default, api.openai.com, is not reachable here
    const elsewhere = await run({ prompt: 'hi' }, { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: 'http://example.com/v1' })
    assert.match(text(elsewhere.stderr), /the request failed: HTTP-request-denied/)
  })

  it('consensus mode (R=3): replicas whose APIs answer differently continue with the answer ≥ Q of them got, so their outputs are identical', async () => {
    const round = gossipRound(['w1', 'w2', 'w3'], 2, { mode: 'identical' })
    const odd = await chatApi(KEY, () => 'something else')
    const replicas = ['w1', 'w2', 'w3'].map((replica, i) => {
      const real = createHttpFetcher({ allowLoopbackForTests: true })
      // w3 is answered by another server (its own view of the API); the URL it asked stays in the transcript
      const own = i < 2 ? real : { fetch: async (spec: Parameters<typeof real.fetch>[0], policy: Parameters<typeof real.fetch>[1]) => {
        const ex = await real.fetch({ ...spec, url: spec.url.replace(`:${api.port}/`, `:${odd.port}/`) }, policy)
        return { ...ex, hops: ex.hops.map(h => ({ ...h, request: { ...h.request, url: spec.url } })) }
      } }
      return createExecutor({ workers: 1, cacheDir: cache.path, httpFetcher: consensusFetcher(own, round(replica)) })
    })
    try {
      const results = await Promise.all(replicas.map(async ex => await ex.execute(wasm, { input: JSON.stringify({ prompt: 'agree' }), env: env(), fuel: 10n ** 10n, timeoutMs: 120_000, http: { allowedHosts: ['127.0.0.1'], allowHttp: true } })))
      for (const r of results) assert.equal(r.status, 'ok', `${r.status} ${r.message ?? ''} ${text(r.stderr)}`)
      assert.deepEqual(results.map(r => (JSON.parse(text(r.stdout)) as { response: string }).response), ['echo: agree', 'echo: agree', 'echo: agree'])
      assert.equal(new Set(results.map(r => r.result_hash)).size, 1, '`identical` holds for the model\'s answer')
    } finally {
      await Promise.all(replicas.map(async ex => { await ex.close() }))
      await odd.close()
    }
  })
})
