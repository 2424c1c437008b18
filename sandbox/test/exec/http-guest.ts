/** The P1 guest the HTTP tests run. */
import { command } from './helpers.js'

/** A P1 guest: stdin is the request JSON (up to 32 KiB); outlayer.http_fetch it and print the answer JSON. */
export function fetchGuest (): Uint8Array {
  return command(`
    (i32.store (i32.const 16) (i32.const 8192)) (i32.store (i32.const 20) (i32.const 32768))
    (drop (call $read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 24)))
    (i32.store (i32.const 32) (call $fetch (i32.const 8192) (i32.load (i32.const 24)) (i32.const 40)))
    (if (i32.ne (i32.load (i32.const 32)) (i32.const 0)) (then (call $exit (i32.const 9))))
    (if (i32.gt_u (i32.load (i32.const 40)) (i32.const 900000)) (then (call $exit (i32.const 8))))
    (drop (call $response (i32.const 65536)))
    (call $out (i32.const 1) (i32.const 65536) (i32.load (i32.const 40)))`, {
    pages: 16,
    extra: `(import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
            (import "outlayer" "http_fetch" (func $fetch (param i32 i32 i32) (result i32)))
            (import "outlayer" "http_response" (func $response (param i32) (result i32)))`
  })
}
