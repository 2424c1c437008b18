/** `outlayer localnet` as a user runs it: prints its URLs and keys file, serves, and stops on SIGINT. */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { access } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'outlayer.mjs')

describe('outlayer localnet (CLI)', function () {
  // the first chain in a process loads binaryen (tens of seconds on a loaded 2-core box); no timing is asserted
  this.timeout(180_000)
  it('prints the RPC URL, feed URL and keys file, serves, and stops on SIGINT', async () => {
    const child = spawn(process.execPath, [bin, 'localnet', '--port', '0', '--block-time-ms', '100', '--accounts', '1'], { stdio: ['ignore', 'pipe', 'pipe'] })
    try {
      let out = ''
      child.stdout.setEncoding('utf8')
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (text: string) => { out += text; if (out.includes('keys file:')) resolve() })
        child.once('exit', code => reject(new Error(`exited early with ${code}: ${out}`)))
      })
      const rpcUrl = /rpc:\s+(\S+)/.exec(out)?.[1]
      const feedUrl = /feed:\s+(\S+)/.exec(out)?.[1]
      const keysFile = /keys file:\s+(\S+)/.exec(out)?.[1]
      assert.ok(rpcUrl !== undefined && feedUrl !== undefined && keysFile !== undefined, out)
      await access(keysFile)
      const status = await fetch(rpcUrl, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: '1', method: 'status', params: [] }) })
      assert.equal(((await status.json()) as { result: { chain_id: string } }).result.chain_id, 'localnet')
      assert.equal((await fetch(feedUrl)).status, 200)
      const exit = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
      child.kill('SIGINT')
      assert.equal(await exit, 0)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  })

  it('refuses a bad flag with exit code 2', async () => {
    const child = spawn(process.execPath, [bin, 'localnet', '--port', 'abc'], { stdio: 'ignore' })
    assert.equal(await new Promise(resolve => child.once('exit', resolve)), 2)
  })
})
