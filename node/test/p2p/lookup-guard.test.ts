import assert from 'node:assert/strict'
import { GossipLookupGuard, TokenBucket } from '../../p2p/index.js'

describe('p2p lookup guard (gossip-triggered RPCs)', () => {
  let t = 0
  const now = (): number => t

  it('a token bucket refills at its rate and never above capacity', () => {
    t = 0
    const b = new TokenBucket({ capacity: 2, refillPerSecond: 1 }, now)
    assert.deepEqual([b.take(), b.take(), b.take()], [true, true, false])
    t = 1000
    assert.deepEqual([b.take(), b.take()], [true, false])
    t = 100_000
    assert.deepEqual([b.take(), b.take(), b.take()], [true, true, false])
  })

  it('charges misses to the delivering peer and bans it at missesToBan, counting look-ups in flight', () => {
    t = 0
    const banned: string[] = []
    const g = new GossipLookupGuard({ missesToBan: 3, onMisbehaving: p => banned.push(p), now })
    const pending = [g.admit('A', '10'), g.admit('A', '11'), g.admit('A', '12')]
    assert.ok(pending.every(a => a.ok))
    assert.deepEqual(g.admit('A', '13'), { ok: false, reason: 'PEER_BANNED' }, 'three in flight already use the budget')
    for (const a of pending) if (a.ok) a.release('missing')
    assert.deepEqual(banned, ['A'])
    assert.equal(g.banned('A'), true)
    assert.equal(g.admit('B', '14').ok, true, 'another peer is not affected')
  })

  it('caches misses, ignores ids far above the highest seen, and looks up one id at a time', () => {
    t = 0
    const g = new GossipLookupGuard({ maxIdsAhead: 10n, now })
    g.seen('100')
    const a = g.admit('A', '105')
    assert.ok(a.ok)
    assert.deepEqual(g.admit('B', '105'), { ok: false, reason: 'IN_FLIGHT' })
    a.release('missing')
    assert.deepEqual(g.admit('B', '105'), { ok: false, reason: 'KNOWN_MISSING' })
    assert.deepEqual(g.admit('B', '111'), { ok: false, reason: 'TOO_FAR_AHEAD' })
    assert.deepEqual(g.admit('B', '-1'), { ok: false, reason: 'BAD_ID' })
    g.seen('105') // the chain watcher saw it after all: the stale miss is cleared, the window moves
    assert.equal(g.admit('B', '105').ok, true)
    assert.equal(g.admit('B', '115').ok, true)
  })

  it('per-peer and global buckets bound the rate; misses decay, so an honest peer recovers', () => {
    t = 0
    const g = new GossipLookupGuard({ perPeer: { capacity: 2, refillPerSecond: 1 }, global: { capacity: 3, refillPerSecond: 1 }, missesToBan: 2, missDecayMs: 1000, now })
    const found = (peer: string, id: string): string => { const a = g.admit(peer, id); if (a.ok) { a.release('found'); return 'ok' } return a.reason }
    assert.deepEqual([found('A', '1'), found('A', '2'), found('A', '3')], ['ok', 'ok', 'PEER_RATE_LIMITED'])
    assert.deepEqual([found('B', '4'), found('C', '5')], ['ok', 'GLOBAL_RATE_LIMITED'])
    t = 10_000
    for (const id of ['6', '7']) { const a = g.admit('D', id); if (a.ok) a.release('missing') }
    assert.equal(g.banned('D'), true)
    t = 11_001
    assert.equal(g.banned('D'), false)
  })

  it('remembers ids known to exist (seen or found), bounded, so the reveals of one request need one look-up', () => {
    t = 0
    const g = new GossipLookupGuard({ positiveCacheSize: 2, now })
    assert.equal(g.known('5'), false)
    const a = g.admit('A', '5')
    assert.ok(a.ok)
    a.release('found')
    assert.equal(g.known('5'), true, 'found by a look-up')
    g.seen('6')
    g.seen('7')
    assert.deepEqual([g.known('5'), g.known('6'), g.known('7')], [false, true, true], 'the oldest is forgotten past the cap')
    const b = g.admit('A', '8')
    assert.ok(b.ok)
    b.release('missing')
    assert.equal(g.known('8'), false, 'a miss is never known to exist')
    assert.equal(g.known('x'), false)
  })
})
