import assert from 'node:assert/strict'
import { mkdtemp, rm, stat, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CommanderError } from 'commander'
import { register } from '../../cli/commands/init.js'
import { UsageError } from '../../cli/exit-codes.js'
import { loadConfig } from '../../config.js'
import { decodeP2pKey, generateNearKey, peerIdOfP2pKey, publicKeyOfNearKey } from '../../keys.js'
import { runCli } from './run-cli.js'
import { runInProcess } from './run-in-process.js'

describe('outlayer init', () => {
  let dir: string
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'outlayer-init-')) })
  after(async () => { await rm(dir, { recursive: true, force: true }) })

  it('creates keys and a valid 0600 config.json, and prints the public keys (spawned CLI)', async () => {
    const node = join(dir, 'n1')
    const boot = '/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWDro1L9qpBm72rSU2FgJpUCYX5YZmaYkhKozcuRVZ7V49'
    const r = await runCli(['init', '--dir', node, '--contract-id', 'outlayer.test.near', '--account-id', 'worker1.test.near',
      '--roles', 'worker,builder', '--bootstrap', boot, '--rpc-url', 'http://127.0.0.1:3999', '--http-port', '0', '--json'])
    assert.equal(r.code, 0, r.stderr)
    const summary = JSON.parse(r.stdout) as Record<string, unknown>
    const path = join(node, 'config.json')
    assert.equal(summary.configPath, path)
    assert.equal((await stat(path)).mode & 0o777, 0o600)
    assert.equal((await stat(node)).mode & 0o777, 0o700)

    const cfg = await loadConfig(path)
    assert.equal(cfg.network, 'localnet')
    assert.equal(cfg.dataDir, node)
    assert.deepEqual(cfg.roles, ['worker', 'builder'])
    assert.deepEqual(cfg.p2p.bootstrap, [boot])
    assert.equal(cfg.near.rpcUrl, 'http://127.0.0.1:3999')
    assert.equal(cfg.near.accountId, 'worker1.test.near')
    assert.equal(cfg.http.port, 0)
    assert.equal(decodeP2pKey(cfg.p2p.privateKey).type, 'Ed25519')
    assert.equal(summary.peerId, peerIdOfP2pKey(cfg.p2p.privateKey))
    assert.equal(summary.nearPublicKey, publicKeyOfNearKey(cfg.near.secretKey))
    assert.equal(summary.signingPublicKey, publicKeyOfNearKey(cfg.signingKey))
    assert.notEqual(cfg.signingKey, cfg.near.secretKey, 'the signing key is its own key')
    assert.doesNotMatch(r.stdout + r.stderr, /ed25519:\w{80,}/, 'secret keys are never printed')
  })

  it('refuses to overwrite an existing config without --force (spawned CLI: exit 2), replaces it with --force', async () => {
    const path = join(dir, 'n1', 'config.json')
    const before = await readFile(path, 'utf8')
    const refused = await runCli(['init', '--dir', join(dir, 'n1'), '--contract-id', 'outlayer.test.near'])
    assert.equal(refused.code, 2)
    assert.match(refused.stderr, /already exists.*--force/)
    assert.equal(await readFile(path, 'utf8'), before, 'the old config is untouched')
    const forced = await runInProcess(register, ['init', '--dir', join(dir, 'n1'), '--contract-id', 'outlayer.test.near', '--force'])
    assert.equal(forced.error, undefined)
    assert.notEqual(await readFile(path, 'utf8'), before)
  })

  it('defaults the account to the implicit account of the new key and says what to do next', async () => {
    const r = await runInProcess(register, ['init', '--dir', join(dir, 'n2'), '--contract-id', 'outlayer.test.near'])
    assert.equal(r.error, undefined)
    const cfg = await loadConfig(join(dir, 'n2', 'config.json'))
    assert.match(cfg.near.accountId, /^[0-9a-f]{64}$/)
    assert.match(r.stdout, /register_worker/)
    assert.ok(r.stdout.includes(publicKeyOfNearKey(cfg.signingKey)), 'prints the signing key to register')
    assert.ok(r.stdout.includes(cfg.near.accountId))
    assert.match(r.stdout, /outlayer start --config/)
  })

  it('uses --secret-key as the NEAR account key', async () => {
    const key = generateNearKey()
    const r = await runInProcess(register, ['init', '--dir', join(dir, 'n3'), '--contract-id', 'outlayer.test.near', '--secret-key', key.secretKey, '--json'])
    assert.equal(r.error, undefined)
    const cfg = await loadConfig(join(dir, 'n3', 'config.json'))
    assert.equal(cfg.near.secretKey, key.secretKey)
    assert.equal((JSON.parse(r.stdout) as { nearPublicKey: string }).nearPublicKey, key.publicKey)
  })

  it('sets up a testnet resolver with only the node\'s own account and the network\'s endpoints', async () => {
    const r = await runInProcess(register, ['init', '--dir', join(dir, 'agg'), '--network', 'testnet', '--contract-id', 'outlayer.testnet',
      '--roles', 'worker,resolver'])
    assert.equal(r.error, undefined)
    const cfg = await loadConfig(join(dir, 'agg', 'config.json'))
    assert.deepEqual(cfg.roles, ['worker', 'resolver'])
    assert.equal(cfg.near.operatorSecretKey, undefined)
    assert.equal(cfg.near.networkId, 'testnet')
    assert.equal(cfg.near.rpcUrl, 'https://rpc.testnet.near.org')
    assert.match(r.stdout, /--networkId testnet/)
  })

  it('refuses bad flags with a UsageError naming the flag or field, and writes nothing', async () => {
    const refusals: Array<[string, string[], RegExp]> = [
      ['no contract id', [], /--contract-id is required/],
      ['an unknown role', ['--contract-id', 'c.test.near', '--roles', 'worker,miner'], /unknown role "miner"/],
      ['a bad bootstrap address', ['--contract-id', 'c.test.near', '--bootstrap', 'peer1:4001'], /p2p\.bootstrap\[0\].*not a multiaddr/],
      ['a bad secret key', ['--contract-id', 'c.test.near', '--secret-key', 'ed25519:abc'], /--secret-key/],
      ['a bad account id', ['--contract-id', 'c.test.near', '--account-id', 'Bad Account'], /near\.accountId/],
      ['a bad RPC URL', ['--contract-id', 'c.test.near', '--rpc-url', 'localhost:3030'], /near\.rpcUrl.*http/],
      ['a bad port', ['--contract-id', 'c.test.near', '--http-port', '70000'], /--http-port/]
    ]
    for (const [what, args, message] of refusals) {
      const target = join(dir, `bad-${what.replace(/\W+/g, '-')}`)
      const { error } = await runInProcess(register, ['init', '--dir', target, ...args])
      assert.ok(error instanceof UsageError, `${what}: ${String(error)}`)
      assert.match(error.message, message, what)
      await assert.rejects(stat(target), `${what}: nothing written`)
    }
    const { error } = await runInProcess(register, ['init', '--dir', join(dir, 'x'), '--colour'])
    assert.ok(error instanceof CommanderError && error.code === 'commander.unknownOption', 'an unknown flag is refused')
  })
})
