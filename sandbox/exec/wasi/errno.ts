/** WASI preview1 errno values and the few constants the layer needs. */
export const ERRNO = {
  SUCCESS: 0,
  BADF: 8,
  FAULT: 21,
  INVAL: 28,
  ISDIR: 31,
  NOENT: 44,
  NOTSOCK: 57,
  NOTSUP: 58,
  ROFS: 69,
  SPIPE: 70
} as const

/** poll_oneoff subscription / event types */
export const EVENT = { CLOCK: 0, FD_READ: 1, FD_WRITE: 2 } as const

export const FILETYPE = { CHARACTER_DEVICE: 2, DIRECTORY: 3 } as const

export const CLOCK = { REALTIME: 0, MONOTONIC: 1, PROCESS_CPUTIME: 2, THREAD_CPUTIME: 3 } as const

/** fd numbers: stdin, stdout, stderr, then the single (empty, read-only) preopen */
export const FD = { STDIN: 0, STDOUT: 1, STDERR: 2, PREOPEN: 3 } as const
export const PREOPEN_NAME = '/'
