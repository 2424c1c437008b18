/**
 * node/artifacts: the builder trust rule (k of n distinct builders), the pinned-URL fetch (hash, size cap), the
 * store as cache, and the builder's single flight with its announce.
 */
import { strict as assert } from 'node:assert'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildKey, generateKeyPair, sha256Hex, signBuildAttestation, toBytes, type BuildAttestation } from '../../../protocol/index.js'
import { createArtifactStore, type ArtifactStore } from '../../../sandbox/build/index.js'
import { ArtifactError, ArtifactResolver, DEFAULT_ARTIFACT_OPTIONS, trustedHash, type ArtifactNetwork } from '../../artifacts/index.js'
import { builder, type GitBuild } from '../../roles/builder/index.js'
import { serve, silent } from '../roles/fixtures.js'

const GIT = { repo: 'https://github.com/o/r', commit: 'abc123', build_target: 'wasm32-wasip1' }
const IMAGE = DEFAULT_ARTIFACT_OPTIONS.builderImage
const KEY = buildKey({ ...GIT, builder_image: IMAGE })

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

    it('trusts the hash at least k distinct builders signed, and nothing below k', () => {
      const records = [attestation(a), attestation(a), attestation(b)]
      assert.equal(trustedHash(records, KEY, 1), sha256Hex(a), 'the largest group wins at k=1')
      assert.equal(trustedHash(records, KEY, 2), sha256Hex(a))
      assert.equal(trustedHash(records, KEY, 3), undefined)
    })

    it('counts one builder once, however many records it signed', () => {
      const key = generateKeyPair()
      assert.equal(trustedHash([attestation(a, key), attestation(a, key), attestation(a, key)], KEY, 2), undefined)
    })

    it('ignores forged and other-key attestations', () => {
      const forged = { ...attestation(b), wasm_hash: sha256Hex(a) }
      const otherKey = signBuildAttestation({ ...GIT, commit: 'other', builder_image: IMAGE, wasm_hash: sha256Hex(a), size: a.length }, generateKeyPair())
      assert.equal(trustedHash([attestation(a), forged, otherKey], KEY, 2), undefined)
      assert.equal(trustedHash([attestation(a), forged, otherKey], KEY, 1), sha256Hex(a))
    })

    it('fetches the trusted hash from a peer, stores it, and refuses below k without a builder', async () => {
      let fetches = 0
      const network: ArtifactNetwork = {
        findBuildRecords: async () => [attestation(a), attestation(a)],
        fetchWasm: async () => { fetches++; return a }
      }
      const strict = new ArtifactResolver({ store, network, logger: silent }, { ...DEFAULT_ARTIFACT_OPTIONS, trustBuilders: 3 })
      await assert.rejects(strict.resolve({ GitHub: GIT }), (e: ArtifactError) => e.name === 'ArtifactError' && e.code === 'WASM_UNAVAILABLE')
      assert.equal(fetches, 0, 'nothing fetched below k')
      const resolver = new ArtifactResolver({ store, network, logger: silent }, { ...DEFAULT_ARTIFACT_OPTIONS, trustBuilders: 2 })
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
      const resolver = new ArtifactResolver({ store, network, logger: silent })
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
        return { wasm_hash: sha256Hex(wasm), size: wasm.length, path: '/built.wasm', build_key: KEY, seconds: 1 }
      }
      const announced = { records: [] as BuildAttestation[], provided: [] as string[] }
      const { build } = builder({ signingKey: generateKeyPair(), builderImage: IMAGE })({
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
      assert.equal(builds, 2, 'a later ask builds again (sandbox/build caches by key itself)')
    })

    it('a failed build is BUILD_FAILED (not retried as unavailable), and announces nothing', async () => {
      let puts = 0
      const { build } = builder({ signingKey: generateKeyPair(), builderImage: IMAGE })({
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
