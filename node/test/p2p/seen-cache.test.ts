import assert from 'node:assert/strict'
import { SeenCache } from '../../p2p/validation/seen-cache.js'

describe('p2p seen-cache', () => {
  it('remembers an id until its ttl, then forgets it', () => {
    const cache = new SeenCache(1000)
    cache.add('x', 0)
    assert.equal(cache.has('x', 999), true)
    assert.equal(cache.has('x', 1000), false)
  })

  it('stays bounded under a flood, dropping the oldest', () => {
    const cache = new SeenCache(60_000, 100)
    for (let i = 0; i < 1000; i++) cache.add(`id${i}`, i)
    assert.ok(cache.size <= 101, `size ${cache.size}`)
    assert.equal(cache.has('id999', 1000), true)
    assert.equal(cache.has('id0', 1000), false)
  })
})
