/** startLocalnet with a data dir: stop, start again, and the chain continues with its state; stop cleans up. */
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { nearToYocto } from 'near-api-js'
import { account, createSubAccount, provider, startTestNet } from './helpers.js'

describe('localnet: restart with a data dir', function () {
  // the first chain in a process loads binaryen (tens of seconds on a loaded 2-core box); no timing is asserted
  this.timeout(180_000)
  let dataDir: string

  before(async () => { dataDir = await mkdtemp(join(tmpdir(), 'outlayer-localnet-restart-')) })
  after(async () => { await rm(dataDir, { recursive: true, force: true }) })

  it('keeps accounts, balances, keys and height across a restart', async () => {
    const first = await startTestNet({ dataDir })
    let accountId: string
    let heightBefore: number
    let amount: bigint
    try {
      const { account: kept } = await createSubAccount(account(first, first.root), first, 'kept', nearToYocto(3))
      accountId = kept.accountId
      await first.produceBlocks(3)
      amount = (await provider(first).viewAccount({ accountId })).amount
      heightBefore = first.height()
    } finally {
      await first.stop()
    }

    const second = await startTestNet({ dataDir })
    try {
      assert.ok(second.height() >= heightBefore, `height ${second.height()} continues from ${heightBefore}`)
      assert.equal(second.root.secretKey, first.root.secretKey, 'same genesis keys')
      assert.equal((await provider(second).viewAccount({ accountId })).amount, amount)
      const keys = JSON.parse(await readFile(second.keysFile, 'utf8')) as { root: { account_id: string, private_key: string }, network_id: string }
      assert.equal(keys.root.account_id, second.root.accountId)
      assert.equal(keys.root.private_key, second.root.secretKey)
      assert.equal(keys.network_id, second.networkId)
      // the restarted chain still takes transactions signed with the kept keys
      await account(second, second.root).transfer({ receiverId: accountId, amount: 1n })
    } finally {
      await second.stop()
    }
  })

  it('manual mode produces blocks only on request', async () => {
    const net = await startTestNet({ blockTimeMs: 0 })
    try {
      const start = net.height()
      await new Promise(resolve => setTimeout(resolve, 150))
      assert.equal(net.height(), start, 'no timer blocks')
      await net.produceBlocks(4)
      assert.equal(net.height(), start + 4)
    } finally {
      await net.stop()
    }
  })
})
