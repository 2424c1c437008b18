import { strict as assert } from 'node:assert'
import { resultHash, responseError, type ExecutionRequest } from '../../../protocol/index.js'
import { PARAMS_REFUSED_INSTRUMENTER, runParamsOf } from '../../roles/worker/run-params.js'

const request = (params: Record<string, unknown>, extra: Partial<ExecutionRequest> = {}): ExecutionRequest =>
  ({ request_id: 7n, predecessor_id: 'alice.test.near', redundancy: { replicas: 3, quorum: 2, aggregation: 'identical' }, params, ...extra }) as unknown as ExecutionRequest

describe('roles/worker/run-params', () => {
  it('reads the consensus mode and the granted HTTP from params', () => {
    const r = runParamsOf(request({ response_consensus: 'median', http: { allowed_hosts: ['API.example.com'], max_requests: 2 } }))
    assert.deepEqual(r, { ok: true, params: { consensus: { mode: 'median' }, http: { allowedHosts: ['api.example.com'], allowHttp: false, maxRequests: 2 } } })
    assert.deepEqual(runParamsOf(request({})), { ok: true, params: { consensus: null, http: null } })
  })

  it('a malformed params field is one deterministic refusal naming the field: a trap with 0 fuel under its own instrumenter', () => {
    const a = runParamsOf(request({ http: { allowed_hosts: ['ok.example.com', '192.168.1.1'] } }))
    const b = runParamsOf(request({ http: { allowed_hosts: ['ok.example.com', '192.168.1.1'] } }))
    assert.ok(!a.ok && !b.ok)
    assert.match(a.message, /^params\.http\.allowed_hosts\[1\]: IP addresses are not allowed/)
    const { refusal } = a
    assert.equal(refusal.status, 'trap')
    assert.equal(refusal.fuel_used, 0n)
    assert.equal(refusal.instrumenter_version, PARAMS_REFUSED_INSTRUMENTER)
    assert.equal(responseError({ status: 'trap', exit_code: null, trap: refusal.trap }), 'trap(bad_params:params.http.allowed_hosts[1])')
    assert.equal(refusal.result_hash, resultHash({ ...refusal, status: 'trap' }))
    assert.equal(refusal.result_hash, b.refusal.result_hash, 'the same on every replica')
    const c = runParamsOf(request({ response_consensus: { mode: 'per_field', fields: { p: 'avg' } } }))
    assert.ok(!c.ok && c.refusal.trap === 'bad_params:params.response_consensus.fields.p')
    // R=3 Q=3: a median needs 5 replicas, so it could never be reached
    const q3 = { redundancy: { replicas: 3, quorum: 3, aggregation: 'identical' as const } }
    const d = runParamsOf(request({ response_consensus: { mode: 'per_field', fields: { p: 'median' } } }, q3))
    assert.ok(!d.ok && d.refusal.trap === 'bad_params:params.response_consensus' && /2·quorum − 1 \(3 < 5\)/.test(d.message))
    assert.ok(runParamsOf(request({ response_consensus: 'identical' }, q3)).ok, 'identical needs no 2Q−1')
  })

  it('only the secrets owner may add hosts to a run that gets their secrets', () => {
    const http = { allowed_hosts: ['collector.example.com'] }
    const secrets_ref = { profile: 'default', account_id: 'owner.test.near' }
    const other = runParamsOf(request({ http }, { secrets_ref }))
    assert.ok(!other.ok && other.refusal.trap === 'bad_params:params.http', other.ok ? 'accepted' : String(other.refusal.trap))
    assert.match(other.message, /owner\.test\.near's secrets: only owner\.test\.near may add hosts/)
    assert.ok(runParamsOf(request({ http }, { secrets_ref, predecessor_id: 'owner.test.near' })).ok, 'the owner may')
    assert.ok(runParamsOf(request({}, { secrets_ref })).ok, 'secrets without extra hosts are fine')
  })
})
