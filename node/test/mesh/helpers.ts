/** Helpers for the mesh end-to-end tests: a node in a child process (`outlayer start`), waiting, feed scans. */
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { logsOf, createBlockFeed } from '../../chain/index.js'
import { saveConfig, type NodeConfig } from '../../config.js'
import type { AttestationPayload } from '../../../protocol/index.js'
import type { LocalMesh } from '../../testing/local-mesh.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

export async function waitFor<T> (check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

/** Records every node's reveals as its worker emits them; the function gives each node's first reveal of a request. */
export function recordReveals (mesh: LocalMesh): (requestId: string) => Array<AttestationPayload & { node: number }> {
  const attested = mesh.nodes.map((node, i) => {
    const list: Array<AttestationPayload & { node: number }> = []
    node!.worker!.on('result:attested', ({ attestation }) => { list.push({ ...attestation, node: i }) })
    return list
  })
  // a reveal is emitted again when it is repeated: the first per node
  return requestId => attested.map(list => list.find(a => a.request_id === requestId)).filter(a => a != null)
}

/** Tears down what a mesh test with its own executors and servers started: the mesh first, then what it used. */
export async function stopAll ({ mesh, executors = [], servers = [] }: { mesh: LocalMesh | undefined, executors?: Array<{ close: () => Promise<void> }>, servers?: Array<{ close: () => Promise<void> }> }): Promise<void> {
  await mesh?.stop()
  await Promise.all(executors.map(async e => { await e.close() }))
  await Promise.all(servers.map(async s => { await s.close() }))
}

export interface ChildNode {
  process: ChildProcess
  peerId: string
  addrs: string[]
  api: string | null
  kill9: () => Promise<void>
  stop: () => Promise<void>
}

/** Runs `outlayer start --config <dir>/child-config.json` and resolves once it printed where it listens. */
export async function startChildNode (config: NodeConfig, dir: string): Promise<ChildNode> {
  const path = join(dir, 'child-config.json')
  await saveConfig(path, config, { overwrite: true })
  // node/cli/main.ts with the launcher's flags, not bin/outlayer.mjs: the launcher re-execs node, and a kill -9 of it
  // would leave the real node running
  const child = spawn(process.execPath, ['--no-liftoff', '--import', 'tsx', '--import', join(ROOT, 'polyfill.mjs'), join(ROOT, 'node/cli/main.ts'), 'start', '--config', path], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OUTLAYER_LOG_LEVEL: process.env.OUTLAYER_LOG_LEVEL ?? 'warn' }
  })
  let tail = ''
  child.stderr!.on('data', (d: Buffer) => {
    tail = (tail + d.toString()).slice(-2000)
    if (process.env.MESH_TEST_CHILD_LOGS != null) process.stderr.write(`[child] ${d.toString()}`)
  })
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  const info = await new Promise<{ peerId: string, addrs: string[], api: string | null }>((resolve, reject) => {
    let buffer = ''
    child.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString()
      const line = buffer.split('\n').find(l => l.startsWith('{'))
      if (line != null) resolve(JSON.parse(line))
    })
    child.once('exit', code => reject(new Error(`outlayer start exited with ${code} before it was ready: ${tail}`)))
  })
  return {
    process: child,
    ...info,
    kill9: async () => { child.kill('SIGKILL'); await exited },
    stop: async () => { if (child.exitCode == null && child.signalCode == null) { child.kill('SIGTERM'); await exited } }
  }
}

/** Every outlayer event for one request id between two heights of the feed. */
export async function eventsFor (feedUrl: string, contractId: string, requestId: string, from: number, to: number): Promise<string[]> {
  const feed = createBlockFeed(feedUrl)
  const names: string[] = []
  for (let h = from; h <= to; h++) {
    const block = await feed.block(h)
    if (block == null) continue
    for (const log of logsOf(block, contractId)) {
      if (!log.startsWith('EVENT_JSON:')) continue
      const e = JSON.parse(log.slice('EVENT_JSON:'.length)) as { event: string, data: Array<{ request_id?: unknown }> }
      if (e.data?.some(d => String(d.request_id) === requestId)) names.push(e.event)
    }
  }
  return names
}
