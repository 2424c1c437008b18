/**
 * NEAR view queries from a guest, end to end (issue 13 §3): localnet, the real contract, 3 in-process nodes whose
 * executors ask the localnet RPC (the node's own RPC) at the request's block height; R=3 attest one result hash.
 */
import { strict as assert } from 'node:assert'
import { sha256Hex } from '../../../protocol/index.js'
import { createExecutor, createNearRpcProvider, defaultCacheDir, type Executor, type NearRpcProvider } from '../../../sandbox/exec/index.js'
import { serve, type TestServer } from '../../../sandbox/test/exec/http-servers.js'
import { nearGuest } from '../../../sandbox/test/exec/near-guest.js'
import { wabtReady } from '../../../sandbox/test/exec/helpers.js'
import { startLocalMesh, type LocalMesh } from '../../testing/local-mesh.js'
import { recordReveals, stopAll } from './helpers.js'

const LIMITS = { max_instructions: 1_000_000_000, max_memory_mb: 128, max_execution_seconds: 60 }

describe('mesh: NEAR view queries at the request height (3 nodes, R=3)', function () {
  this.timeout(300_000)
  let mesh: LocalMesh | undefined
  const executors: Executor[] = []
  const servers: TestServer[] = []
  let reveals: ReturnType<typeof recordReveals>
  let wasm: { url: string, hash: string }
  const heights: number[] = []

  before(async () => {
    await wabtReady
    const guest = nearGuest()
    const wasmServer = await serve((_req, res) => { res.writeHead(200, { 'content-type': 'application/wasm' }).end(guest) })
    servers.push(wasmServer)
    wasm = { url: `${wasmServer.url}/near.wasm`, hash: sha256Hex(guest) }
    // the mesh's localnet is up only after the executors are made: each asks it once it is
    const provider: NearRpcProvider = {
      query: async (query, height) => { heights.push(height); return await createNearRpcProvider(mesh!.net.rpcUrl).query(query, height) }
    }
    for (let i = 0; i < 3; i++) executors.push(createExecutor({ workers: 1, cacheDir: defaultCacheDir(), nearRpc: provider }))
    mesh = await startLocalMesh({ nodes: 3, blockTimeMs: 300, commitWindowBlocks: 75, overrides: i => ({ executor: executors[i]! }) })
    reveals = recordReveals(mesh)
  })
  after(async () => { await stopAll({ mesh, executors, servers }) })

  it('a call_function view on the outlayer contract runs on all three replicas at one height and they agree', async () => {
    const query = { method: 'call_function', account_id: mesh!.contractId, method_name: 'get_config', args_base64: '' }
    const { requestId } = await mesh!.request({
      source: { WasmUrl: wasm }, input_data: JSON.stringify(query), replicas: 3, quorum: 2, response_format: 'Text', resource_limits: LIMITS
    })
    const view = await mesh!.waitClosed(requestId, 240_000)
    assert.equal(view.resolution?.success, true, JSON.stringify({ status: view.status, resolution: view.resolution }))
    const mine = reveals(requestId)
    assert.equal(mine.length, 3, 'all three replicas attested')
    assert.equal(new Set(mine.map(a => a.result_hash)).size, 1, 'one result hash')
    assert.equal(new Set(mine.map(a => a.transcript_hash)).size, 1, 'one transcript hash')
    assert.equal(heights.length, 3, 'one query per replica')
    assert.equal(new Set(heights).size, 1, `one height for every replica: ${JSON.stringify(heights)}`)
  })
})
