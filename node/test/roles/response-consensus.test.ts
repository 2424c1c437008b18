/**
 * The node's consensus round on its own (roles/worker/consensus.ts, decide-response.ts): the early-vote buffer
 * under a flood, and the median / per_field decisions. The gossip is the in-memory bus (p2p's checks have their
 * own tests; here every vote already passed them: a registered signer, a request that exists).
 */
import { strict as assert } from 'node:assert'
import { callHash, responseDigest, sha256Hex, type ExecutionRequest, type ResponseConsensusMode, type ResponseVotePayload } from '../../../protocol/index.js'
import { DEFAULT_RESPONSE_CONSENSUS, ResponseConsensus } from '../../roles/worker/consensus.js'
import { GossipBus, silent } from './fixtures.js'

const CONTRACT = 'outlayer.test.near'
const URL = 'https://prices.example.com/price'
const PRIMARIES = ['w0.test.near', 'w1.test.near', 'w2.test.near']
const keyOf = (worker: string): string => `key-of-${worker}`
const MiB = 1024 * 1024

function vote (requestId: string, worker: string, body: Uint8Array, opts: { index?: number, status?: number, carry?: boolean } = {}): ResponseVotePayload {
  const fields = { call_sha256: callHash('GET', URL), status: opts.status ?? 200, content_type: 'application/json', body_sha256: sha256Hex(body) }
  return {
    contract_id: CONTRACT, request_id: requestId, worker_id: worker, index: opts.index ?? 0, ...fields,
    ...(opts.carry === false ? {} : { body: Buffer.from(body).toString('base64') }),
    digest: responseDigest(fields)
  }
}

const request = (id: string): ExecutionRequest => ({ request_id: BigInt(id), assigned: PRIMARIES, redundancy: { replicas: 3, quorum: 2, aggregation: 'identical' } }) as unknown as ExecutionRequest
const text = (s: string): Uint8Array => new TextEncoder().encode(s)

function consensusOf (bus: GossipBus): ResponseConsensus {
  const client = { contractId: CONTRACT, accountId: PRIMARIES[0]!, getWorker: async (id: string) => ({ public_key: keyOf(id) }) }
  const c = new ResponseConsensus({ client: client as never, gossip: bus, logger: silent }, { ...DEFAULT_RESPONSE_CONSENSUS, timeoutMs: 5_000 })
  c.start()
  return c
}

/** w0's agreement on call 0 with its own body; w1 and w2 deliver theirs */
async function agreeWith (c: ResponseConsensus, bus: GossipBus, id: string, mode: ResponseConsensusMode, bodies: [Uint8Array, Uint8Array, Uint8Array], statuses: [number, number, number] = [200, 200, 200]) {
  const round = c.open(request(id), mode)
  try {
    const agreed = round.agree({ index: 0, method: 'GET', url: URL, own: { status: statuses[0], contentType: 'application/json', body: bodies[0] } })
    for (const i of [1, 2] as const) bus.deliver('response_vote', vote(id, PRIMARIES[i]!, bodies[i], { status: statuses[i] }), keyOf(PRIMARIES[i]!))
    return await agreed
  } finally {
    round.close()
  }
}

describe('roles/worker/consensus: the early-vote buffer and the median / per_field rounds', () => {
  it('a flood of early votes from many registered signers stays within 32 MiB overall and 4 MiB per signer, evicts only the flooders, and the real request still agrees', async () => {
    const bus = new GossipBus()
    const c = consensusOf(bus)
    try {
      // the honest replicas of request 42 were faster: their votes wait for w0's round
      bus.deliver('response_vote', vote('42', PRIMARIES[1]!, text('101')), keyOf(PRIMARIES[1]!))
      bus.deliver('response_vote', vote('42', PRIMARIES[2]!, text('103')), keyOf(PRIMARIES[2]!))
      // twelve registered keys each send forty full-size votes for requests this node has not seen
      const big = vote('0', 'f.test.near', new Uint8Array(256 * 1024).fill(7)) // hashed once: the digest does not bind the request
      let peak = 0
      for (let f = 0; f < 12; f++) {
        for (let n = 0; n < 40; n++) {
          bus.deliver('response_vote', { ...big, request_id: String(1000 + f * 40 + n), worker_id: `f${f}.test.near` }, keyOf(`f${f}.test.near`))
          const usage = c.bufferUsage()
          peak = Math.max(peak, usage.bytes)
          assert.ok(usage.bytes <= DEFAULT_RESPONSE_CONSENSUS.maxBufferedBytes, `flooder ${f} vote ${n}: ${usage.bytes} bytes buffered`)
          for (const [sender, held] of Object.entries(usage.bySender)) assert.ok(held <= DEFAULT_RESPONSE_CONSENSUS.maxBufferedBytesPerSender, `${sender} holds ${held}`)
        }
      }
      // and one of them signs votes for request 42 in w1's name
      bus.deliver('response_vote', vote('42', PRIMARIES[1]!, text('999999')), keyOf('f0.test.near'))
      const usage = c.bufferUsage()
      assert.ok(peak > 30 * MiB, `the flood really filled the buffer (${peak} bytes)`)
      assert.ok(usage.bySender[keyOf(PRIMARIES[1]!)] != null && usage.bySender[keyOf(PRIMARIES[2]!)] != null, 'both honest votes still buffered')
      assert.equal(c.stats().dropped, 2 + 12 * 40 + 1 - usage.votes, 'every vote delivered is either still buffered or counted as dropped')

      const round = c.open(request('42'), { mode: 'median' })
      try {
        const agreed = await round.agree({ index: 0, method: 'GET', url: URL, own: { status: 200, contentType: 'application/json', body: text('100') } })
        assert.ok(agreed.ok, JSON.stringify(agreed))
        assert.equal(new TextDecoder().decode(agreed.agreed.body), '101', 'the lower median of 100, 101, 103')
      } finally {
        round.close()
      }
      assert.equal(c.stats().wrong_key, 1, 'the vote in w1\'s name by another key was refused when the round opened')
      assert.equal(c.bufferUsage().bySender[keyOf(PRIMARIES[1]!)], undefined, 'request 42\'s votes left the buffer with the round')
    } finally {
      c.stop()
    }
    assert.deepEqual(c.bufferUsage(), { bytes: 0, votes: 0, requests: 0, bySender: {} }, 'stop frees the buffer')
  })

  it('median: a liar is outvoted; every primary must vote first; non-numbers and non-2xx are not candidates', async () => {
    const bus = new GossipBus()
    const c = consensusOf(bus)
    try {
      const lied = await agreeWith(c, bus, '1', { mode: 'median' }, [text('100'), text('1e9'), text('102')])
      assert.ok(lied.ok && new TextDecoder().decode(lied.agreed.body) === '102', JSON.stringify(lied))
      // a 500 is no candidate: 2 numbers < 2Q−1 = 3, and the identical fallback finds two equal bodies
      const partial = await agreeWith(c, bus, '2', { mode: 'median' }, [text('100'), text('100'), text('100')], [200, 500, 200])
      assert.ok(partial.ok && partial.agreed.status === 200, JSON.stringify(partial))
      const none = await agreeWith(c, bus, '3', { mode: 'median' }, [text('100'), text('"abc"'), text('102')])
      assert.ok(!none.ok && /all 3 assigned workers voted on response 0/.test(none.detail), JSON.stringify(none))
      // with only two votes in, a median round waits (and fails locally at its deadline), never decides on a subset
      const round = c.open(request('4'), { mode: 'median' })
      const waiting = round.agree({ index: 0, method: 'GET', url: URL, own: { status: 200, contentType: null, body: text('100') } })
      bus.deliver('response_vote', vote('4', PRIMARIES[1]!, text('100')), keyOf(PRIMARIES[1]!))
      await assert.rejects(waiting, /no agreement within 5000 ms \(2 of 3 votes\)/)
      round.close()
    } finally {
      c.stop()
    }
  })

  it('per_field: each field by its rule, continued with as a 200 JSON object; a field without agreement is a refusal', async () => {
    const bus = new GossipBus()
    const c = consensusOf(bus)
    try {
      const mode: ResponseConsensusMode = { mode: 'per_field', fields: { price: 'median', source: 'mode' } }
      const r = await agreeWith(c, bus, '5', mode, [text('{"price":100,"source":"a","ts":1}'), text('{"price":5000,"source":"b","ts":2}'), text('{"price":101,"source":"a","ts":3}')])
      assert.ok(r.ok, JSON.stringify(r))
      assert.deepEqual(JSON.parse(new TextDecoder().decode(r.agreed.body)), { price: 101, source: 'a' })
      assert.equal(r.agreed.status, 200)
      assert.equal(r.agreed.contentType, 'application/json')
      const split = await agreeWith(c, bus, '6', { mode: 'per_field', fields: { unit: 'identical' } }, [text('{"unit":"usd"}'), text('{"unit":"eur"}'), text('{"unit":"gbp"}')])
      assert.ok(!split.ok && /^all 3 assigned workers voted on response 0: /.test(split.detail), JSON.stringify(split))
    } finally {
      c.stop()
    }
  })
})
