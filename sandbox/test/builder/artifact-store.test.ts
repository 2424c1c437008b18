import assert from 'node:assert/strict'
import { readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { sha256Hex } from '../../../protocol/hash.js'
import { ArtifactStoreError, createArtifactStore } from '../../builder/index.js'
import { tempRoot } from './git-fixtures.js'

const bytes = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill)

describe('sandbox/builder artifact store', () => {
  let dir: string
  beforeEach(() => { dir = tempRoot('store') })
  afterEach(() => { rmSync(dir, { recursive: true, force: true }) })

  it('stores by sha256 and reads back verified bytes', async () => {
    const store = createArtifactStore(dir, { maxBytes: 1000 })
    const data = bytes(100, 7)
    const hash = await store.put(data)
    assert.equal(hash, sha256Hex(data))
    assert.equal(store.path(hash), `${dir}/${hash}.wasm`)
    assert.equal(await store.has(hash), true)
    assert.deepEqual(await store.get(hash), data)
    assert.equal(await store.put(data), hash, 'putting twice keeps one copy')
    assert.equal(store.size(), 100)
  })

  it('reads a corrupted file as missing and deletes it', async () => {
    const store = createArtifactStore(dir, { maxBytes: 1000 })
    const hash = await store.put(bytes(10, 1))
    writeFileSync(store.path(hash), bytes(10, 2))
    assert.equal(await store.get(hash), undefined)
    assert.equal(await store.has(hash), false)
    assert.deepEqual(readdirSync(dir), [])
  })

  it('evicts the least recently used artifacts beyond the cap', async () => {
    const store = createArtifactStore(dir, { maxBytes: 250 })
    const a = await store.put(bytes(100, 1))
    const b = await store.put(bytes(100, 2))
    await store.get(a) // a is now more recent than b
    const c = await store.put(bytes(100, 3))
    assert.equal(await store.has(a), true)
    assert.equal(await store.has(b), false)
    assert.equal(await store.has(c), true)
    assert.equal(store.size(), 200)
  })

  it('keeps the LRU order across restarts (mtime is the last use)', async () => {
    const first = createArtifactStore(dir, { maxBytes: 1000 })
    const old = await first.put(bytes(100, 1))
    const recent = await first.put(bytes(100, 2))
    utimesSync(first.path(old), 1000, 1000)
    const second = createArtifactStore(dir, { maxBytes: 250 })
    assert.equal(second.size(), 200)
    await second.put(bytes(100, 3))
    assert.equal(await second.has(old), false)
    assert.equal(await second.has(recent), true)
  })

  it('sees artifacts another store wrote to the same directory', async () => {
    const a = createArtifactStore(dir, { maxBytes: 1000 })
    const b = createArtifactStore(dir, { maxBytes: 1000 })
    const hash = await a.put(bytes(5, 9))
    assert.deepEqual(await b.get(hash), bytes(5, 9))
  })

  it('refuses bad hashes and artifacts over the cap with typed errors', async () => {
    const store = createArtifactStore(dir, { maxBytes: 10 })
    await assert.rejects(store.get('../../etc/passwd'), (e: unknown) => e instanceof ArtifactStoreError && e.code === 'BAD_HASH')
    await assert.rejects(store.has('ABC'), (e: unknown) => e instanceof ArtifactStoreError && e.code === 'BAD_HASH')
    await assert.rejects(store.put(bytes(11, 0)), (e: unknown) => e instanceof ArtifactStoreError && e.code === 'TOO_LARGE')
    assert.equal(await store.get('0'.repeat(64)), undefined)
  })
})
