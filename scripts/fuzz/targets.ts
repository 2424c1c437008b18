/**
 * The fuzz targets. Each is set up once, then asked for one case at a time with its own seeded Rng; a case
 * returns a Finding when the target broke its contract (threw where it must return a Result, answered
 * inconsistently, or let junk through), null otherwise. Read-only use of node/ and localnet/: findings there
 * become tests under sandbox/test/fuzz/, findings in the pre-scan under sandbox/test/exec/.
 */
import { readFile } from 'node:fs/promises'
import { EXAMPLE_REQUEST, GITHUB_SOURCE } from '../../protocol/test/fixtures.js'
import { createChain } from '../../localnet/chain/index.js'
import { METHODS } from '../../localnet/rpc/methods/index.js'
import { handleJsonRpc } from '../../localnet/rpc/jsonrpc.js'
import type { RpcContext } from '../../localnet/rpc/context.js'
import { GossipValidationError } from '../../node/p2p/errors.js'
import { TOPIC_MESSAGE_TYPE, validateGossipEnvelope } from '../../node/p2p/validation/envelope.js'
import { SeenCache } from '../../node/p2p/validation/seen-cache.js'
import {
  callHash, codeSourceCheck, createEnvelope, encodeEnvelope, keyPairFromSeed, publicKeyToString, responseDigest, sha256, sha256Hex, validateExecutionRequest, validatePayload,
  type Envelope, type GossipTopicName, type MessageType
} from '../../protocol/index.js'
import { prescan } from '../../sandbox/exec/prescan.js'
import { Wasm } from '../../sandbox/exec/wasm-api.js'
import { bombs, wasmModule, repeat, OP, I32 } from '../../sandbox/test/exec/wasm-writer.js'
import { ensureExamples } from '../build-examples.js'
import { mutateBytes, mutateJson } from './mutate.js'
import type { Rng } from './rng.js'

/** The input that broke the target, as text (JSON or base64 of bytes), and what went wrong. */
export interface Finding { message: string, input: string }

export interface FuzzTarget {
  name: string
  setup: () => Promise<{ fuzzCase: (rng: Rng) => Promise<Finding | null> | Finding | null, close?: () => Promise<void> }>
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64')
const describe = (err: unknown): string => err instanceof Error ? `${err.name}: ${err.message}` : String(err)

/** Small valid modules of the shapes the pre-scan tracks, besides the examples. */
export function writerSeeds (): Uint8Array[] {
  return [
    bombs.nestedBlocks(20), bombs.addChain(20), bombs.loops(5, 3), bombs.locals(3, 5),
    wasmModule({
      types: [[[], []], [[I32], [I32]]],
      imports: [['wasi_snapshot_preview1', 'proc_exit', 0]],
      functions: [
        { type: 1, locals: [[2, I32]], code: [OP.localGet, 0, OP.i32Const, 1, OP.i32Add, OP.block, 0x7f, OP.i32Const, 2, OP.end, OP.i32Add] },
        { code: [OP.i32Const, 7, OP.call, 1, OP.drop, OP.i32Const, 0, OP.memoryGrow, 0, OP.drop, OP.loop, 0x40, OP.br, 1, OP.end] }
      ]
    }),
    wasmModule({ functions: [{ code: repeat([OP.i32Const, 1, OP.if, 0x40, OP.nop, OP.else, OP.unreachable, OP.end], 4) }] })
  ]
}

export const prescanTarget: FuzzTarget = {
  name: 'prescan',
  async setup () {
    const examples = await ensureExamples()
    const seeds = [...await Promise.all(Object.values(examples).map(async p => new Uint8Array(await readFile(p)))), ...writerSeeds()]
    return {
      fuzzCase (rng) {
        let input = mutateBytes(rng, rng.pick(seeds))
        if (rng.chance(0.3)) input = mutateBytes(rng, input)
        let verdict
        try {
          verdict = prescan(input)
        } catch (err) {
          return { message: `prescan threw ${describe(err)}`, input: b64(input) }
        }
        if (!verdict.ok && verdict.message.startsWith('pre-scan failed')) return { message: verdict.message, input: b64(input) }
        // V8 is the oracle for well-formedness: what it accepts the pre-scan may refuse by feature or cap, never as malformed
        if (!verdict.ok && verdict.code === 'invalid_wasm' && Wasm.validate(input)) {
          return { message: `V8 accepts a module the pre-scan calls invalid: ${verdict.message}`, input: b64(input) }
        }
        return null
      }
    }
  }
}

const now = 1_750_000_000_000
const key = keyPairFromSeed(sha256('outlayer-fuzz/envelope'))
const PAYLOADS: { [T in MessageType]: unknown } = {
  task: { contract_id: 'outlayer.test.near', request_id: '5', block_height: '120' },
  attestation: {
    contract_id: 'outlayer.test.near', request_id: '5', worker_id: 'worker1.test.near', success: true, output: 'aGk=',
    output_hash: 'ab'.repeat(32), error: '', instructions: '100', time_ms: 3, result_hash: 'cd'.repeat(32), signature: 'A'.repeat(86) + '=='
  },
  build: {
    build_key: 'ab'.repeat(32), repo: 'https://github.com/zavodil/random-ark', commit: 'ef'.repeat(20), build_target: 'wasm32-wasip1',
    builder_image: 'outlayer-builder:2', wasm_hash: 'cd'.repeat(32), size: 100, builder: publicKeyToString(key.publicKey), signature: `ed25519:${'1'.repeat(80)}`
  },
  response_vote: voteSeed()
}

function voteSeed (): unknown {
  const body = new TextEncoder().encode('{"price":100}')
  const vote = { call_sha256: callHash('GET', 'https://api.example.com/price'), status: 200, content_type: 'application/json', body_sha256: sha256Hex(body) }
  return { contract_id: 'outlayer.test.near', request_id: '5', worker_id: 'worker1.test.near', index: 0, ...vote, body: b64(body), digest: responseDigest(vote) }
}

export const envelopeTarget: FuzzTarget = {
  name: 'envelope',
  async setup () {
    const types = Object.keys(PAYLOADS) as MessageType[]
    const sign = (type: MessageType, payload: unknown): Envelope => createEnvelope(type, payload as never, key, now)
    const seeds = types.map(t => sign(t, PAYLOADS[t]))
    const topics = Object.keys(TOPIC_MESSAGE_TYPE) as GossipTopicName[]
    return {
      fuzzCase (rng) {
        const type = rng.pick(types)
        const mode = rng.int(3)
        const data = mode === 0
          ? mutateBytes(rng, encodeEnvelope(seeds[types.indexOf(type)] as Envelope))
          : mode === 1
            ? new TextEncoder().encode(JSON.stringify(mutateJson(rng, seeds[types.indexOf(type)])))
            // re-signed, so the payload schema is reached
            : encodeEnvelope(sign(type, mutateJson(rng, PAYLOADS[type])))
        const topic = rng.pick(topics)
        try {
          const envelope = validateGossipEnvelope({ data, topic, seen: new SeenCache(600_000), maxBytes: 384 * 1024, freshnessMs: 300_000, now })
          if (envelope.type !== TOPIC_MESSAGE_TYPE[topic]) return { message: `accepted a ${envelope.type} on ${topic}`, input: b64(data) }
          const payload = validatePayload(envelope.type, envelope.payload)
          if (!payload.ok) return { message: `accepted a payload its schema refuses: ${payload.error.message}`, input: b64(data) }
        } catch (err) {
          if (!(err instanceof GossipValidationError)) return { message: `threw ${describe(err)}`, input: b64(data) }
        }
        return null
      }
    }
  }
}

/** A request as our contract emits it (WasmUrl source): the request target's seed, and the fuzz findings' base. */
export const VALID_REQUEST = EXAMPLE_REQUEST
const SOURCES = [
  GITHUB_SOURCE,
  VALID_REQUEST.source,
  { Project: { project_id: 'alice.near/app', version_key: 'v1' } }
]

export const requestTarget: FuzzTarget = {
  name: 'request',
  async setup () {
    return {
      fuzzCase (rng) {
        const asSource = rng.chance(0.3)
        const value = asSource ? mutateJson(rng, rng.pick(SOURCES)) : mutateJson(rng, { ...VALID_REQUEST, source: rng.pick(SOURCES) })
        try {
          const r = asSource ? codeSourceCheck(value, 'source') : validateExecutionRequest(value)
          if (typeof r.ok !== 'boolean') return { message: 'no Result', input: JSON.stringify(value) }
          if (r.ok && !asSource && !codeSourceCheck((r.value as { source: unknown }).source, 'source').ok) {
            return { message: 'an accepted request carries a source the source check refuses', input: JSON.stringify(value) }
          }
        } catch (err) {
          return { message: `threw ${describe(err)}`, input: JSON.stringify(value) }
        }
        return null
      }
    }
  }
}

const RPC_SEEDS: Array<[string, unknown]> = [
  ['status', []], ['health', []], ['block', { finality: 'final' }], ['block', { block_id: 1 }], ['chunk', { block_id: 1, shard_id: 0 }],
  ['gas_price', [null]], ['query', { request_type: 'view_account', finality: 'final', account_id: 'user0.test.near' }],
  ['query', { request_type: 'call_function', finality: 'final', account_id: 'user0.test.near', method_name: 'get', args_base64: 'e30=' }],
  ['query', { request_type: 'view_state', finality: 'final', account_id: 'user0.test.near', prefix_base64: '' }],
  ['query', { request_type: 'view_access_key_list', finality: 'final', account_id: 'user0.test.near' }],
  ['tx', { tx_hash: '11111111111111111111111111111111', sender_account_id: 'user0.test.near' }],
  ['send_tx', { signed_tx_base64: 'AAAA', wait_until: 'NONE' }], ['EXPERIMENTAL_protocol_config', { finality: 'final' }]
]

export const rpcTarget: FuzzTarget = {
  name: 'rpc',
  async setup () {
    const { chain } = await createChain({ accounts: 1 })
    const ctx: RpcContext = { chain, nodePublicKey: publicKeyToString(key.publicKey), rpcAddr: '127.0.0.1:0', startedAtMs: now, txTimeoutMs: 200 }
    return {
      async fuzzCase (rng) {
        const [method, params] = rng.pick(RPC_SEEDS)
        const request = { jsonrpc: '2.0', id: 'fuzz', method, params }
        const text = rng.chance(0.3)
          ? new TextDecoder().decode(mutateBytes(rng, new TextEncoder().encode(JSON.stringify(request))))
          : JSON.stringify(mutateJson(rng, request))
        try {
          const reply = await handleJsonRpc(text, METHODS, ctx)
          // a 500 is an error nobody classified: the parser let junk reach code that did not expect it
          if (reply.status === 500) return { message: `internal error: ${JSON.stringify(reply.body).slice(0, 300)}`, input: text }
          JSON.stringify(reply.body)
        } catch (err) {
          return { message: `threw ${describe(err)}`, input: text }
        }
        return null
      },
      close: async () => { await chain.close() }
    }
  }
}

export const TARGETS: readonly FuzzTarget[] = [envelopeTarget, rpcTarget, requestTarget, prescanTarget]
