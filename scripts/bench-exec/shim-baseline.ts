/**
 * The plain component baseline: a component transpiled by jco (the same `transpile` call and glue shape as
 * sandbox/exec/component/split.ts) and run on @bytecodealliance/preview2-shim, the real WASI host, no metering.
 * Only stdin, stdout and exit are ours: the shim reads process stdin through its I/O thread and exits the
 * process, so a run gets in-memory streams (subclasses of the shim's own, as its glue checks instanceof) and an
 * exit that throws. Clocks, random, environment (sandboxed to none) and the rest are the shim's.
 */
import { cli, io } from '@bytecodealliance/preview2-shim'
import { WASIShim } from '@bytecodealliance/preview2-shim/instantiation'
import { RUN_EXPORT } from '../../sandbox/exec/component/detect.js'
import { glueBody } from '../../sandbox/exec/component/split.js'
import { Wasm, type WasmModule } from '../../sandbox/exec/wasm-api.js'

type Instantiate = (getCoreModule: (name: string) => WasmModule, imports: Record<string, unknown>) => Record<string, unknown>

// the shim's types mark the constructors private (streams come from its I/O thread); ours take no ids at all
const streams = io.streams as unknown as { InputStream: new () => object, OutputStream: new () => object }

class Exit { constructor (readonly code: number) {} }

class MemoryInput extends streams.InputStream {
  private offset = 0
  constructor (private readonly bytes: Uint8Array) { super() }
  read (len: bigint): Uint8Array {
    if (this.offset >= this.bytes.length) throw { tag: 'closed' } // eslint-disable-line @typescript-eslint/no-throw-literal
    const chunk = this.bytes.slice(this.offset, this.offset + Number(len))
    this.offset += chunk.length
    return chunk
  }

  blockingRead (len: bigint): Uint8Array { return this.read(len) }
}

class MemoryOutput extends streams.OutputStream {
  readonly chunks: Uint8Array[] = []
  checkWrite (): bigint { return 1n << 20n }
  write (buf: Uint8Array): void { this.chunks.push(buf.slice()) }
  blockingWriteAndFlush (buf: Uint8Array): void { this.write(buf) }
  flush (): void {}
  blockingFlush (): void {}
  bytes (): Uint8Array { return Buffer.concat(this.chunks) }
}

export interface ShimComponent {
  /** transpile + compile of the core modules, ms (not part of a run) */
  prepareMs: number
  run: (input: Uint8Array) => { stdout: Uint8Array, exitCode: number }
}

export async function shimComponent (component: Uint8Array): Promise<ShimComponent> {
  const started = performance.now()
  const { transpile } = await import('@bytecodealliance/jco')
  const { files, imports } = await transpile(component, {
    name: 'component', instantiation: 'sync', noTypescript: true, base64Cutoff: 0, nodejsCompat: false, tlaCompat: false, wasiShim: false, quiet: true
  })
  const cores = new Map<string, WasmModule>()
  for (const [name, bytes] of Object.entries(files)) if (name.endsWith('.wasm')) cores.set(name, await Wasm.compile(bytes))
  const instantiate = (new Function(glueBody(new TextDecoder().decode(files['component.js']))) as () => Instantiate)() // eslint-disable-line @typescript-eslint/no-implied-eval
  const prepareMs = performance.now() - started

  const run = (input: Uint8Array): { stdout: Uint8Array, exitCode: number } => {
    const stdin = new MemoryInput(input)
    const stdout = new MemoryOutput()
    const stderr = new MemoryOutput()
    const shim = new WASIShim({
      cli: {
        ...cli,
        stdin: { getStdin: () => stdin },
        stdout: { getStdout: () => stdout },
        stderr: { getStderr: () => stderr },
        exit: { exit: (status: { tag: string }) => { throw new Exit(status.tag === 'err' ? 1 : 0) }, exitWithCode: (code: number) => { throw new Exit(code) } }
      },
      sandbox: { env: {}, args: ['program'], enableNetwork: false }
    } as ConstructorParameters<typeof WASIShim>[0]).getImportObject() as Record<string, unknown>
    // the glue names imports with their version (wasi:cli/stdin@0.2.6); the shim without
    const importObject = Object.fromEntries(imports.map(spec => [spec, shim[spec.replace(/@[^@]*$/, '')]]))
    const exports = instantiate(name => cores.get(name) as WasmModule, importObject)
    const runExport = Object.entries(exports).find(([name]) => RUN_EXPORT.test(name))?.[1] as { run: () => void } | undefined
    if (runExport == null) throw new Error('component has no wasi:cli/run export')
    let exitCode = 0
    try { runExport.run() } catch (err) { if (err instanceof Exit) exitCode = err.code; else throw err }
    return { stdout: stdout.bytes(), exitCode }
  }
  return { prepareMs, run }
}
