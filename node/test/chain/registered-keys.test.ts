/**
 * The node's registered-keys cache (p2p's isRegisteredKey): active workers only, refreshed on demand, a key
 * registered a moment ago accepted after one early refresh, a flood of unknown keys costing one read per
 * interval, and a failed read keeping the last set. The chain is list_workers' answer, changed between reads.
 */
import { strict as assert } from 'node:assert'
import { RegisteredKeys, type WorkerView } from '../../chain/index.js'
import { silent } from '../roles/fixtures.js'

const worker = (n: number, status: WorkerView['status'] = 'active'): WorkerView =>
  ({ account_id: `w${n}.test.near`, public_key: `ed25519:key${n}`, bond: 10n ** 24n, status, completed: 0, disagreed: 0 })

describe('chain/registered-keys', () => {
  let workers: WorkerView[] = []
  let reads = 0
  let failing = false
  const client = { listWorkers: async () => { reads++; if (failing) throw new Error('rpc down'); return workers } }
  beforeEach(() => { workers = [worker(1), worker(2, 'unregistered')]; reads = 0; failing = false })

  it('holds the active workers\' keys after a refresh, not the unregistered ones', async () => {
    const keys = new RegisteredKeys({ client, logger: silent })
    await keys.refresh()
    assert.equal(keys.has('ed25519:key1'), true)
    assert.equal(keys.has('ed25519:key2'), false)
    assert.equal(keys.size(), 1)
  })

  it('a key registered a moment ago is refused once, then accepted after the early refresh it triggered', async () => {
    const keys = new RegisteredKeys({ client, logger: silent }, { missRefreshMs: 60_000 })
    await keys.refresh()
    workers = [...workers, worker(3)]
    assert.equal(keys.has('ed25519:key3'), false, 'not in the cached set yet')
    await keys.refresh() // the one the miss started is in flight; this waits for it
    assert.equal(keys.has('ed25519:key3'), true)
    assert.equal(reads, 2, 'one read on start, one for the miss')
  })

  it('a flood of unknown keys costs one read per interval', async () => {
    const keys = new RegisteredKeys({ client, logger: silent }, { missRefreshMs: 60_000 })
    await keys.refresh()
    for (let i = 0; i < 1000; i++) assert.equal(keys.has(`ed25519:forged${i}`), false)
    await keys.refresh()
    assert.equal(reads, 2)
  })

  it('a failed read keeps the last set (and does not throw)', async () => {
    const keys = new RegisteredKeys({ client, logger: silent })
    await keys.refresh()
    failing = true
    await keys.refresh()
    assert.equal(keys.has('ed25519:key1'), true)
  })
})
