/** `outlayer request`: the source forms, and bad input refused with exit 2 before any network traffic. */
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { parseSource } from '../../cli/commands/request.js'
import { UsageError } from '../../cli/exit-codes.js'
import { generateNearKey } from '../../keys.js'
import { runCli } from './run-cli.js'

const HASH = 'ab'.repeat(32)
const PAYER_KEY = generateNearKey().secretKey

describe('outlayer request: input', () => {
  it('parses every source form OutLayer callers use', () => {
    assert.deepEqual(parseSource('near-examples/random@0a1b2c3'), { GitHub: { repo: 'https://github.com/near-examples/random', commit: '0a1b2c3', build_target: 'wasm32-wasip1' } })
    assert.deepEqual(parseSource('https://gitlab.com/o/r.git@v1.2.0'), { GitHub: { repo: 'https://gitlab.com/o/r', commit: 'v1.2.0', build_target: 'wasm32-wasip1' } })
    assert.deepEqual(parseSource(`https://example.org/app.wasm#${HASH.toUpperCase()}`), { WasmUrl: { url: 'https://example.org/app.wasm', hash: HASH, build_target: 'wasm32-wasip1' } })
    assert.deepEqual(parseSource('project:alice.near/random'), { Project: { project_id: 'alice.near/random' } })
    assert.deepEqual(parseSource('project:alice.near/random@v2'), { Project: { project_id: 'alice.near/random', version_key: 'v2' } })
  })

  it('refuses malformed sources with a UsageError that says what is expected', () => {
    for (const bad of ['just-a-name', 'owner/repo', '@abc', 'https://example.org/app.wasm#1234', 'project:', 'o/r@bad commit']) {
      assert.throws(() => parseSource(bad), (e: unknown) => e instanceof UsageError, bad)
    }
    assert.throws(() => parseSource('owner/repo'), /owner\/repo@commit/)
  })

  it('refuses bad flags with exit 2 and a message naming the problem', async () => {
    const base = ['request', '--contract-id', 'outlayer.test.near', '--account-id', 'user0.test.near',
      '--secret-key', PAYER_KEY,
      '--rpc-url', 'http://127.0.0.1:9']
    const cases: Array<[string, string[], RegExp]> = [
      ['a bad source', ['--source', 'nonsense'], /--source/],
      ['a quorum too small', ['--source', 'o/r@c', '--replicas', '3', '--quorum', '1'], /quorum must be > replicas\/2/],
      ['too many replicas', ['--source', 'o/r@c', '--replicas', '9'], /replicas/],
      ['a quorum alone', ['--source', 'o/r@c', '--quorum', '2'], /--quorum needs --replicas/],
      ['input that is not JSON', ['--source', 'o/r@c', '--input', '{oops'], /--input is not valid JSON/],
      ['limits over the caps', ['--source', 'o/r@c', '--max-seconds', '999'], /max_execution_seconds/],
      ['a bad deposit', ['--source', 'o/r@c', '--deposit', 'lots'], /--deposit/],
      ['a bad response format', ['--source', 'o/r@c', '--response-format', 'Xml'], /--response-format/],
      ['a bad contract id', ['--source', 'o/r@c', '--contract-id', 'Not Valid'], /--contract-id/]
    ]
    const results = await Promise.all(cases.map(async ([, args]) => await runCli([...base, ...args])))
    for (const [i, [what, , message]] of cases.entries()) {
      assert.equal(results[i]!.code, 2, `${what}: ${results[i]!.stderr}`)
      assert.match(results[i]!.stderr, message, what)
    }
  })

  it('refuses a request without a payer, and one without --source or --contract-id (exit 2)', async () => {
    const [noPayer, noSource, noContract, missingKeys] = await Promise.all([
      runCli(['request', '--source', 'o/r@c', '--contract-id', 'outlayer.test.near']),
      runCli(['request', '--contract-id', 'outlayer.test.near']),
      runCli(['request', '--source', 'o/r@c']),
      runCli(['request', '--source', 'o/r@c', '--contract-id', 'outlayer.test.near', '--keys-file', '/nonexistent/keys.json'])
    ])
    assert.equal(noPayer.code, 2, noPayer.stderr)
    assert.match(noPayer.stderr, /who pays/)
    assert.equal(noSource.code, 2)
    assert.match(noSource.stderr, /--source/)
    assert.equal(noContract.code, 2)
    assert.match(noContract.stderr, /--contract-id/)
    assert.equal(missingKeys.code, 2)
    assert.match(missingKeys.stderr, /--keys-file/)
  })

  it('an unreachable RPC is a local failure (exit 1) that names the URL, not a hang', async () => {
    const closed = createServer()
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve))
    const rpcUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`
    await new Promise(resolve => closed.close(resolve))
    const r = await runCli(['request', '--source', 'o/r@c', '--contract-id', 'outlayer.test.near', '--account-id', 'user0.test.near',
      '--secret-key', PAYER_KEY, '--rpc-url', rpcUrl, '--deposit', '1'])
    assert.equal(r.code, 1, r.stderr)
    assert.ok(r.stderr.includes(`cannot reach the NEAR RPC at ${rpcUrl}`), r.stderr)
  })
})
