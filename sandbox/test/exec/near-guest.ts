/** The P1 guest the NEAR view tests run. */
import { command } from './helpers.js'

/**
 * stdin is one query JSON (up to 32 KiB); outlayer.near_view it `times` times, printing each answer and a newline,
 * or exits 7 when the answer did not fit (> 65536 bytes) and 6 on a negative return.
 */
export function nearGuest (times = 1): Uint8Array {
  const once = `
    (local.set $len (call $view (i32.const 8192) (i32.load (i32.const 24)) (i32.const 65536) (i32.const 65536)))
    (if (i64.lt_s (local.get $len) (i64.const 0)) (then (call $exit (i32.const 6))))
    (if (i64.gt_s (local.get $len) (i64.const 65536)) (then (call $exit (i32.const 7))))
    (call $out (i32.const 1) (i32.const 65536) (i32.wrap_i64 (local.get $len)))
    (call $out (i32.const 1) (i32.const 48) (i32.const 1))`
  return command(`(local $len i64)
    (i32.store (i32.const 16) (i32.const 8192)) (i32.store (i32.const 20) (i32.const 32768))
    (i32.store8 (i32.const 48) (i32.const 10))
    (drop (call $read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 24)))
    ${once.repeat(times)}`, {
    pages: 4,
    extra: `(import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
            (import "outlayer" "near_view" (func $view (param i32 i32 i32 i32) (result i64)))`
  })
}
