import assert from 'node:assert/strict'
import { generateKeyPair, publicKeyToString, sha256Hex, signBuildAttestation } from '../../../protocol/index.js'
import type { MeshNode, WasmFetchError } from '../../p2p/index.js'
import type { MeshLibp2p } from '../../p2p/libp2p.js'
import { provideFrom, serveStalls, startAttacker } from './attacker.js'
import { startLine, stopAll, waitFor, waitForTopicMesh } from './helpers.js'

const isFetchError = (code: string) => (err: WasmFetchError) => err.name === 'WasmFetchError' && err.code === code

describe('p2p wasm fetch deadlines against stalling providers (issue 17 §5)', function () {
  this.timeout(120_000)
  const builderKey = generateKeyPair()
  const builder = publicKeyToString(builderKey.publicKey)
  const wasm = new TextEncoder().encode('\0asm honest build')
  const store = new Map([[sha256Hex(wasm), wasm]])
  let nodes: MeshNode[] = []
  const stallers: Array<{ libp2p: MeshLibp2p, opened: () => number }> = []
  const opened = (): number => stallers.reduce((n, s) => n + s.opened(), 0)

  /** n sybils that provide `hash` in the DHT, accept the transfer stream and never answer */
  async function addStallers (n: number, hash: string): Promise<void> {
    for (let i = 0; i < n; i++) {
      const libp2p = await startAttacker([nodes[1]!.multiaddrs()[0]!])
      stallers.push({ libp2p, ...await serveStalls(libp2p) })
      await provideFrom(libp2p, hash)
    }
    // the tests below are about stallers the fetchers know of: make that a checked precondition
    const ids = new Set(stallers.map(s => s.libp2p.peerId.toString()))
    for (const node of nodes.slice(1)) {
      await waitFor(async () => (await node.findWasmProviders(hash, { signal: AbortSignal.timeout(5000) })).filter(p => ids.has(p)).length >= n, `${n} stallers as providers on ${node.peerId}`)
    }
  }

  before(async () => {
    // honest builder (node 0) — hub — fetcher (node 2); the fetcher knows the builder's key is registered
    nodes = await startLine(3, i => ({
      isRegisteredKey: (k: string) => k === builder,
      ...(i === 0 ? { artifactSource: async (hash: string) => store.get(hash) } : {}),
      // one attempt at a time, long enough for the honest builder to answer on a loaded machine
      ...(i === 1 ? { transferLimits: { timeoutMs: 15_000, fetchParallel: 1 } } : {}),
      ...(i === 2 ? { transferLimits: { timeoutMs: 1000, fetchParallel: 3, maxProvidersTried: 8 } } : {})
    }))
    await waitForTopicMesh(nodes, 'builds')
  })
  after(async () => {
    await stopAll(stallers.map(s => s.libp2p))
    await stopAll(nodes)
  })

  it('tries at most maxProvidersTried of 10 stalling providers, each for one attempt timeout, then fails', async () => {
    const hash = sha256Hex('only sybils provide this')
    await addStallers(10, hash)
    const before = opened()
    const err = await nodes[2]!.fetchWasm(hash).then(() => undefined, (e: WasmFetchError) => e)
    assert.ok(err != null && err.name === 'WasmFetchError', String(err))
    const streams = opened() - before
    assert.ok(streams <= 8, `${streams} stalling providers tried, the cap is 8`)
    assert.equal(err.attempts.length, streams, 'every stream opened was one failed attempt')
  })

  it('gives up at the overall deadline however long each attempt may wait', async () => {
    const hash = sha256Hex('only sybils provide this')
    // attempts may wait 30 s each (the default); the whole fetch may take 1.5 s
    await assert.rejects(nodes[1]!.fetchWasm(hash, { deadlineMs: 1500 }), isFetchError('TIMEOUT'))
  })

  it('tries the registered builder\'s peer first: with one attempt at a time, no staller is ever asked', async () => {
    const hash = sha256Hex(wasm)
    await addStallers(4, hash)
    await nodes[0]!.provideWasm(hash)
    const attestation = signBuildAttestation({ repo: 'outlayer/examples', commit: 'ab'.repeat(20), build_target: 'wasm32-wasip1', builder_image: `outlayer-builder:2@sha256:${'c'.repeat(64)}`, wasm_hash: hash, size: wasm.length }, builderKey)
    // the build gossip names the builder's peer; it is signed by the builder's own node key here
    const gossiper = nodes[0]!
    await gossiper.publish('build', { ...attestation, peer_id: gossiper.peerId })
    await waitFor(async () => (nodes[1]!.getStats().gossip.builds.accepted) > 0, 'the build gossip on the fetcher')
    // the candidates name the stallers first and the builder last (as a DHT answer may): the builder goes first
    const candidates = [...stallers.slice(-4).map(st => st.libp2p.peerId.toString()), gossiper.peerId]
    const before = opened()
    const fetched = await nodes[1]!.fetchWasm(hash, { providers: candidates })
    assert.equal(sha256Hex(fetched), hash)
    assert.equal(opened() - before, 0, 'a staller was asked before the registered builder')
  })
})
