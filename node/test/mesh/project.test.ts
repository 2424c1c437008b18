/**
 * Project sources and compile-only requests end to end: localnet, the real contract, 3 in-process nodes over TCP on
 * 127.0.0.1, real wasm served over HTTP (startLocalMesh).
 */
import { strict as assert } from 'node:assert'
import { stat } from 'node:fs/promises'
import { Account, KeyPair, KeyPairSigner, type KeyPairString } from 'near-api-js'
import { validateExecutionRequest } from '../../../protocol/index.js'
import { createBlockFeed, findRequestId } from '../../chain/index.js'
import { WorkerError, resolveProject } from '../../roles/worker/index.js'
import { ensureExamples } from '../../../scripts/build-examples.js'
import { startLocalMesh, type LocalMesh } from '../../testing/local-mesh.js'
import { waitFor } from './helpers.js'

const NEAR = 10n ** 24n
const TGAS = 10n ** 12n
const LIMITS = { max_instructions: 1_000_000_000, max_memory_mb: 128, max_execution_seconds: 10 }

describe('mesh: Project sources and compile_only', function () {
  this.timeout(180_000)
  let mesh: LocalMesh
  let owner: Account
  let projectId: string
  let random: { url: string, hash: string }
  let echo: { url: string, hash: string }

  before(async () => {
    // no periodic reconciliation: a request reaches a worker only through the feed, gossip or the test's consider()
    mesh = await startLocalMesh({ nodes: 3, blockTimeMs: 200, commitWindowBlocks: 30, reconcileEveryBlocks: 1_000_000 })
    random = await mesh.example('random')
    echo = await mesh.example('echo')
    owner = new Account(mesh.user.accountId, mesh.user.client.provider, new KeyPairSigner(KeyPair.fromString(mesh.user.secretKey as KeyPairString)))
    const created = await owner.callFunction<{ project_id: string }>({
      contractId: mesh.contractId, methodName: 'create_project', args: { name: 'dice', source: { WasmUrl: random } }, deposit: NEAR, gas: 100n * TGAS
    })
    projectId = created.project_id
    // a second version, not active: only a request naming its key gets it
    await owner.callFunction({
      contractId: mesh.contractId, methodName: 'add_version', args: { name: 'dice', source: { WasmUrl: echo }, set_active: false }, deposit: NEAR, gas: 100n * TGAS
    })
  })

  after(async () => { await mesh?.stop() })

  it('answers a request whose Project source resolves to the active WasmUrl version', async () => {
    const input = JSON.stringify({ count: 3, min: 1, max: 6 })
    const { requestId, txHash } = await mesh.request({ source: { Project: { project_id: projectId } }, input_data: input, replicas: 3, quorum: 2 })
    const view = await mesh.waitClosed(requestId)
    assert.equal(view.resolution?.success, true, JSON.stringify({ status: view?.status, resolution: view?.resolution }))
    const result = JSON.parse(String(await mesh.result(txHash))) as { numbers?: number[] }
    assert.equal(result.numbers?.length, 3, JSON.stringify(result))
  })

  it('answers a request naming a non-active version by its key', async () => {
    const { requestId, txHash } = await mesh.request({ source: { Project: { project_id: projectId, version_key: echo.hash } }, input_data: JSON.stringify({ message: 'hello project' }), replicas: 2, quorum: 2 })
    const view = await mesh.waitClosed(requestId)
    assert.equal(view.resolution?.success, true, JSON.stringify({ status: view?.status, resolution: view?.resolution }))
    assert.equal(JSON.parse(String(await mesh.result(txHash))).echo, 'hello project')
  })

  it('resolves a Project source through the contract views the way a worker does', async () => {
    const client = mesh.user.client
    assert.deepEqual((await resolveProject(client, { project_id: projectId })).source, { WasmUrl: random })
    assert.deepEqual(await resolveProject(client, { project_id: projectId, version_key: echo.hash }), { source: { WasmUrl: echo }, versionKey: echo.hash })
    for (const ref of [{ project_id: 'nobody.test.near/none' }, { project_id: projectId, version_key: 'f'.repeat(64) }]) {
      await assert.rejects(resolveProject(client, ref), (err: unknown) => err instanceof WorkerError && err.code === 'PROJECT_UNKNOWN')
    }
  })

  it('runs a request that still carries the Project form (OutLayer\'s event shape) through the worker\'s own resolution', async () => {
    const workers = mesh.nodes.map(n => n!.worker!)
    // the workers are away while the request is made, so the concrete form the contract emits reaches none of them
    await Promise.all(workers.map(async w => { await w.stop() }))
    const { requestId, txHash } = await mesh.request({ source: { Project: { project_id: projectId, version_key: echo.hash } }, input_data: JSON.stringify({ message: 'via project' }), replicas: 2, quorum: 2 })
    const parsed = await mesh.user.client.getRequest(requestId)
    assert.ok(parsed != null, 'get_request gives a valid request')
    const resolved: string[] = []
    for (const w of workers) w.on('project:resolved', e => { if (e.requestId === requestId) resolved.push(e.versionKey) })
    const raw = { ...(parsed.raw as Record<string, unknown>), source: { Project: { project_id: projectId, version_key: echo.hash } } }
    const checked = validateExecutionRequest(raw)
    assert.ok(checked.ok, checked.ok ? '' : checked.error.message)
    for (const w of workers) {
      await w.start()
      await w.consider({ request: checked.value, raw, height: mesh.net.height(), origin: 'gossip' })
    }
    const view = await mesh.waitClosed(requestId)
    assert.equal(view.resolution?.success, true, JSON.stringify({ status: view?.status, resolution: view?.resolution }))
    assert.equal(JSON.parse(String(await mesh.result(txHash))).echo, 'via project')
    assert.ok(resolved.length >= 2 && resolved.every(k => k === echo.hash), `Q workers resolved the project themselves: ${JSON.stringify(resolved)}`)
  })

  it('skips a request naming an unknown project with a log line and a metric, and keeps working', async () => {
    const node = mesh.nodes[1]!
    const skippedBefore = await skipped(node.metrics)
    // the OutLayer shape: the event keeps the Project form (our contract resolves it before emitting)
    const raw = { ...pendingShape(), request_id: 9_000_000, source: { Project: { project_id: 'nobody.test.near/ghost' } } }
    const checked = validateExecutionRequest(raw)
    assert.ok(checked.ok, checked.ok ? '' : checked.error.message)
    const request = checked.value
    const failed = new Promise<{ code: string, message: string }>(resolve => {
      node.worker!.on('job:failed', e => { if (e.requestId === '9000000') resolve(e) })
    })
    await node.worker!.consider({ request, raw, height: mesh.net.height(), origin: 'gossip' })
    const e = await failed
    assert.equal(e.code, 'PROJECT_UNKNOWN')
    assert.match(e.message, /nobody\.test\.near\/ghost does not exist/)
    await waitFor(async () => (await skipped(node.metrics)) > skippedBefore, 'the skipped-jobs metric')
    assert.equal((await node.worker!.job('9000000'))?.state, 'skipped')
  })

  it('answers a compile_only request with the wasm hash and size, without running it', async () => {
    const feed = createBlockFeed(mesh.net.feedUrl)
    const fromHeight = await feed.finalHeight()
    const args = {
      source: { WasmUrl: random },
      resource_limits: LIMITS,
      response_format: 'Json',
      params: { compile_only: true },
      redundancy: { replicas: 3, quorum: 2, aggregation: 'identical' }
    }
    const { txHash } = await mesh.user.client.requestExecution(args, await mesh.user.client.estimateDeposit(args))
    const requestId = await findRequestId({ feed, contractId: mesh.contractId, txHash, fromHeight, timeoutMs: 60_000 })
    const view = await mesh.waitClosed(requestId)
    const resolution = view.resolution
    assert.equal(resolution?.success, true, JSON.stringify({ status: view?.status, resolution: view?.resolution }))
    const workers = (await mesh.user.client.waitOutcome(txHash, { timeoutMs: 60_000 }))?.workers ?? []
    assert.ok(workers.length >= 2, `Q=2 workers agreed: ${workers.join(', ')}`)
    const size = (await stat((await ensureExamples()).random!)).size
    assert.deepEqual(await mesh.result(txHash), { wasm_hash: random.hash, size })
  })

  /** a valid request body to vary: the fields a worker reads before it resolves the source */
  /** the JSON of a request as the contract emits it: the fields a worker reads before it resolves the source */
  function pendingShape (): Record<string, unknown> {
    return {
      request_id: 0,
      data_id: '00'.repeat(32),
      sender_id: mesh.user.accountId,
      predecessor_id: mesh.user.accountId,
      payer_account_id: mesh.user.accountId,
      source: { WasmUrl: random },
      resource_limits: LIMITS,
      response_format: 'Text',
      // every node a primary: each worker runs it at once
      redundancy: { replicas: 3, quorum: 2, aggregation: 'identical' },
      assigned: mesh.configs.map(c => c.near.accountId),
      block_height: mesh.net.height(),
      timestamp_ns: '0',
      seed: '11'.repeat(32)
    }
  }
})

async function skipped (metrics: { jobs: { get: () => Promise<{ values: Array<{ value: number, labels: Record<string, unknown> }> }> } }): Promise<number> {
  return (await metrics.jobs.get()).values.find(v => v.labels.status === 'skipped')?.value ?? 0
}
