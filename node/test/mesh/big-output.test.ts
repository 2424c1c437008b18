/**
 * An output far past the 1 KiB yield payload and past what gossip carried before (128 KiB): the workers gossip it
 * whole, the aggregator stores it with submit_execution_output and resolves by reference, and the caller's callback
 * returns it. Localnet, the real contract, 3 in-process nodes over TCP on 127.0.0.1. Each node signs with three
 * access keys (chain.accessKeys): commits and the resolve on function-call keys, the blob's deposit on the account key.
 */
import { strict as assert } from 'node:assert'
import { startLocalMesh, type LocalMesh } from '../../testing/local-mesh.js'

describe('mesh: a big output (170 KB)', function () {
  this.timeout(180_000)
  let mesh: LocalMesh

  before(async () => { mesh = await startLocalMesh({ nodes: 3, blockTimeMs: 200, accessKeys: 3 }) })
  after(async () => { await mesh?.stop() })

  it('is attested through gossip, stored on chain and returned to the caller whole', async () => {
    const random = await mesh.example('random')
    // 10 000 sixteen-digit numbers: about 170 KB of JSON
    const input = JSON.stringify({ count: 10_000, min: 1_000_000_000_000_000, max: 2_000_000_000_000_000 })
    const { requestId, txHash } = await mesh.request({ source: { WasmUrl: random }, input_data: input, replicas: 3, quorum: 2 })
    const view = await mesh.waitClosed(requestId, 120_000)
    assert.equal(view.resolution?.success, true, JSON.stringify({ status: view?.status, resolution: view?.resolution }))
    const output = String(await mesh.result(txHash))
    assert.ok(output.length > 160_000, `output is ${output.length} bytes`)
    const numbers = (JSON.parse(output) as { numbers: number[] }).numbers
    assert.equal(numbers.length, 10_000)
    assert.ok(numbers.every(n => n >= 1e15 && n <= 2e15))
    for (const node of mesh.nodes) assert.equal(node?.client.accessKeys().length, 3, 'every node signs with its three keys')
  })
})
