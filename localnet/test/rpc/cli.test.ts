/** `outlayer localnet` as a user runs it: prints its URLs and keys file, serves, and stops on SIGINT or SIGTERM. */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { access, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'outlayer.mjs')

interface Running { child: ChildProcess, rpcUrl: string, feedUrl: string, keysFile: string, stop: (signal: NodeJS.Signals) => Promise<number | null> }

/** Starts `outlayer localnet ...args` and reads what it prints. */
async function runLocalnet (args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [bin, 'localnet', '--port', '0', '--block-time-ms', '100', '--accounts', '1', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.setEncoding('utf8')
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (text: string) => { out += text; if (out.includes('keys file:')) resolve() })
    child.once('exit', code => reject(new Error(`exited early with ${code}: ${out}`)))
  })
  const field = (name: string): string => {
    const value = new RegExp(`${name}:\\s+(\\S+)`).exec(out)?.[1]
    assert.ok(value !== undefined, `"${name}:" in ${out}`)
    return value
  }
  const stop = async (signal: NodeJS.Signals): Promise<number | null> => {
    const exit = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
    child.kill(signal)
    return await exit
  }
  return { child, rpcUrl: field('rpc'), feedUrl: field('feed'), keysFile: field('keys file'), stop }
}

async function chainId (rpcUrl: string): Promise<string> {
  const res = await fetch(rpcUrl, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: '1', method: 'status', params: [] }) })
  return ((await res.json()) as { result: { chain_id: string } }).result.chain_id
}

describe('outlayer localnet (CLI)', function () {
  // each run loads binaryen in a fresh process (tens of seconds on a loaded 2-core box); no timing is asserted
  this.timeout(180_000)
  let dataDir: string
  before(async () => { dataDir = await mkdtemp(join(tmpdir(), 'outlayer-localnet-cli-')) })
  after(async () => { await rm(dataDir, { recursive: true, force: true }) })

  it('prints the RPC URL, feed URL and keys file, serves, stops on SIGINT and removes its temp keys dir', async () => {
    const net = await runLocalnet([])
    try {
      await access(net.keysFile)
      assert.equal(await chainId(net.rpcUrl), 'localnet')
      assert.equal((await fetch(net.feedUrl)).status, 200)
      assert.equal(await net.stop('SIGINT'), 0)
      await assert.rejects(access(net.keysFile), 'the temp keys dir is gone after stop')
    } finally {
      if (net.child.exitCode === null) net.child.kill('SIGKILL')
    }
  })

  it('keeps the chain and the keys file in --data-dir and stops on SIGTERM', async () => {
    const net = await runLocalnet(['--data-dir', dataDir])
    try {
      assert.equal(dirname(net.keysFile), dataDir)
      assert.equal(await chainId(net.rpcUrl), 'localnet')
      assert.equal(await net.stop('SIGTERM'), 0)
      await access(net.keysFile)
      assert.ok((await readdir(dataDir)).length > 1, 'the chain is stored beside the keys file')
    } finally {
      if (net.child.exitCode === null) net.child.kill('SIGKILL')
    }
  })

  it('refuses a bad flag with exit code 2', async () => {
    const child = spawn(process.execPath, [bin, 'localnet', '--port', 'abc'], { stdio: 'ignore' })
    assert.equal(await new Promise(resolve => child.once('exit', resolve)), 2)
  })
})
