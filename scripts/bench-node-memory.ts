/**
 * npm run bench:node-memory — one idle node's memory (issue 15: goal ≤ 150 MB RSS idle), started as a node runner
 * starts it: `outlayer init` → register_worker → `outlayer start --config`, roles worker + resolver, against a
 * localnet in this process, no requests. bin/outlayer.mjs re-execs node, so the launcher and the node (its child)
 * are measured apart: RSS, V8 heap (used, per space), external/array buffers and threads, right after start and
 * after `--idle-s` seconds idle, each as found and after a full GC. Writes bench/results/node-memory.json.
 *
 *   npm run bench:node-memory [-- --idle-s 60] [--label after] [--node-options=--max-semi-space-size=2]
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { startLocalnet } from '../localnet/index.js'
import { createOutlayerClient } from '../node/chain/index.js'
import { runCli } from '../node/test/cli/run-cli.js'
import { deployOutlayer } from './deploy.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const PROBE = pathToFileURL(join(ROOT, 'scripts', 'node-memory', 'probe.mjs')).href
const BOND = 10n ** 24n
const GOAL_RSS_MB = 150
const IDLE_STEP_MS = 5000

const { values: flags } = parseArgs({ options: { 'idle-s': { type: 'string', default: '60' }, label: { type: 'string' }, 'node-options': { type: 'string', default: '' } } })
const idleMs = Number(flags['idle-s']) * 1000

/** What scripts/node-memory/probe.mjs writes (MB, one decimal) */
interface MemorySample { rssMb: number, heapUsedMb: number, heapTotalMb: number, externalMb: number, arrayBuffersMb: number, spacesUsedMb: Record<string, number> }
interface ProbeSample { pid: number, argv: string[], threads: number, before: MemorySample, afterGc?: MemorySample }

async function main (): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'outlayer-node-memory-'))
  const probeDir = join(dir, 'probe')
  await mkdir(probeDir)
  const net = await startLocalnet({ port: 0, blockTimeMs: 500, accounts: 2 })
  let node: ChildProcess | undefined
  try {
    const { contractId } = await deployOutlayer({
      rpcUrl: net.rpcUrl, networkId: net.networkId, masterAccountId: net.root.accountId, masterSecretKey: net.root.secretKey, config: { min_bond: BOND.toString() }
    })
    const worker = net.accounts[1]!
    const init = await runCli(['init', '--dir', join(dir, 'node'), '--contract-id', contractId, '--rpc-url', net.rpcUrl, '--feed-url', net.feedUrl,
      '--account-id', worker.accountId, '--secret-key', worker.secretKey, '--roles', 'worker,resolver', '--listen', '/ip4/127.0.0.1/tcp/0', '--http-port', '0', '--json'])
    if (init.code !== 0) throw new Error(`outlayer init exited ${init.code}: ${init.stderr}`)
    const { configPath, signingPublicKey } = JSON.parse(init.stdout) as { configPath: string, signingPublicKey: string }
    await createOutlayerClient({ rpcUrl: net.rpcUrl, contractId, accountId: worker.accountId, secretKey: worker.secretKey }).registerWorker(signingPublicKey, BOND)

    const startedAt = Date.now()
    node = spawn(process.execPath, [join(ROOT, 'bin', 'outlayer.mjs'), 'start', '--config', configPath], {
      cwd: ROOT,
      // the probe, --expose-gc and --node-options (a V8 flag to try) reach the launcher and, through the inherited env, the node it re-execs
      env: { ...process.env, OUTLAYER_LOG_LEVEL: 'warn', OUTLAYER_MEMORY_PROBE_DIR: probeDir, NODE_OPTIONS: `--expose-gc --import ${PROBE} ${flags['node-options']}`.trim() },
      stdio: ['ignore', 'pipe', 'inherit']
    })
    await startedLine(node)
    const startMs = Date.now() - startedAt
    const launcherPid = node.pid!
    const nodePid = await childOf(launcherPid)
    const afterStart = { launcher: await probe(probeDir, launcherPid), node: await probe(probeDir, nodePid), nodeProcess: await processView(nodePid) }
    process.stderr.write(`node-memory: started in ${startMs} ms; idle ${idleMs / 1000} s\n`)
    // RSS every 5 s from /proc while idle (no signal, no GC: the node is left alone until the last sample)
    const idleRssMb: number[] = []
    for (let waited = 0; waited < idleMs; waited += IDLE_STEP_MS) {
      await new Promise(resolve => setTimeout(resolve, Math.min(IDLE_STEP_MS, idleMs - waited)))
      idleRssMb.push(await rssMb(nodePid))
    }
    const afterIdle = { launcher: await probe(probeDir, launcherPid), node: await probe(probeDir, nodePid), nodeProcess: await processView(nodePid) }
    const result = {
      date: new Date().toISOString(), label: flags.label ?? null, node: process.version, loadAverage: loadavg().map(l => Math.round(l * 10) / 10),
      setup: 'outlayer init + start --config, roles worker,resolver, localnet (500 ms blocks) in the bench process, no requests',
      nodeOptions: flags['node-options'], goalRssMb: GOAL_RSS_MB, startMs, idleSeconds: idleMs / 1000, afterStart, idleRssMb, afterIdle
    }
    await mkdir(join(ROOT, 'bench', 'results'), { recursive: true })
    await writeFile(join(ROOT, 'bench', 'results', 'node-memory.json'), JSON.stringify(result, null, 2) + '\n')
    for (const [when, s] of [['after start', afterStart], [`after ${idleMs / 1000} s idle`, afterIdle]] as const) {
      if (s === afterIdle) process.stdout.write(`idle RSS every ${IDLE_STEP_MS / 1000} s: ${idleRssMb.join(' ')} MB\n`)
      process.stdout.write(`${when}: node RSS ${s.node.before.rssMb} MB (after GC ${String(s.node.afterGc?.rssMb)}), heap used ${s.node.before.heapUsedMb} MB (after GC ${String(s.node.afterGc?.heapUsedMb)}), ${s.node.threads} threads; launcher RSS ${s.launcher.before.rssMb} MB\n`)
    }
  } finally {
    if (node != null && node.exitCode == null) {
      const exited = new Promise(resolve => node!.once('exit', resolve))
      node.kill('SIGTERM')
      await exited
    }
    await net.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

/** `outlayer start` prints one JSON line on stdout once the node runs. */
async function startedLine (child: ChildProcess): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let stdout = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (stdout.split('\n').some(l => l.startsWith('{'))) resolve()
    })
    child.once('exit', code => { reject(new Error(`outlayer start exited ${code}`)) })
  })
}

/** The node bin/outlayer.mjs re-exec'd: the launcher's only child. */
async function childOf (pid: number): Promise<number> {
  const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim().split(/\s+/).filter(s => s !== '')
  if (children.length !== 1) throw new Error(`expected one child of the launcher ${pid}, found ${children.length}`)
  return Number(children[0])
}

/** The node's threads by name and the processes it started (their RSS is the node's too, not in its own). */
async function processView (pid: number): Promise<{ threads: Record<string, number>, children: Array<{ pid: number, command: string, rssMb: number }> }> {
  const threads: Record<string, number> = {}
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    const name = (await readFile(`/proc/${pid}/task/${tid}/comm`, 'utf8')).trim()
    threads[name] = (threads[name] ?? 0) + 1
  }
  const children = []
  for (const child of (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim().split(/\s+/).filter(s => s !== '').map(Number)) {
    const command = (await readFile(`/proc/${child}/cmdline`, 'utf8')).split('\0').join(' ').trim()
    children.push({ pid: child, command, rssMb: await rssMb(child) })
  }
  return { threads, children }
}

async function rssMb (pid: number): Promise<number> {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
  return Math.round(kb / 102.4) / 10
}

/** Asks the probe in `pid` for a sample (SIGUSR2) and reads the file it writes. */
async function probe (probeDir: string, pid: number): Promise<ProbeSample> {
  const file = join(probeDir, `${pid}.json`)
  await rm(file, { force: true })
  process.kill(pid, 'SIGUSR2')
  for (let i = 0; i < 100; i++) {
    try { return JSON.parse(await readFile(file, 'utf8')) as ProbeSample } catch { await new Promise(resolve => setTimeout(resolve, 50)) }
  }
  throw new Error(`no memory sample from ${pid}`)
}

await main()
