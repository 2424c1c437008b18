/**
 * Our deterministic WASI preview1 (not node:wasi): args and env from the request, stdin is the input, stdout
 * and stderr captured, clocks from the request's timestamp and the fuel spent, random_get from the seeded
 * ChaCha20 stream, one empty read-only preopen, no sockets. Every admitted name has a function here.
 */
import { WASI_SIGNATURES } from '../wasi-signatures.js'
import type { WasiContext } from './context.js'
import { CLOCK, ERRNO, EVENT, FD, FILETYPE, PREOPEN_NAME } from './errno.js'
import { ProcExit, UnsupportedCall } from './signals.js'

type HostFn = (...args: Array<number | bigint>) => number | undefined
const ALL_RIGHTS = 0x1fffffffn
const utf8 = new TextEncoder()
const preopenName = utf8.encode(PREOPEN_NAME)
const STACK_OVERFLOW = /call stack/i

function listGet (ctx: WasiContext, items: Uint8Array[], ptrsPtr: number, bufPtr: number): number {
  const view = ctx.view()
  let at = bufPtr
  items.forEach((item, i) => {
    view.setUint32(ptrsPtr + i * 4, at, true)
    ctx.bytes(at, item.length).set(item)
    at += item.length
  })
  return ERRNO.SUCCESS
}

function listSizes (ctx: WasiContext, items: Uint8Array[], countPtr: number, sizePtr: number): number {
  const view = ctx.view()
  view.setUint32(countPtr, items.length, true)
  view.setUint32(sizePtr, items.reduce((n, a) => n + a.length, 0), true)
  return ERRNO.SUCCESS
}

function iovecs (ctx: WasiContext, iovs: number, count: number): Array<[number, number]> {
  const view = ctx.view()
  const out: Array<[number, number]> = []
  for (let i = 0; i < count; i++) out.push([view.getUint32(iovs + i * 8, true), view.getUint32(iovs + i * 8 + 4, true)])
  return out
}

function fdWrite (ctx: WasiContext, fd: number, iovs: number, count: number, nwritten: number): number {
  if (fd !== FD.STDOUT && fd !== FD.STDERR) return fd === FD.STDIN || fd === FD.PREOPEN ? ERRNO.INVAL : ERRNO.BADF
  let total = 0
  for (const [ptr, len] of iovecs(ctx, iovs, count)) {
    const chunk = ctx.bytes(ptr, len)
    if (fd === FD.STDOUT) ctx.writeStdout(chunk); else ctx.writeStderr(chunk)
    total += len
  }
  ctx.view().setUint32(nwritten, total, true)
  return ERRNO.SUCCESS
}

function fdRead (ctx: WasiContext, fd: number, iovs: number, count: number, nread: number): number {
  if (fd !== FD.STDIN) return fd === FD.PREOPEN ? ERRNO.ISDIR : fd <= FD.STDERR ? ERRNO.INVAL : ERRNO.BADF
  let total = 0
  for (const [ptr, len] of iovecs(ctx, iovs, count)) {
    const n = Math.min(len, ctx.stdin.length - ctx.stdinOffset)
    ctx.bytes(ptr, n).set(ctx.stdin.subarray(ctx.stdinOffset, ctx.stdinOffset + n))
    ctx.stdinOffset += n
    total += n
    if (n < len) break
  }
  ctx.view().setUint32(nread, total, true)
  return ERRNO.SUCCESS
}

const known = (fd: number): boolean => fd >= FD.STDIN && fd <= FD.PREOPEN

function fdstat (ctx: WasiContext, fd: number, ptr: number): number {
  if (!known(fd)) return ERRNO.BADF
  const view = ctx.view()
  ctx.bytes(ptr, 24).fill(0)
  view.setUint8(ptr, fd === FD.PREOPEN ? FILETYPE.DIRECTORY : FILETYPE.CHARACTER_DEVICE)
  view.setBigUint64(ptr + 8, ALL_RIGHTS, true)
  view.setBigUint64(ptr + 16, fd === FD.PREOPEN ? ALL_RIGHTS : 0n, true)
  return ERRNO.SUCCESS
}

function filestat (ctx: WasiContext, fd: number, ptr: number): number {
  if (!known(fd)) return ERRNO.BADF
  ctx.bytes(ptr, 64).fill(0)
  ctx.view().setUint8(ptr + 16, fd === FD.PREOPEN ? FILETYPE.DIRECTORY : FILETYPE.CHARACTER_DEVICE)
  return ERRNO.SUCCESS
}

function clockTime (ctx: WasiContext, id: number, ptr: number): number {
  let value: bigint
  if (id === CLOCK.REALTIME) value = ctx.timestampNs + ctx.elapsedNs()
  else if (id === CLOCK.MONOTONIC || id === CLOCK.PROCESS_CPUTIME || id === CLOCK.THREAD_CPUTIME) value = ctx.elapsedNs()
  else return ERRNO.INVAL
  ctx.view().setBigUint64(ptr, BigInt.asUintN(64, value), true)
  return ERRNO.SUCCESS
}

/**
 * poll_oneoff. fd subscriptions are always ready (stdin: read, with the bytes left; stdout/stderr: write; any
 * other fd or direction: the event carries BADF); when one is present only the fd events are reported and no
 * virtual time passes. Otherwise every clock fires at once and virtual time advances by the longest timeout.
 */
function pollOneoff (ctx: WasiContext, inPtr: number, outPtr: number, count: number, neventsPtr: number): number {
  if (count === 0) return ERRNO.INVAL
  const view = ctx.view()
  const fdEvents: number[] = []
  for (let i = 0; i < count; i++) if (view.getUint8(inPtr + i * 48 + 8) !== EVENT.CLOCK) fdEvents.push(i)
  const reported = fdEvents.length > 0 ? fdEvents : [...Array(count).keys()]
  let longest = 0n
  reported.forEach((i, k) => {
    const sub = inPtr + i * 48
    const out = outPtr + k * 32
    const tag = view.getUint8(sub + 8)
    ctx.bytes(out, 32).fill(0)
    view.setBigUint64(out, view.getBigUint64(sub, true), true)
    view.setUint8(out + 10, tag)
    if (tag === EVENT.CLOCK) {
      if ((view.getUint16(sub + 40, true) & 1) === 0) {
        const timeout = view.getBigUint64(sub + 24, true)
        if (timeout > longest) longest = timeout
      }
      return
    }
    const fd = view.getUint32(sub + 16, true)
    const ready = (tag === EVENT.FD_READ && fd === FD.STDIN) || (tag === EVENT.FD_WRITE && (fd === FD.STDOUT || fd === FD.STDERR))
    view.setUint16(out + 8, ready ? ERRNO.SUCCESS : tag > EVENT.FD_WRITE ? ERRNO.INVAL : ERRNO.BADF, true)
    if (ready && tag === EVENT.FD_READ) view.setBigUint64(out + 16, BigInt(ctx.stdin.length - ctx.stdinOffset), true)
  })
  ctx.sleptNs += longest
  view.setUint32(neventsPtr, reported.length, true)
  return ERRNO.SUCCESS
}

/** sock_* on a fd we know (stdio, the preopen) is ENOTSOCK, as WASI specifies; any other fd is BADF. */
const notSocket = (fd: number): number => known(fd) ? ERRNO.NOTSOCK : ERRNO.BADF

function pathOpen (_ctx: WasiContext, dirfd: number, oflags: number, rights: bigint): number {
  if (dirfd !== FD.PREOPEN) return ERRNO.BADF
  const wantsWrite = (oflags & (1 | 8)) !== 0 || (rights & (1n << 6n)) !== 0n
  return wantsWrite ? ERRNO.ROFS : ERRNO.NOENT
}

function table (ctx: WasiContext): Record<string, HostFn> {
  const n = (x: number | bigint): number => Number(x) >>> 0 // i32 arrive signed; pointers and sizes are unsigned
  const unsupported = (name: string): HostFn => () => { throw new UnsupportedCall(name) }
  const onFd = (ok: number, other = ERRNO.BADF): HostFn => fd => known(n(fd)) ? ok : other
  return {
    args_get: (a, b) => listGet(ctx, ctx.args, n(a), n(b)),
    args_sizes_get: (a, b) => listSizes(ctx, ctx.args, n(a), n(b)),
    environ_get: (a, b) => listGet(ctx, ctx.env, n(a), n(b)),
    environ_sizes_get: (a, b) => listSizes(ctx, ctx.env, n(a), n(b)),
    clock_res_get: (id, ptr) => {
      if (n(id) > CLOCK.THREAD_CPUTIME) return ERRNO.INVAL
      ctx.view().setBigUint64(n(ptr), 1n, true)
      return ERRNO.SUCCESS
    },
    clock_time_get: (id, _precision, ptr) => clockTime(ctx, n(id), n(ptr)),
    fd_advise: onFd(ERRNO.SUCCESS),
    fd_allocate: onFd(ERRNO.NOTSUP),
    fd_close: onFd(ERRNO.SUCCESS),
    fd_datasync: onFd(ERRNO.INVAL),
    fd_fdstat_get: (fd, ptr) => fdstat(ctx, n(fd), n(ptr)),
    fd_fdstat_set_flags: onFd(ERRNO.NOTSUP),
    fd_fdstat_set_rights: onFd(ERRNO.NOTSUP),
    fd_filestat_get: (fd, ptr) => filestat(ctx, n(fd), n(ptr)),
    fd_filestat_set_size: onFd(ERRNO.INVAL),
    fd_filestat_set_times: onFd(ERRNO.NOTSUP),
    fd_pread: onFd(ERRNO.SPIPE),
    fd_prestat_get: (fd, ptr) => {
      if (n(fd) !== FD.PREOPEN) return ERRNO.BADF
      const view = ctx.view()
      view.setUint32(n(ptr), 0, true)
      view.setUint32(n(ptr) + 4, preopenName.length, true)
      return ERRNO.SUCCESS
    },
    fd_prestat_dir_name: (fd, ptr, len) => {
      if (n(fd) !== FD.PREOPEN) return ERRNO.BADF
      ctx.bytes(n(ptr), Math.min(n(len), preopenName.length)).set(preopenName.subarray(0, n(len)))
      return ERRNO.SUCCESS
    },
    fd_pwrite: onFd(ERRNO.SPIPE),
    fd_read: (fd, iovs, count, nread) => fdRead(ctx, n(fd), n(iovs), n(count), n(nread)),
    fd_readdir: (fd, _buf, _len, _cookie, usedPtr) => {
      if (n(fd) !== FD.PREOPEN) return known(n(fd)) ? ERRNO.NOTSUP : ERRNO.BADF
      ctx.view().setUint32(n(usedPtr), 0, true)
      return ERRNO.SUCCESS
    },
    fd_renumber: onFd(ERRNO.NOTSUP),
    fd_seek: onFd(ERRNO.SPIPE),
    fd_sync: onFd(ERRNO.INVAL),
    fd_tell: onFd(ERRNO.SPIPE),
    fd_write: (fd, iovs, count, nwritten) => fdWrite(ctx, n(fd), n(iovs), n(count), n(nwritten)),
    path_create_directory: () => ERRNO.ROFS,
    path_filestat_get: () => ERRNO.NOENT,
    path_filestat_set_times: () => ERRNO.ROFS,
    path_link: () => ERRNO.ROFS,
    path_open: (dirfd, _dirflags, _path, _len, oflags, rights) => pathOpen(ctx, n(dirfd), n(oflags), BigInt(rights)),
    path_readlink: () => ERRNO.NOENT,
    path_remove_directory: () => ERRNO.ROFS,
    path_rename: () => ERRNO.ROFS,
    path_symlink: () => ERRNO.ROFS,
    path_unlink_file: () => ERRNO.ROFS,
    poll_oneoff: (a, b, c, d) => pollOneoff(ctx, n(a), n(b), n(c), n(d)),
    proc_exit: code => { throw new ProcExit(n(code) >>> 0) },
    proc_raise: unsupported('proc_raise'),
    sched_yield: () => ERRNO.SUCCESS,
    random_get: (ptr, len) => {
      ctx.bytes(n(ptr), n(len)).set(ctx.random.next(n(len)))
      return ERRNO.SUCCESS
    },
    sock_accept: fd => notSocket(n(fd)),
    sock_recv: fd => notSocket(n(fd)),
    sock_send: fd => notSocket(n(fd)),
    sock_shutdown: fd => notSocket(n(fd))
  }
}

/**
 * The `wasi_snapshot_preview1` import object. A guest pointer outside its memory gets EFAULT, like a kernel
 * would answer; our own signals (exit, output limit, unsupported) pass through.
 */
export function wasiImports (ctx: WasiContext): Record<string, HostFn> {
  const fns = table(ctx)
  const out: Record<string, HostFn> = {}
  for (const name of Object.keys(WASI_SIGNATURES)) {
    const fn = fns[name]
    if (fn == null) throw new Error(`WASI function ${name} has no implementation`)
    out[name] = (...args) => {
      try {
        return fn(...args)
      } catch (err) {
        // a guest pointer out of bounds (DataView/Uint8Array RangeError) is the guest's fault: EFAULT. A V8
        // stack overflow is also a RangeError but is not deterministic: it must end the run as host_error.
        if (err instanceof RangeError && !STACK_OVERFLOW.test(err.message)) return ERRNO.FAULT
        throw err
      }
    }
  }
  return out
}
