#!/usr/bin/env node
// Re-exec node with the flags every outlayer process needs: the Promise.withResolvers polyfill,
// tsx for our TypeScript sources, and --no-liftoff so run-once wasm jobs get optimised code.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = ['--no-liftoff', '--import', 'tsx', '--import', join(root, 'polyfill.mjs'), join(root, 'node/cli/main.ts'), ...process.argv.slice(2)]
const child = spawn(process.execPath, args, { stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal != null ? 128 + 1 : 0)))
