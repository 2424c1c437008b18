/** Shared by the executor tests: WAT → wasm (wabt), temp cache dirs, the built examples. */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import wabtInit from 'wabt'

// mocha may load test files through require(), which forbids top-level await: tests call `await wabtReady`
// in a before hook, and wat() works from then on.
let wabt: Awaited<ReturnType<typeof wabtInit>> | null = null
export const wabtReady: Promise<void> = wabtInit().then(w => { wabt = w })

export interface WatFeatures { simd?: boolean, threads?: boolean, tail_call?: boolean, exceptions?: boolean, multi_memory?: boolean, memory64?: boolean, bulk_memory?: boolean, reference_types?: boolean }

export function wat (text: string, features: WatFeatures = {}): Uint8Array {
  if (wabt == null) throw new Error('await wabtReady first')
  const module = wabt.parseWat('test.wat', text, { bulk_memory: true, reference_types: true, ...features })
  try {
    return new Uint8Array(module.toBinary({}).buffer)
  } finally {
    module.destroy()
  }
}

/** A WASI command: memory exported, `_start` = body, fd_write/proc_exit imported as $write/$exit, `extra` (more
 * imports first, then functions) right after them, `data` at offset 1024, $out(fd, ptr, len) to print. */
export function command (body: string, { extra = '', data = '', pages = 1 }: { extra?: string, data?: string, pages?: number } = {}): Uint8Array {
  return wat(`(module
    (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    ${extra}
    (memory (export "memory") ${pages})
    (data (i32.const 1024) "${data}")
    ;; writes len bytes at ptr to fd (iovec at 0, count at 8)
    (func $out (param $fd i32) (param $ptr i32) (param $len i32)
      (i32.store (i32.const 0) (local.get $ptr))
      (i32.store (i32.const 4) (local.get $len))
      (drop (call $write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))
    (func (export "_start") ${body}))`)
}

export function tempDir (prefix: string): { path: string, remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `outlayer-${prefix}-`))
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}

export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)

export const repoRoot = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..')

/** Runs `node ...args` from the repo root; resolves with its exit code and output (never rejects on a non-zero code). */
export function runNode (args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null, stdout: string, stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    child.on('error', reject)
    child.on('exit', code => { resolve({ code, stdout, stderr }) })
  })
}
