/** node/config.ts: what `init` writes and every command loads. */
import assert from 'node:assert/strict'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, defaultConfig, defaultConfigPath, loadConfig, meshInitOf, parseRoleList, saveConfig, validateConfig, type NodeConfig } from '../../config.js'
import { generateNearKey, generateP2pKey } from '../../keys.js'

describe('node config', () => {
  let dir: string
  let valid: NodeConfig
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'outlayer-config-'))
    valid = defaultConfig({
      near: { contractId: 'outlayer.test.near', accountId: 'worker0.test.near', secretKey: generateNearKey().secretKey },
      p2p: { privateKey: await generateP2pKey() },
      signingKey: generateNearKey().secretKey
    })
  })
  after(async () => { await rm(dir, { recursive: true, force: true }) })

  it('fills defaults for everything but keys, account and contract', () => {
    const cfg = defaultConfig({ network: 'testnet', worker: { capacity: 8 } })
    assert.equal(cfg.near.networkId, 'testnet')
    assert.equal(cfg.near.rpcUrl, 'https://rpc.testnet.near.org')
    assert.deepEqual(cfg.p2p.listen, ['/ip4/0.0.0.0/tcp/4001'], 'a fixed port on public networks')
    assert.deepEqual(defaultConfig().p2p.listen, ['/ip4/0.0.0.0/tcp/0'], 'any port on localnet')
    assert.equal(cfg.worker.capacity, 8)
    assert.deepEqual(cfg.worker.allowedSources, ['GitHub', 'WasmUrl', 'Project'])
    assert.equal(cfg.worker.execCacheDir, undefined, 'the prepared-module cache is under the data dir unless a shared one is named')
    assert.equal(validateConfig({ ...valid, worker: { ...valid.worker, execCacheDir: '/srv/outlayer/exec-cache' } }).worker.execCacheDir, '/srv/outlayer/exec-cache')
    assert.deepEqual(cfg.roles, ['worker'])
    assert.equal(cfg.signingKey, '')
    assert.throws(() => validateConfig(cfg), (e: ConfigError) => e.code === 'CONFIG_INVALID' && e.field === 'near.contractId')
  })

  it('round-trips through saveConfig/loadConfig, written 0600, and fills defaults for missing sections', async () => {
    const path = join(dir, 'a', 'config.json')
    await saveConfig(path, valid)
    assert.equal((await stat(path)).mode & 0o777, 0o600)
    assert.deepEqual(await loadConfig(path), valid)
    const { worker: _w, chain: _c, http: _h, ...partial } = valid
    await writeFile(join(dir, 'partial.json'), JSON.stringify(partial))
    const loaded = await loadConfig(join(dir, 'partial.json'))
    assert.deepEqual(loaded.chain, valid.chain)
    assert.deepEqual(loaded.http, valid.http)
  })

  it('saveConfig refuses to replace a config unless asked to', async () => {
    const path = join(dir, 'b.json')
    await saveConfig(path, valid)
    await assert.rejects(saveConfig(path, valid), (e: ConfigError) => e.code === 'CONFIG_EXISTS')
    await saveConfig(path, { ...valid, roles: ['builder'] }, { overwrite: true })
    assert.deepEqual((await loadConfig(path)).roles, ['builder'])
  })

  const broken: Array<[string, (c: NodeConfig) => unknown, string | undefined]> = [
    ['rpc URL', c => ({ ...c, near: { ...c.near, rpcUrl: 'ws://x' } }), 'near.rpcUrl'],
    ['NEAR key', c => ({ ...c, near: { ...c.near, secretKey: 'ed25519:111' } }), 'near.secretKey'],
    ['signing key', c => ({ ...c, signingKey: 'secret' }), 'signingKey'],
    ['libp2p key', c => ({ ...c, p2p: { ...c.p2p, privateKey: 'bm90IGEga2V5' } }), 'p2p.privateKey'],
    ['listen address', c => ({ ...c, p2p: { ...c.p2p, listen: ['0.0.0.0:4001'] } }), 'p2p.listen[0]'],
    ['role', c => ({ ...c, roles: ['worker', 'oracle'] }), 'roles[1]'],
    ['empty roles', c => ({ ...c, roles: [] }), 'roles'],
    ['duplicate roles', c => ({ ...c, roles: ['worker', 'worker'] }), 'roles'],
    ['port', c => ({ ...c, http: { ...c.http, port: -1 } }), 'http.port'],
    ['capacity', c => ({ ...c, worker: { ...c.worker, capacity: 0 } }), 'worker.capacity'],
    ['source kind', c => ({ ...c, worker: { ...c.worker, allowedSources: ['Docker'] } }), 'worker.allowedSources[0]'],
    ['transfer timeout', c => ({ ...c, p2p: { ...c.p2p, transferLimits: { timeoutMs: 0 } } }), 'p2p.transferLimits.timeoutMs'],
    ['transfer parallelism', c => ({ ...c, p2p: { ...c.p2p, transferLimits: { fetchParallel: 1.5 } } }), 'p2p.transferLimits.fetchParallel'],
    ['providers tried', c => ({ ...c, p2p: { ...c.p2p, transferLimits: { maxProvidersTried: '8' } } }), 'p2p.transferLimits.maxProvidersTried'],
    ['transfer size', c => ({ ...c, p2p: { ...c.p2p, transferLimits: { maxBytes: -1 } } }), 'p2p.transferLimits.maxBytes'],
    ['fetch deadline', c => ({ ...c, p2p: { ...c.p2p, transferLimits: { fetchDeadlineMs: 1e12 } } }), 'p2p.transferLimits.fetchDeadlineMs'],
    ['unknown transfer limit', c => ({ ...c, p2p: { ...c.p2p, transferLimits: { timeout: 5000 } } }), 'p2p.transferLimits'],
    ['bytes per window below maxBytes', c => ({ ...c, p2p: { ...c.p2p, transferLimits: { maxBytes: 2 * 1024 * 1024, bytesPerWindow: 1024 * 1024 } } }), 'p2p.transferLimits.bytesPerWindow'],
    ['ban time', c => ({ ...c, p2p: { ...c.p2p, banMs: 0 } }), 'p2p.banMs'],
    ['access keys', c => ({ ...c, chain: { ...c.chain, accessKeys: 33 } }), 'chain.accessKeys'],
    ['unknown field', c => ({ ...c, colour: 'blue' }), undefined],
    ['unknown nested field', c => ({ ...c, chain: { ...c.chain, poll: 5 } }), 'chain']
  ]
  it('refuses each broken field with a ConfigError naming it', () => {
    for (const [what, breakIt, field] of broken) {
      assert.throws(() => validateConfig(breakIt(valid), 'node.json'), (e: unknown) => {
        assert.ok(e instanceof ConfigError, what)
        assert.equal(e.code, 'CONFIG_INVALID', what)
        assert.equal(e.field, field, what)
        assert.match(e.message, /^node\.json: /, what)
        if (field != null) assert.ok(e.message.includes(field), `${what}: message names ${field}: ${e.message}`)
        return true
      }, what)
    }
  })

  it('takes the p2p transfer limits and ban time, each field optional, through save and load', async () => {
    const p2p = { ...valid.p2p, transferLimits: { timeoutMs: 5_000, fetchParallel: 2, maxProvidersTried: 4, maxBytes: 8 * 1024 * 1024, fetchDeadlineMs: 20_000 }, banMs: 60_000 }
    const path = join(dir, 'limits.json')
    await saveConfig(path, { ...valid, p2p })
    const loaded = await loadConfig(path)
    assert.deepEqual(loaded.p2p, p2p)
    assert.deepEqual(meshInitOf(loaded), { network: 'localnet', listen: p2p.listen, bootstrap: p2p.bootstrap, transferLimits: p2p.transferLimits, banMs: 60_000 }, 'what node.ts hands createMeshNode')
    assert.equal(validateConfig(valid).p2p.transferLimits, undefined, 'absent: the p2p defaults apply')
    assert.deepEqual(Object.keys(meshInitOf(valid)), ['network', 'listen', 'bootstrap'], 'absent fields stay absent, so the mesh node\'s defaults apply')
  })

  it('loadConfig reports a missing file and bad JSON with their own codes', async () => {
    await assert.rejects(loadConfig(join(dir, 'nope.json')), (e: ConfigError) => e.code === 'CONFIG_NOT_FOUND' && /outlayer init/.test(e.message))
    await writeFile(join(dir, 'bad.json'), '{ "network": ')
    await assert.rejects(loadConfig(join(dir, 'bad.json')), (e: ConfigError) => e.code === 'CONFIG_NOT_JSON')
    await writeFile(join(dir, 'array.json'), '[]')
    await assert.rejects(loadConfig(join(dir, 'array.json')), (e: ConfigError) => e.code === 'CONFIG_INVALID')
  })

  it('parses a role list as the CLI takes it', () => {
    assert.deepEqual(parseRoleList(' worker, resolver,worker '), ['worker', 'resolver'])
    assert.throws(() => parseRoleList('worker,miner'), (e: ConfigError) => e.field === 'roles' && /unknown role "miner"/.test(e.message))
    assert.throws(() => parseRoleList(' , '), (e: ConfigError) => e.field === 'roles')
  })

  it('accepts the deprecated role "aggregator" as "resolver", with a warning, in a config file and a role list', async () => {
    const warnings: string[] = []
    const warn = (message: string): void => { warnings.push(message) }
    const path = join(dir, 'old.json')
    // an existing config from before the rename, operator fields and all
    const { roles: _r, ...rest } = valid
    await writeFile(path, JSON.stringify({ ...rest, roles: ['worker', 'aggregator'], near: { ...valid.near, operatorAccountId: 'outlayer.test.near', operatorSecretKey: generateNearKey().secretKey } }))
    assert.deepEqual((await loadConfig(path, warn)).roles, ['worker', 'resolver'])
    assert.deepEqual(parseRoleList('aggregator', warn), ['resolver'])
    assert.equal(warnings.length, 2)
    assert.ok(warnings.every(w => /role "aggregator" is deprecated, use "resolver"/.test(w)), warnings.join('; '))
    assert.throws(() => validateConfig({ ...valid, roles: ['resolver', 'aggregator'] }, 'x', warn), (e: ConfigError) => e.field === 'roles' && /twice/.test(e.message))
  })

  it('the resolver role needs no operator key: only the node\'s own account', () => {
    const warnings: string[] = []
    assert.deepEqual(validateConfig({ ...valid, roles: ['resolver'] }, 'x', m => { warnings.push(m) }).roles, ['resolver'])
    assert.deepEqual(warnings, [])
  })

  it('the default location honours OUTLAYER_HOME', () => {
    assert.equal(defaultConfigPath({ OUTLAYER_HOME: '/srv/node1' }), '/srv/node1/config.json')
    assert.match(defaultConfigPath({}), /\.outlayer\/config\.json$/)
  })
})
