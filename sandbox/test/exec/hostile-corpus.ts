/** Hostile guests (WAT commands) and the outcome each must end in; run as commands and as components. */
import type { ExecuteOptions } from '../../exec/index.js'
import { command } from './helpers.js'

export const HOSTILE_CORPUS: Array<[name: string, build: () => Uint8Array, opts: ExecuteOptions, status: string]> = [
  ['infinite loop', () => command('(loop $l (br $l))'), {}, 'out_of_fuel'],
  ['infinite loop past the wall clock', () => command('(loop $l (br $l))'), { fuel: 10n ** 11n, timeoutMs: 300 }, 'timeout'],
  ['memory.grow bomb', () => command('(loop $l (br_if $l (i32.ne (memory.grow (i32.const 1)) (i32.const -1)))) unreachable'), {}, 'memory_limit'],
  ['deep recursion', () => command('(call $r (i32.const 0))', { extra: '(func $r (param i32) (call $r (i32.add (local.get 0) (i32.const 1))))' }), {}, 'depth_limit'],
  ['mutual recursion through call_indirect', () => command('(call $a)', {
    extra: '(type $v (func)) (table 2 funcref) (elem (i32.const 0) $a $b) (func $a (call_indirect (type $v) (i32.const 1))) (func $b (call_indirect (type $v) (i32.const 0)))'
  }), {}, 'depth_limit'],
  ['100 MB of stdout', () => command('(loop $l (call $out (i32.const 1) (i32.const 0) (i32.const 1048576)) (br $l))', { pages: 17 }), { fuel: 10n ** 11n }, 'output_limit'],
  ['a huge memory.fill loop', () => command('(loop $l (memory.fill (i32.const 0) (i32.const 1) (i32.const 65536)) (br $l))'), { fuel: 10_000_000n }, 'out_of_fuel']
]
