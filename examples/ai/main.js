// An AI call over an OpenAI-compatible chat completions API, as a JavaScript component (componentize-js).
// stdin {"prompt", "model"?, "temperature"?, "max_tokens"?, "system"?} → stdout {"response", "model", "tokens_used", "finish_reason"}
// The key is the env var OPENAI_API_KEY, which only the request's secrets (secrets_ref) provide; OPENAI_BASE_URL
// (same place, default https://api.openai.com/v1) names the API. Neither comes from the input: whoever writes
// the input must not be able to send the owner's key elsewhere.
import { getStdin } from 'wasi:cli/stdin@0.2.12'
import { getStdout } from 'wasi:cli/stdout@0.2.12'
import { getStderr } from 'wasi:cli/stderr@0.2.12'
import { getEnvironment } from 'wasi:cli/environment@0.2.12'
import { exit } from 'wasi:cli/exit@0.2.12'
import { Fields, OutgoingRequest, OutgoingBody } from 'wasi:http/types@0.2.12'
import { handle } from 'wasi:http/outgoing-handler@0.2.12'

const encode = s => new TextEncoder().encode(s)

function readAll (stream) {
  const chunks = []
  for (;;) {
    try { chunks.push(stream.blockingRead(65536n)) } catch { break }
  }
  return new TextDecoder().decode(new Uint8Array(chunks.flatMap(c => Array.from(c))))
}

class Failure extends Error {}

// the bindings may hand results over as {tag, val} or unwrap them (throwing the error): accept both
function unwrap (v) {
  if (v == null || typeof v !== 'object' || !('tag' in v) || (v.tag !== 'ok' && v.tag !== 'err')) return v
  if (v.tag === 'ok') return v.val
  throw new Failure(`the request failed: ${v.val?.tag ?? JSON.stringify(v.val)}`)
}

/** POST `body` (JSON) to `url`; → {status, text} */
function postJson (url, headers, body) {
  const u = new URL(url)
  const fields = Fields.fromList([['content-type', encode('application/json')], ['accept', encode('application/json')], ...headers.map(([n, v]) => [n, encode(v)])])
  const req = new OutgoingRequest(fields)
  req.setMethod({ tag: 'post' })
  req.setScheme({ tag: u.protocol === 'https:' ? 'HTTPS' : 'HTTP' })
  req.setAuthority(u.host)
  req.setPathWithQuery(u.pathname + u.search)
  const out = req.body()
  out.write().blockingWriteAndFlush(encode(JSON.stringify(body)))
  OutgoingBody.finish(out, undefined)
  let response
  try {
    const future = handle(req, undefined)
    future.subscribe().block()
    response = unwrap(unwrap(future.get()))
  } catch (e) {
    if (e instanceof Failure) throw e
    throw new Failure(`the request failed: ${e?.payload?.tag ?? String(e)}`)
  }
  return { status: response.status(), text: readAll(response.consume().stream()) }
}

function complete (input, env) {
  if (typeof input.prompt !== 'string' || input.prompt.length === 0) throw new Failure('give a "prompt" (a non-empty string)')
  const key = env.OPENAI_API_KEY
  if (key == null || key.length === 0) throw new Failure('OPENAI_API_KEY is not set: store it in the secrets profile the request names (secrets_ref)')
  const base = (env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1').replace(/\/+$/, '')
  const messages = [...(typeof input.system === 'string' ? [{ role: 'system', content: input.system }] : []), { role: 'user', content: input.prompt }]
  const request = { model: input.model ?? 'gpt-4o-mini', messages, temperature: input.temperature ?? 0, max_tokens: input.max_tokens ?? 256 }
  const { status, text } = postJson(`${base}/chat/completions`, [['authorization', `Bearer ${key}`]], request)
  let answer
  try { answer = JSON.parse(text) } catch { throw new Failure(`the API answered ${status} with a body that is not JSON`) }
  if (status < 200 || status >= 300) throw new Failure(`the API answered ${status}: ${answer?.error?.message ?? text.slice(0, 200)}`)
  const choice = answer.choices?.[0]
  if (typeof choice?.message?.content !== 'string') throw new Failure('the API answered without choices[0].message.content')
  return { response: choice.message.content, model: answer.model ?? request.model, tokens_used: answer.usage?.total_tokens ?? null, finish_reason: choice.finish_reason ?? null }
}

export const run = {
  run () {
    try {
      let input
      try { input = JSON.parse(readAll(getStdin())) } catch { throw new Failure('input is not JSON') }
      const out = complete(input ?? {}, Object.fromEntries(getEnvironment()))
      getStdout().blockingWriteAndFlush(encode(JSON.stringify(out)))
    } catch (e) {
      getStderr().blockingWriteAndFlush(encode(`${e instanceof Failure ? e.message : `error: ${e}`}\n`))
      exit({ tag: 'err' })
    }
  }
}
