/**
 * Our WASI preview2 host, deterministic and never @bytecodealliance/preview2-shim (which reads the host clock,
 * randomness and filesystem). Keyed the way jco's instantiation-mode glue asks for imports: the interface name
 * without its version, so every 0.2.x minor is served by the same code.
 */
import { HttpSession } from '../../http/session.js'
import type { WasiContext } from '../context.js'
import { cliInterfaces, type CliInit } from './cli.js'
import { clockInterfaces } from './clocks.js'
import { filesystemInterfaces } from './filesystem.js'
import { httpInterfaces } from './http.js'
import { IoError, InputStream, OutputStream, Pollable, poll } from './io.js'
import { randomInterfaces } from './random.js'
import { socketInterfaces } from './sockets.js'

export { HostSignal } from './signal.js'

export function preview2Imports (ctx: WasiContext, init: CliInit, http: HttpSession): Record<string, object> {
  return {
    'wasi:io/error': { Error: IoError },
    'wasi:io/poll': { Pollable, poll: (list: Pollable[]) => poll(ctx, list) },
    'wasi:io/streams': { InputStream, OutputStream },
    ...cliInterfaces(ctx, init),
    ...clockInterfaces(ctx),
    ...randomInterfaces(ctx),
    ...filesystemInterfaces(),
    ...socketInterfaces(),
    ...httpInterfaces(ctx, http)
  }
}

/** Every interface a component may import (unversioned); anything else is refused at admission. */
export const PREVIEW2_INTERFACES: readonly string[] = Object.keys(preview2Imports(
  { stdin: new Uint8Array(0) } as unknown as WasiContext, { env: {}, args: [] }, new HttpSession(null, () => {})))
