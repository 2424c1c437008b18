#!/usr/bin/env node
// Re-exec node with the flags every outlayer process needs: the Promise.withResolvers polyfill,
// tsx for our TypeScript sources, and --no-liftoff so run-once wasm jobs get optimised code.
// The child holds an IPC channel to this launcher: if the launcher dies, even by kill -9, the channel closes and
// the child shuts down as on SIGTERM, so no node is left running unseen with its database open.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = ['--no-liftoff', '--import', 'tsx', '--import', join(root, 'polyfill.mjs'), join(root, 'node/cli/main.ts'), ...process.argv.slice(2)]
const child = spawn(process.execPath, args, { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] })
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal != null ? 128 + 1 : 0)))
