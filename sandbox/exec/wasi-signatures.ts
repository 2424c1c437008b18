/**
 * WASI preview1 import signatures. Admission accepts a `wasi_snapshot_preview1` import only when its name and
 * exact signature are listed here, so the host functions never see arguments of the wrong type.
 */
type Sig = readonly [params: string, results: string]

const E = 'i32' // every call returns an errno, except proc_exit

export const WASI_MODULE = 'wasi_snapshot_preview1'

export const WASI_SIGNATURES: Readonly<Record<string, Sig>> = {
  args_get: ['i32 i32', E],
  args_sizes_get: ['i32 i32', E],
  environ_get: ['i32 i32', E],
  environ_sizes_get: ['i32 i32', E],
  clock_res_get: ['i32 i32', E],
  clock_time_get: ['i32 i64 i32', E],
  fd_advise: ['i32 i64 i64 i32', E],
  fd_allocate: ['i32 i64 i64', E],
  fd_close: ['i32', E],
  fd_datasync: ['i32', E],
  fd_fdstat_get: ['i32 i32', E],
  fd_fdstat_set_flags: ['i32 i32', E],
  fd_fdstat_set_rights: ['i32 i64 i64', E],
  fd_filestat_get: ['i32 i32', E],
  fd_filestat_set_size: ['i32 i64', E],
  fd_filestat_set_times: ['i32 i64 i64 i32', E],
  fd_pread: ['i32 i32 i32 i64 i32', E],
  fd_prestat_get: ['i32 i32', E],
  fd_prestat_dir_name: ['i32 i32 i32', E],
  fd_pwrite: ['i32 i32 i32 i64 i32', E],
  fd_read: ['i32 i32 i32 i32', E],
  fd_readdir: ['i32 i32 i32 i64 i32', E],
  fd_renumber: ['i32 i32', E],
  fd_seek: ['i32 i64 i32 i32', E],
  fd_sync: ['i32', E],
  fd_tell: ['i32 i32', E],
  fd_write: ['i32 i32 i32 i32', E],
  path_create_directory: ['i32 i32 i32', E],
  path_filestat_get: ['i32 i32 i32 i32 i32', E],
  path_filestat_set_times: ['i32 i32 i32 i32 i64 i64 i32', E],
  path_link: ['i32 i32 i32 i32 i32 i32 i32', E],
  path_open: ['i32 i32 i32 i32 i32 i64 i64 i32 i32', E],
  path_readlink: ['i32 i32 i32 i32 i32 i32', E],
  path_remove_directory: ['i32 i32 i32', E],
  path_rename: ['i32 i32 i32 i32 i32 i32', E],
  path_symlink: ['i32 i32 i32 i32 i32', E],
  path_unlink_file: ['i32 i32 i32', E],
  poll_oneoff: ['i32 i32 i32 i32', E],
  proc_exit: ['i32', ''],
  proc_raise: ['i32', E],
  sched_yield: ['', E],
  random_get: ['i32 i32', E],
  sock_accept: ['i32 i32 i32', E],
  sock_recv: ['i32 i32 i32 i32 i32 i32', E],
  sock_send: ['i32 i32 i32 i32 i32', E],
  sock_shutdown: ['i32 i32', E]
}

/** Our own host module: outside HTTP for preview1 commands (http/p1-host.ts), NEAR view calls (near/p1-host.ts). */
export const HOST_MODULE = 'outlayer'
export const HOST_SIGNATURES: Readonly<Record<string, Sig>> = {
  http_fetch: ['i32 i32 i32', E],
  http_response: ['i32', E],
  near_view: ['i32 i32 i32 i32', 'i64']
}

/** Imports the instrumenter adds; no guest may import from or export under these names. */
export const INTERNAL_MODULE = 'outlayer_internal'
export const INTERNAL_EXPORT_PREFIX = '__outlayer_'
