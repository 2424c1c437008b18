import assert from 'node:assert/strict'
import { createExecutor, type Executor } from '../../exec/index.js'
import { command, tempDir, text, wabtReady } from './helpers.js'

/** A guest that prints its args (or env) block: sizes_get at 16/20, pointers at 32.., strings at 2048. */
function printList (which: 'args' | 'environ'): Uint8Array {
  return command(`
    (drop (call $sizes (i32.const 16) (i32.const 20)))
    (drop (call $get (i32.const 32) (i32.const 2048)))
    (call $out (i32.const 1) (i32.const 2048) (i32.load (i32.const 20)))`, {
    extra: `(import "wasi_snapshot_preview1" "${which}_sizes_get" (func $sizes (param i32 i32) (result i32)))
            (import "wasi_snapshot_preview1" "${which}_get" (func $get (param i32 i32) (result i32)))`
  })
}

/** Calls `call` with a buffer at 4096 of `len` bytes and prints the buffer. */
function printCall (imp: string, call: string, len: number): Uint8Array {
  return command(`${call} (call $out (i32.const 1) (i32.const 4096) (i32.const ${len}))`, { extra: imp })
}

const clock = (id: number): Uint8Array => printCall(
  '(import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))',
  `(drop (call $clock (i32.const ${id}) (i64.const 0) (i32.const 4096)))`, 8)

const random = (): Uint8Array => printCall(
  '(import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))',
  '(drop (call $random (i32.const 4096) (i32.const 40)))', 40)

const u64 = (bytes: Uint8Array): bigint => Buffer.from(bytes).readBigUInt64LE(0)

describe('sandbox/exec deterministic WASI', function () {
  this.timeout(120_000)
  before(async () => { await wabtReady })
  const cache = tempDir('wasi')
  let executor: Executor
  before(() => { executor = createExecutor({ workers: 1, cacheDir: cache.path }) })
  after(async () => { await executor.close(); cache.remove() })

  it('args and env come from the request only', async () => {
    const args = await executor.execute(printList('args'), { args: ['a', 'bc'] })
    assert.equal(text(args.stdout), 'program\0a\0bc\0')
    const env = await executor.execute(printList('environ'), { env: { JOB: '42', X: 'y' } })
    assert.equal(text(env.stdout), 'JOB=42\0X=y\0')
    const none = await executor.execute(printList('environ'))
    assert.equal(none.stdout.length, 0, 'no host environment leaks in')
  })

  it('stdin is the input', async () => {
    const cat = command(`
      (i32.store (i32.const 16) (i32.const 4096)) (i32.store (i32.const 20) (i32.const 100))
      (drop (call $read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 24)))
      (call $out (i32.const 1) (i32.const 4096) (i32.load (i32.const 24)))`, {
      extra: '(import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))'
    })
    assert.equal(text((await executor.execute(cat, { input: 'from stdin' })).stdout), 'from stdin')
  })

  it('clocks: realtime starts at the request timestamp and advances with fuel, the same every run', async () => {
    const ts = 1_700_000_000_000_000_000n
    const a = await executor.execute(clock(0), { timestampNs: ts })
    const b = await executor.execute(clock(0), { timestampNs: ts })
    const t = u64(a.stdout)
    assert.ok(t > ts && t < ts + 1_000_000n, `${t}`)
    assert.equal(u64(b.stdout), t)
    const mono = await executor.execute(clock(1), { timestampNs: ts })
    assert.ok(u64(mono.stdout) < 1_000_000n)
  })

  it('random_get is the ChaCha20 stream of the seed', async () => {
    const { chacha20 } = await import('@noble/ciphers/chacha.js')
    const seed = '11'.repeat(32)
    const r = await executor.execute(random(), { seed })
    const expected = chacha20(Buffer.from(seed, 'hex'), new Uint8Array(12), new Uint8Array(40))
    assert.deepEqual(r.stdout, expected)
    const other = await executor.execute(random(), { seed: '22'.repeat(32) })
    assert.notDeepEqual(other.stdout, r.stdout)
  })

  it('the filesystem is one empty read-only preopen', async () => {
    const open = (oflags: number): Uint8Array => printCall(
      '(import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))',
      `(i32.store (i32.const 4096) (call $open (i32.const 3) (i32.const 0) (i32.const 1024) (i32.const 5) (i32.const ${oflags}) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 8192)))`, 4)
    const read = await executor.execute(open(0))
    assert.equal(Buffer.from(read.stdout).readUInt32LE(0), 44, 'ENOENT')
    const create = await executor.execute(open(1))
    assert.equal(Buffer.from(create.stdout).readUInt32LE(0), 69, 'EROFS')
  })

  it('NaN bits are canonical where they become observable', async () => {
    // x86 makes 0/0 = 0xfff8…; stored or reinterpreted it must read as the positive quiet NaN everywhere
    const nan = printCall('', `
      (f64.store (i32.const 4096) (f64.div (f64.const 0) (f64.const 0)))
      (i64.store (i32.const 4104) (i64.reinterpret_f64 (f64.div (f64.const 0) (f64.const 0))))
      (f32.store (i32.const 4112) (f32.div (f32.const 0) (f32.const 0)))
      (f64.store (i32.const 4120) (f64.copysign (f64.const 1) (f64.div (f64.const 0) (f64.const 0))))`, 32)
    const r = await executor.execute(nan)
    const out = Buffer.from(r.stdout)
    assert.equal(out.readBigUInt64LE(0), 0x7ff8000000000000n)
    assert.equal(out.readBigUInt64LE(8), 0x7ff8000000000000n)
    assert.equal(out.readUInt32LE(16), 0x7fc00000)
    assert.equal(out.readDoubleLE(24), 1)
  })

  it('a guest pointer outside memory gets EFAULT, not a host crash', async () => {
    const r = await executor.execute(printCall(
      '(import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))',
      '(i32.store (i32.const 4096) (call $random (i32.const 65530) (i32.const 100)))', 4))
    assert.equal(r.status, 'ok')
    assert.equal(Buffer.from(r.stdout).readUInt32LE(0), 21)
  })
  it('sock_* answer ENOTSOCK on our fds and EBADF elsewhere, as WASI specifies, instead of trapping', async () => {
    const sock = (name: string, params: string, args: string): Uint8Array => printCall(
      `(import "wasi_snapshot_preview1" "${name}" (func $sock (param ${params}) (result i32)))`,
      `(i32.store (i32.const 4096) (call $sock ${args}))`, 4)
    const errnoOf = async (wasm: Uint8Array): Promise<number> => {
      const r = await executor.execute(wasm)
      assert.equal(r.status, 'ok')
      return Buffer.from(r.stdout).readUInt32LE(0)
    }
    assert.equal(await errnoOf(sock('sock_accept', 'i32 i32 i32', '(i32.const 0) (i32.const 0) (i32.const 8192)')), 57)
    assert.equal(await errnoOf(sock('sock_recv', 'i32 i32 i32 i32 i32 i32', '(i32.const 1) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 8192) (i32.const 8200)')), 57)
    assert.equal(await errnoOf(sock('sock_send', 'i32 i32 i32 i32 i32', '(i32.const 3) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 8192)')), 57)
    assert.equal(await errnoOf(sock('sock_shutdown', 'i32 i32', '(i32.const 9) (i32.const 0)')), 8)
  })

  it('poll_oneoff on stdio: fd events are ready at once (stdin with its bytes left), clocks do not fire beside them', async () => {
    // subscriptions at 8192 (48 bytes each): [clock 1 s, stdin read, stdout write, fd 7 read]; events at 12288
    const sub = (i: number, tag: number, fd: number): string => `
      (i64.store (i32.const ${8192 + i * 48}) (i64.const ${100 + i}))
      (i32.store8 (i32.const ${8192 + i * 48 + 8}) (i32.const ${tag}))
      (i64.store (i32.const ${8192 + i * 48 + 16}) (i64.const ${tag === 0 ? 0 : fd}))
      (i64.store (i32.const ${8192 + i * 48 + 24}) (i64.const ${tag === 0 ? 1_000_000_000 : 0}))`
    const wasm = command(`${sub(0, 0, 0)}${sub(1, 1, 0)}${sub(2, 2, 1)}${sub(3, 1, 7)}
      (i32.store (i32.const 4096) (call $poll (i32.const 8192) (i32.const 12288) (i32.const 4) (i32.const 4100)))
      (call $out (i32.const 1) (i32.const 4096) (i32.const 8))
      (call $out (i32.const 1) (i32.const 12288) (i32.const 96))`, {
      extra: '(import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))'
    })
    const r = await executor.execute(wasm, { input: 'hello' })
    assert.equal(r.status, 'ok')
    const out = Buffer.from(r.stdout)
    assert.equal(out.readUInt32LE(0), 0, 'poll_oneoff succeeds')
    assert.equal(out.readUInt32LE(4), 3, 'three fd events, the clock does not fire')
    const event = (k: number): { userdata: bigint, error: number, type: number, nbytes: bigint } => {
      const at = 8 + k * 32
      return { userdata: out.readBigUInt64LE(at), error: out.readUInt16LE(at + 8), type: out.readUInt8(at + 10), nbytes: out.readBigUInt64LE(at + 16) }
    }
    assert.deepEqual(event(0), { userdata: 101n, error: 0, type: 1, nbytes: 5n })
    assert.deepEqual(event(1), { userdata: 102n, error: 0, type: 2, nbytes: 0n })
    assert.deepEqual(event(2), { userdata: 103n, error: 8, type: 1, nbytes: 0n })
  })
})
