/** `outlayer request`: the source forms, and bad input refused with exit 2 before any network traffic. */
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { CommanderError } from 'commander'
import { parseSource, register } from '../../cli/commands/request.js'
import { UsageError } from '../../cli/exit-codes.js'
import { generateNearKey } from '../../keys.js'
import { runCli } from './run-cli.js'
import { runInProcess } from './run-in-process.js'

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

  it('refuses bad flags with a UsageError naming the problem, before any network traffic', async () => {
    const base = ['request', '--contract-id', 'outlayer.test.near', '--account-id', 'user0.test.near', '--secret-key', PAYER_KEY, '--rpc-url', 'http://127.0.0.1:1']
    const cases: Array<[string, string[], RegExp]> = [
      ['a bad source', ['--source', 'nonsense'], /--source/],
      ['a quorum too small', ['--source', 'o/r@c', '--replicas', '3', '--quorum', '1'], /quorum must be > replicas\/2/],
      ['too many replicas', ['--source', 'o/r@c', '--replicas', '9'], /replicas/],
      ['a quorum alone', ['--source', 'o/r@c', '--quorum', '2'], /--quorum needs --replicas/],
      ['input that is not JSON', ['--source', 'o/r@c', '--input', '{oops'], /--input is not valid JSON/],
      ['two inputs', ['--source', 'o/r@c', '--input', '1', '--input-file', '/etc/hostname'], /either --input or --input-file/],
      ['a missing input file', ['--source', 'o/r@c', '--input-file', '/nonexistent/input'], /--input-file/],
      ['limits over the caps', ['--source', 'o/r@c', '--max-seconds', '999'], /max_execution_seconds/],
      ['a bad deposit', ['--source', 'o/r@c', '--deposit', 'lots'], /--deposit/],
      ['a bad response format', ['--source', 'o/r@c', '--response-format', 'Xml'], /--response-format/],
      ['a bad contract id', ['--source', 'o/r@c', '--contract-id', 'Not Valid'], /--contract-id/],
      ['a bad timeout', ['--source', 'o/r@c', '--timeout-s', '0'], /--timeout-s/],
      ['per_field without --fields', ['--source', 'o/r@c', '--replicas', '3', '--aggregation', 'per_field'], /fields is given with, and only with, aggregation per_field/],
      ['--fields that is not JSON', ['--source', 'o/r@c', '--replicas', '3', '--aggregation', 'per_field', '--fields', '{temp'], /--fields must be JSON/],
      ['a field name the contract refuses', ['--source', 'o/r@c', '--replicas', '3', '--aggregation', 'per_field', '--fields', '{"a.b":"mode"}'], /a field name must be 1..32 characters/],
      ['a median field without 2Q−1', ['--source', 'o/r@c', '--replicas', '4', '--quorum', '3', '--aggregation', 'per_field', '--fields', '{"t":"median"}'], /median needs replicas ≥ 2·quorum − 1/],
      ['a key and a keys file', ['--source', 'o/r@c', '--keys-file', '/nonexistent'], /either --secret-key or --keys-file/]
    ]
    for (const [what, args, message] of cases) {
      const { error } = await runInProcess(register, [...base, ...args])
      assert.ok(error instanceof UsageError, `${what}: ${String(error)}`)
      assert.match(error.message, message, what)
    }
  })

  it('refuses a request without a payer (spawned CLI: exit 2), or without --source / --contract-id', async () => {
    const noPayer = await runCli(['request', '--source', 'o/r@c', '--contract-id', 'outlayer.test.near'])
    assert.equal(noPayer.code, 2, noPayer.stderr)
    assert.match(noPayer.stderr, /who pays/)
    const noSource = await runInProcess(register, ['request', '--contract-id', 'outlayer.test.near'])
    assert.ok(noSource.error instanceof CommanderError && /--source/.test(noSource.error.message), String(noSource.error))
    const noContract = await runInProcess(register, ['request', '--source', 'o/r@c'])
    assert.ok(noContract.error instanceof CommanderError && /--contract-id/.test(noContract.error.message), String(noContract.error))
    const missingKeys = await runInProcess(register, ['request', '--source', 'o/r@c', '--contract-id', 'outlayer.test.near', '--keys-file', '/nonexistent/keys.json'])
    assert.ok(missingKeys.error instanceof UsageError && /--keys-file/.test(missingKeys.error.message), String(missingKeys.error))
  })

  it('an unreachable RPC is a local failure (spawned CLI: exit 1) that names the URL, not a hang', async () => {
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
