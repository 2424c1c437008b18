/**
 * Preparation thread: admission (pre-scan, binaryen, V8 validation) and instrumentation of a module, or of
 * every core module of a component after jco splits it, off the node's main thread, with its own heap limit
 * and a deadline (prepare-pool.ts). binaryen is loaded once per thread, before the thread reports ready, so the
 * deadline measures the preparation only.
 */
import { parentPort } from 'node:worker_threads'
import { admitParsed, type AdmissionCaps } from './admission.js'
import { loadBinaryen } from './binaryen.js'
import { AdmissionError, type AdmissionReason } from './errors.js'
import { instrumentModule } from './instrument.js'
import { ADMISSION } from './limits.js'

export type PrepareMessage =
  | {
    kind: 'module'
    wasm: Uint8Array
    /** false: admission only (admitModule) */
    instrument: boolean
    caps?: Partial<AdmissionCaps>
  }
  /** jco transpile, then every core module admitted and instrumented (component/admit.ts); bytes: encodeComponent */
  | { kind: 'component', wasm: Uint8Array }

export type PrepareReply =
  | { ok: true, bytes: Uint8Array | null }
  | { ok: false, refusal: { code: AdmissionReason, message: string } }
  | { ok: false, failure: string }

if (parentPort == null) throw new Error('sandbox/exec/prepare-worker.ts must run as a worker thread')
const port = parentPort
const B = await loadBinaryen()

function prepareModule (msg: Extract<PrepareMessage, { kind: 'module' }>): Uint8Array | null {
  const module = admitParsed(B, msg.wasm, { ...ADMISSION, ...msg.caps })
  try {
    return msg.instrument ? instrumentModule(B, module) : null
  } finally {
    module.dispose()
  }
}

/** jco and the component code load on a thread's first component: a thread that only sees modules never pays for them */
async function prepareComponent (wasm: Uint8Array): Promise<Uint8Array> {
  const [{ admitAndInstrument }, { encodeComponent }] = await Promise.all([import('./component/admit.js'), import('./component/stored.js')])
  return encodeComponent(await admitAndInstrument(B, wasm))
}

async function prepare (msg: PrepareMessage): Promise<PrepareReply> {
  try {
    return { ok: true, bytes: msg.kind === 'module' ? prepareModule(msg) : await prepareComponent(msg.wasm) }
  } catch (err) {
    if (err instanceof AdmissionError) return { ok: false, refusal: { code: err.code, message: err.detail } }
    // not a verdict on the module (a bug, or binaryen failing): local
    return { ok: false, failure: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }
  }
}

port.on('message', async (msg: PrepareMessage) => {
  const reply = await prepare(msg)
  port.postMessage({ reply }, reply.ok && reply.bytes != null ? [reply.bytes.buffer as ArrayBuffer] : [])
})
port.postMessage({ ready: true })
