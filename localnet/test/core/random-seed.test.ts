import assert from 'node:assert/strict'
import { createChain } from '../../chain/index.js'
import { hashOf } from '../../chain/views.js'

/** Contracts draw worker assignments from random_seed(): it must not be predictable from public block data. */
describe('localnet core: random seed', function () {
  this.timeout(60_000)

  it('differs per block and per chain, and is not derived from the block hash alone', async () => {
    const seen = new Set<string>()
    for (let c = 0; c < 2; c++) {
      const { chain } = await createChain({ accounts: 0 })
      for (let i = 0; i < 5; i++) {
        const block = await chain.produceBlock()
        const seed = (block.view as { header: { random_value: string } }).header.random_value
        assert.ok(!seen.has(seed), 'a new seed every block')
        seen.add(seed)
        // what the seed was before: sha256("seed" ‖ block hash), which anyone could compute from the head
        assert.notEqual(seed, hashOf('seed', block.hash))
      }
      await chain.close()
    }
  })
})
