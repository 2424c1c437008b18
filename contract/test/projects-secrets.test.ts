/** Projects resolve a Project source to a concrete one; secrets are validated, stored at the caller's cost and refunded. */
import assert from 'node:assert/strict'
import { validateExecutionRequest } from '../../protocol/index.js'
import { NEAR, call, checkInvariant, events, ok, quorumResolve, refused, request, startWorld, type World } from './world.js'

const LIMITS = { max_instructions: 1_000_000, max_memory_mb: 16, max_execution_seconds: 2 }
const STORAGE_PRICE = 10n ** 19n
const V1 = { WasmUrl: { url: 'https://example.com/v1.wasm', hash: '11'.repeat(32), build_target: 'wasm32-wasip1' } }
const V2 = { GitHub: { repo: 'https://github.com/near/outlayer-examples', commit: 'a1b2c3d', build_target: 'wasm32-wasip1' } }

describe('contract projects and secrets', function () {
  this.timeout(120_000)
  let w: World
  before(async () => { w = await startWorld({ workers: 1 }) })
  afterEach(async () => { await checkInvariant(w) })
  after(async () => { await w?.stop() })

  async function storageUsage (): Promise<bigint> {
    return BigInt((await w.provider.viewAccount({ accountId: w.contractId })).storage_usage)
  }

  it('creates a project, charges its storage exactly, adds and activates versions', async () => {
    const owner = w.users[0]!
    const projectId = `${owner.accountId}/oracle`
    const before = await storageUsage()
    const created = await call(w, owner, 'create_project', { name: 'oracle', source: V1 }, NEAR / 10n)
    const cost = events(created.logs, 'project_created')[0]!.storage_cost as string
    assert.equal(BigInt(cost), (await storageUsage() - before) * STORAGE_PRICE)
    assert.deepEqual(created.value, { project_id: projectId, version_key: '11'.repeat(32) })
    await refused(call(w, owner, 'create_project', { name: 'oracle', source: V1 }, NEAR / 10n), 'already exists')
    await refused(call(w, owner, 'create_project', { name: 'bad name!', source: V1 }, NEAR / 10n), 'may only hold')
    await refused(call(w, owner, 'create_project', { name: 'cheap', source: V1 }, 1n), 'does not cover storage')

    await call(w, owner, 'add_version', { name: 'oracle', source: V2, set_active: false }, NEAR / 10n)
    assert.equal((await w.view<{ active_version: string }>('get_project', { project_id: projectId })).active_version, '11'.repeat(32))
    await call(w, owner, 'set_active_version', { name: 'oracle', version_key: 'a1b2c3d' })
    assert.equal((await w.view<{ active_version: string }>('get_project', { project_id: projectId })).active_version, 'a1b2c3d')
    const versions = await w.view<Array<{ version_key: string }>>('list_versions', { project_id: projectId })
    assert.deepEqual(versions.map(v => v.version_key), ['11'.repeat(32), 'a1b2c3d'])
    await refused(call(w, w.users[1]!, 'set_active_version', { name: 'oracle', version_key: '11'.repeat(32) }), 'does not exist')
  })

  it('runs a Project source as its active (or named) version', async () => {
    const owner = w.users[0]!
    const projectId = `${owner.accountId}/oracle`
    const r = await request(w, w.users[1]!, { source: { Project: { project_id: projectId } }, resource_limits: LIMITS }, NEAR)
    const view = await w.view<Record<string, unknown>>('get_request', { request_id: r.requestId })
    assert.deepEqual(view.source, V2)
    assert.equal(view.project_id, projectId)
    assert.ok(validateExecutionRequest(view).ok)
    const named = await request(w, w.users[1]!, { source: { Project: { project_id: projectId, version_key: '11'.repeat(32) } }, resource_limits: LIMITS }, NEAR)
    assert.deepEqual((await w.view<Record<string, unknown>>('get_request', { request_id: named.requestId })).source, V1)
    await refused(call(w, w.users[1]!, 'request_execution', { source: { Project: { project_id: `${owner.accountId}/none` } }, resource_limits: LIMITS }, NEAR), 'does not exist')
    // a GitHub version is built: any code hash the quorum agrees on; a WasmUrl version pins its hash
    assert.equal((await quorumResolve(w, r, { ...ok('ok'), codeHash: 'cd'.repeat(32) })).done.value, 'ok')
    assert.equal((await quorumResolve(w, named, { ...ok('ok'), codeHash: V1.WasmUrl.hash })).done.value, 'ok')
  })

  it('stores secrets with nested access conditions, charges storage, refunds it on delete', async () => {
    const owner = w.users[1]!
    const accessor = { Repo: { repo: 'github.com/near/app', branch: 'main' } }
    const access = {
      Logic: {
        operator: 'And',
        conditions: [
          { Whitelist: { accounts: [w.users[0]!.accountId] } },
          { Not: { condition: { NearBalance: { operator: 'Lt', value: '1000' } } } },
          { Logic: { operator: 'Or', conditions: ['AllowAll', { DaoMember: { dao: 'dao.test.near', role: 'council' } }, { FtBalance: { contract: 'usdc.test.near', operator: 'Gte', value: '5' } }, { NftOwned: { contract: 'nft.test.near' } }, { AccountPattern: { pattern: '.*\\.test\\.near' } }] } }
        ]
      }
    }
    const secrets = Buffer.from('ciphertext bytes').toString('base64')
    const before = await storageUsage()
    const stored = await call(w, owner, 'store_secrets', { accessor, profile: 'default', encrypted_secrets_base64: secrets, access }, NEAR / 10n)
    const cost = BigInt(events(stored.logs, 'secrets_stored')[0]!.storage_cost as string)
    assert.equal(cost, (await storageUsage() - before) * STORAGE_PRICE)
    const record = await w.view<Record<string, unknown>>('get_secrets', { accessor, profile: 'default', owner: owner.accountId })
    assert.deepEqual(record.access, access)
    assert.equal(record.encrypted_secrets_base64, secrets)
    assert.equal(BigInt(record.storage_deposit as string), cost)

    const bad = async (a: unknown, text: string): Promise<void> => await refused(call(w, owner, 'store_secrets', { accessor, profile: 'p2', encrypted_secrets_base64: secrets, access: a }, NEAR / 10n), text)
    await bad({ NearBalance: { operator: 'About', value: '1' } }, 'operator must be')
    await bad({ Whitelist: { accounts: ['NOT VALID'] } }, 'not a valid account id')
    await bad({ Logic: { operator: 'Xor', conditions: ['AllowAll'] } }, 'And or Or')
    await bad({ Teleport: {} }, 'unknown condition')
    let deep: unknown = 'AllowAll'
    for (let i = 0; i < 10; i++) deep = { Not: { condition: deep } }
    await bad(deep, 'nest deeper')
    await refused(call(w, owner, 'store_secrets', { accessor: { WasmHash: { hash: 'nothex' } }, profile: 'p', encrypted_secrets_base64: secrets, access: 'AllowAll' }, NEAR / 10n), 'hash must be')

    const deleted = await call(w, owner, 'delete_secrets', { accessor, profile: 'default' })
    assert.equal(events(deleted.logs, 'secrets_deleted')[0]!.refunded, cost.toString())
    assert.equal(await w.view('get_secrets', { accessor, profile: 'default', owner: owner.accountId }), null)
    await refused(call(w, owner, 'delete_secrets', { accessor, profile: 'default' }), 'no secrets stored')
  })
})
