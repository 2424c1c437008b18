import { strict as assert } from 'node:assert'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openStore, type NodeStore } from '../../store/index.js'
import type { AttestationPayload } from '../../../protocol/index.js'

const attestation = (requestId: string, workerId: string): AttestationPayload => ({
  contract_id: 'outlayer.test.near',
  request_id: requestId,
  worker_id: workerId,
  success: true,
  output: undefined,
  output_hash: '00'.repeat(32),
  error: '',
  instructions: '10',
  time_ms: 1,
  result_hash: '11'.repeat(32),
  signature: Buffer.alloc(64).toString('base64')
})

describe('store', () => {
  let dir: string
  let store: NodeStore
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'outlayer-store-'))
    store = await openStore(join(dir, 'db'))
  })
  afterEach(async () => {
    await store.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('keeps the cursor, requests and their states', async () => {
    assert.equal(await store.getCursor(), undefined)
    await store.setCursor(12)
    assert.equal(await store.getCursor(), 12)
    assert.equal(await store.addRequest({ request_id: '2', raw: { a: 1 }, seen_at: 3 }), true)
    assert.equal(await store.addRequest({ request_id: '2', raw: { a: 2 }, seen_at: 4 }), false, 'second add is refused')
    assert.equal(await store.addRequest({ request_id: '10', raw: {}, seen_at: 5 }), true)
    await store.setRequestState('2', 'resolved')
    const open = await store.openRequests()
    assert.deepEqual(open.map(r => r.request_id), ['10'])
    assert.deepEqual((await store.getRequest('2'))?.raw, { a: 1 })
  })

  it('orders open requests numerically, not as text', async () => {
    for (const id of ['100', '9', '20']) await store.addRequest({ request_id: id, raw: {}, seen_at: 1 })
    assert.deepEqual((await store.openRequests()).map(r => r.request_id), ['9', '20', '100'])
  })

  it('counts one attestation per worker and forgets them once resolved', async () => {
    assert.equal(await store.addAttestation(attestation('5', 'a.test.near')), true)
    assert.equal(await store.addAttestation(attestation('5', 'a.test.near')), false, 'duplicate')
    assert.equal(await store.addAttestation(attestation('5', 'b.test.near')), true)
    assert.equal(await store.addAttestation(attestation('50', 'a.test.near')), true)
    assert.equal((await store.attestations('5')).length, 2)
    await store.putResult(attestation('5', 'a.test.near'))
    await store.forget('5')
    assert.equal((await store.attestations('5')).length, 0)
    assert.equal(await store.getResult('5'), undefined)
    assert.equal((await store.attestations('50')).length, 1, 'other requests untouched')
  })

  it('serialises concurrent adds of the same attestation', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, async () => await store.addAttestation(attestation('1', 'w.test.near'))))
    assert.equal(results.filter(Boolean).length, 1)
  })

  it('refuses use after close with a typed error', async () => {
    await store.close()
    await assert.rejects(store.getCursor(), (err: Error) => err.name === 'StoreError')
    store = await openStore(join(dir, 'db'))
  })

  it('survives kill -9 of the writing process', async function () {
    this.timeout(30_000)
    await store.close()
    const child = spawn(process.execPath, ['--no-liftoff', '--import', 'tsx', '--import', './polyfill.mjs',
      fileURLToPath(new URL('./fixtures/write-and-wait.ts', import.meta.url)), join(dir, 'db')],
    { stdio: ['ignore', 'pipe', 'inherit'] })
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('written')) resolve() })
      child.on('exit', code => reject(new Error(`child exited early with ${code}`)))
    })
    child.kill('SIGKILL')
    await new Promise(resolve => child.once('exit', resolve))
    store = await openStore(join(dir, 'db'))
    assert.equal(await store.getCursor(), 41)
    assert.equal((await store.getRequest('7'))?.state, 'attested')
    assert.equal((await store.getLease('7'))?.claimed_at_block, 40)
    assert.equal((await store.getSubmission('7'))?.state, 'pending')
  })
})
