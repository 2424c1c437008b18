/**
 * node/artifacts: the builder trust rule (k of n distinct builders), the pinned-URL fetch (hash, size cap), the
 * store as cache, and the builder's single flight with its announce.
 */
import { strict as assert } from 'node:assert'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair, publicKeyToString, sha256Hex, signBuildAttestation, toBytes, type BuildAttestation, type KeyPair } from '../../../protocol/index.js'
import { builderBuildKey, createArtifactStore, type ArtifactStore } from '../../../sandbox/builder/index.js'
import { ArtifactError, ArtifactResolver, DEFAULT_ARTIFACT_OPTIONS, type ArtifactNetwork, type LocalBuild } from '../../artifacts/index.js'
import { builder, type GitBuild } from '../../roles/builder/index.js'
import { serve, silent } from '../roles/fixtures.js'

const GIT = { repo: 'https://github.com/o/r', commit: 'abc123', build_target: 'wasm32-wasip1' }
/** the builder image's content id: build keys never name the bare tag */
const IMAGE = `outlayer-builder:2@sha256:${'ab'.repeat(32)}`
const builderImage = async (): Promise<string> => IMAGE
const KEY = builderBuildKey(GIT, IMAGE)

function attestation (wasm: Uint8Array, key = generateKeyPair()): BuildAttestation {
  return signBuildAttestation({ ...GIT, builder_image: IMAGE, wasm_hash: sha256Hex(wasm), size: wasm.length }, key)
}

describe('node/artifacts', function () {
  this.timeout(30_000)
  let dir: string
  let store: ArtifactStore
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'outlayer-artifacts-'))
    store = createArtifactStore(join(dir, 'artifacts'), { maxBytes: 1024 * 1024 })
  })
  afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

  describe('builder trust (k of n)', () => {
    const a = toBytes('wasm A')
    const b = toBytes('wasm B')

    /** registered builders' keys: only their attestations count (node/p2p trustedWasmHash) */
    const keys: KeyPair[] = [generateKeyPair(), generateKeyPair(), generateKeyPair()]
    const registered = new Set(keys.map(k => publicKeyToString(k.publicKey)))
    const isRegisteredKey = (k: string): boolean => registered.has(k)
    const records = (attestations: BuildAttestation[]): ArtifactNetwork => ({
      findBuildRecords: async (key) => { assert.equal(key, KEY, 'looked up under the content-id build key'); return attestations },
      fetchWasm: async (hash) => { if (hash === sha256Hex(a)) return a; throw new Error('no provider') }
    })

    it('counts registered builders only: any number of sybil attestations is no quorum', async () => {
      const sybils = Array.from({ length: 5 }, () => attestation(b))
      const resolver = new ArtifactResolver({ store, network: records(sybils), builderImage, isRegisteredKey, logger: silent })
      await assert.rejects(resolver.resolve({ GitHub: GIT }), (e: ArtifactError) => e.code === 'WASM_UNAVAILABLE' && /NO_QUORUM/.test(e.message))
      assert.equal(await store.get(sha256Hex(b)), undefined, 'nothing stored')
    })

    it('a disagreement between registered builders: a worker refuses, a builder rebuilds', async () => {
      const split = [attestation(a, keys[0]), attestation(b, keys[1])]
      const worker = new ArtifactResolver({ store, network: records(split), builderImage, isRegisteredKey, logger: silent })
      await assert.rejects(worker.resolve({ GitHub: GIT }), (e: ArtifactError) => e.code === 'WASM_UNAVAILABLE' && /DISAGREEMENT/.test(e.message))
      let builds = 0
      const build: LocalBuild = async () => { builds++; await store.put(a); return { wasm_hash: sha256Hex(a), compile_ms: 1 } }
      const builder = new ArtifactResolver({ store, network: records(split), builderImage, isRegisteredKey, build, logger: silent })
      const got = await builder.resolve({ GitHub: GIT })
      assert.deepEqual([got.from, got.hash, builds], ['build', sha256Hex(a), 1])
    })

    it('a git source without a builder image content id is refused with a clear error', async () => {
      const resolver = new ArtifactResolver({ store, network: records([attestation(a)]), logger: silent })
      await assert.rejects(resolver.resolve({ GitHub: GIT }), (e: ArtifactError) => e.code === 'SOURCE_UNSUPPORTED' && /worker\.builderImage/.test(e.message))
      const tagged = new ArtifactResolver({ store, network: records([attestation(a)]), builderImage: async () => 'outlayer-builder:2', logger: silent })
      await assert.rejects(tagged.resolve({ GitHub: GIT }), (e: ArtifactError) => e.code === 'SOURCE_UNSUPPORTED' && /content id/.test(e.message))
    })

    it('fetches the trusted hash from a peer, stores it, and refuses below k without a builder', async () => {
      let fetches = 0
      const network: ArtifactNetwork = {
        findBuildRecords: async () => [attestation(a), attestation(a)],
        fetchWasm: async () => { fetches++; return a }
      }
      const strict = new ArtifactResolver({ store, network, builderImage, logger: silent }, { ...DEFAULT_ARTIFACT_OPTIONS, trustBuilders: 3 })
      await assert.rejects(strict.resolve({ GitHub: GIT }), (e: ArtifactError) => e.name === 'ArtifactError' && e.code === 'WASM_UNAVAILABLE')
      assert.equal(fetches, 0, 'nothing fetched below k')
      const resolver = new ArtifactResolver({ store, network, builderImage, logger: silent }, { ...DEFAULT_ARTIFACT_OPTIONS, trustBuilders: 2 })
      const first = await resolver.resolve({ GitHub: GIT })
      assert.deepEqual([first.from, first.hash, fetches], ['peer', sha256Hex(a), 1])
      const second = await resolver.resolve({ GitHub: GIT })
      assert.deepEqual([second.from, fetches], ['cache', 1], 'the second resolve is served by the store')
    })

    it('says why when every provider failed (not silently "nobody has it")', async () => {
      const network: ArtifactNetwork = {
        findBuildRecords: async () => [attestation(a)],
        fetchWasm: async () => { throw new Error('peer 1: FETCH_REFUSED') }
      }
      const resolver = new ArtifactResolver({ store, network, builderImage, logger: silent })
      await assert.rejects(resolver.resolve({ GitHub: GIT }), (e: ArtifactError) => e.code === 'WASM_UNAVAILABLE' && /FETCH_REFUSED/.test(e.message))
    })
  })

  describe('pinned URL', () => {
    const wasm = toBytes('\0asm pinned bytes')

    it('accepts bytes with the pinned hash, stores them, and serves the next resolve from the store', async () => {
      const server = await serve(() => ({ status: 200, body: wasm }))
      try {
        const resolver = new ArtifactResolver({ store, logger: silent })
        const source = { WasmUrl: { url: server.url, hash: sha256Hex(wasm), build_target: undefined } }
        assert.equal((await resolver.resolve(source)).from, 'url')
        assert.equal((await resolver.resolve(source)).from, 'cache')
        assert.equal(server.hits(), 1)
        assert.deepEqual(await store.get(sha256Hex(wasm)), wasm)
      } finally { await server.close() }
    })

    it('refuses bytes with another hash, and stores nothing', async () => {
      const server = await serve(() => ({ status: 200, body: wasm }))
      try {
        const resolver = new ArtifactResolver({ store, logger: silent })
        const pinned = sha256Hex(toBytes('something else'))
        await assert.rejects(resolver.resolve({ WasmUrl: { url: server.url, hash: pinned, build_target: undefined } }), (e: ArtifactError) => e.code === 'WASM_HASH_MISMATCH')
        assert.equal(await store.get(sha256Hex(wasm)), undefined)
      } finally { await server.close() }
    })

    it('refuses a download over the size cap, and an HTTP error, as WASM_UNAVAILABLE', async () => {
      let status = 200
      const server = await serve(() => ({ status, body: new Uint8Array(4096) }))
      try {
        const resolver = new ArtifactResolver({ store, logger: silent }, { ...DEFAULT_ARTIFACT_OPTIONS, maxWasmBytes: 1024 })
        const source = { WasmUrl: { url: server.url, hash: sha256Hex(new Uint8Array(4096)), build_target: undefined } }
        await assert.rejects(resolver.resolve(source), (e: ArtifactError) => e.code === 'WASM_UNAVAILABLE' && /larger than 1024/.test(e.message))
        status = 404
        await assert.rejects(resolver.resolve(source), (e: ArtifactError) => e.code === 'WASM_UNAVAILABLE' && /404/.test(e.message))
      } finally { await server.close() }
    })
  })

  describe('builder', () => {
    it('builds once for concurrent asks (single flight), stores the wasm and announces it once', async () => {
      const wasm = toBytes('\0asm built')
      let builds = 0
      let release!: () => void
      const gate = new Promise<void>(resolve => { release = resolve })
      const buildFromGit: GitBuild = async () => {
        builds++
        await gate
        return { wasm_hash: sha256Hex(wasm), size: wasm.length, path: '/built.wasm', build_key: KEY, seconds: 1, builder_image: IMAGE }
      }
      const announced = { records: [] as BuildAttestation[], provided: [] as string[] }
      const { build } = builder({ signingKey: generateKeyPair() })({
        buildFromGit,
        artifacts: store,
        dht: {
          putBuildRecord: async (a) => { announced.records.push(a); return 1 },
          provideWasm: async (hash) => { announced.provided.push(hash) }
        },
        readFile: async () => wasm,
        logger: silent
      })
      const asks = [build(GIT), build(GIT), build(GIT)]
      release()
      const results = await Promise.all(asks)
      assert.equal(builds, 1)
      assert.deepEqual(new Set(results.map(r => r.wasm_hash)), new Set([sha256Hex(wasm)]))
      assert.equal(announced.records.length, 1)
      assert.equal(announced.records[0]!.build_key, KEY)
      assert.deepEqual(announced.provided, [sha256Hex(wasm)])
      assert.deepEqual(await store.get(sha256Hex(wasm)), wasm)
      await build(GIT)
      assert.equal(builds, 2, 'a later ask builds again (sandbox/builder caches by key itself)')
    })

    it('a failed build is BUILD_FAILED (not retried as unavailable), and announces nothing', async () => {
      let puts = 0
      const { build } = builder({ signingKey: generateKeyPair() })({
        buildFromGit: async () => { throw new Error('cargo: error[E0425]') },
        artifacts: store,
        dht: { putBuildRecord: async () => { puts++; return 1 }, provideWasm: async () => {} },
        readFile: async () => new Uint8Array(0),
        logger: silent
      })
      await assert.rejects(build(GIT), (e: ArtifactError) => e.name === 'ArtifactError' && e.code === 'BUILD_FAILED' && /E0425/.test(e.message))
      assert.equal(puts, 0)
    })
  })
})
