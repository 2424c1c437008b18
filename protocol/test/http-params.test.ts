import assert from 'node:assert/strict'
import { HTTP_DEFAULTS, MAX_REQUEST_HOSTS, requestHttpOf, validateExecutionRequest } from '../index.js'
import { EXAMPLE_REQUEST, GITHUB_SOURCE } from './fixtures.js'

const refused = (http: unknown): string => {
  const r = requestHttpOf({ http })
  assert.ok(!r.ok, `${JSON.stringify(http)} was accepted`)
  return r.error.message
}

describe('protocol/http-params: params.http', () => {
  it('absent is none; hosts come back lowercase, deduplicated and sorted; caps at or under the defaults are kept', () => {
    assert.deepEqual(requestHttpOf(undefined), { ok: true, value: null })
    assert.deepEqual(requestHttpOf({ compile_only: false }), { ok: true, value: null })
    assert.deepEqual(requestHttpOf({ http: { allowed_hosts: ['B.example.com', 'a.example.com', 'b.example.com'] } }),
      { ok: true, value: { allowedHosts: ['a.example.com', 'b.example.com'], allowHttp: false } })
    assert.deepEqual(requestHttpOf({ http: { allowed_hosts: ['localhost'], allow_http: true, max_requests: 2, max_response_body_bytes: 1024, timeout_ms: 5000 } }),
      { ok: true, value: { allowedHosts: ['localhost'], allowHttp: true, maxRequests: 2, maxResponseBodyBytes: 1024, timeoutMs: 5000 } })
  })

  it('survives request validation as sent (the worker reads it from the validated request)', () => {
    const params = { http: { allowed_hosts: ['api.example.com'] }, response_consensus: { mode: 'median' } }
    const r = validateExecutionRequest({ ...EXAMPLE_REQUEST, source: GITHUB_SOURCE, params })
    assert.ok(r.ok, r.ok ? '' : r.error.message)
    assert.deepEqual(r.value.params, params)
  })

  it('refuses IP literals, wildcards, URLs and bad names, naming the item', () => {
    for (const [host, reason] of [
      ['127.0.0.1', /IP addresses are not allowed/], ['10.0.0.1', /IP addresses/], ['169.254.169.254', /IP addresses/],
      ['::1', /IP addresses/], ['[::1]', /IP addresses/], ['2130706433', /IP addresses/], ['0x7f.1', /IP addresses/],
      ['*.example.com', /wildcards/], ['https://api.example.com', /not an exact hostname/], ['api.example.com:443', /not an exact hostname/], ['fe80::1%25eth0', /not an exact hostname/], ['[fd00::1]', /IP addresses/],
      ['api.example.com/x', /not an exact hostname/], ['-bad.example.com', /not an exact hostname/], ['a..b', /not an exact hostname/],
      ['example.com.', /not an exact hostname/], ['', /at least 1 characters/], ['a'.repeat(254), /at most 253/]
    ] as const) {
      assert.match(refused({ allowed_hosts: ['ok.example.com', host] }), new RegExp(`^params\\.http\\.allowed_hosts\\[1\\]: .*${reason.source}`), host)
    }
    assert.match(refused({ allowed_hosts: [7] }), /^params\.http\.allowed_hosts\[0\]: expected a string/)
  })

  it('refuses a bad shape, too many hosts, and any cap above its default, naming the field', () => {
    assert.match(refused('api.example.com'), /^params\.http: expected an object/)
    assert.match(refused({}), /^params\.http\.allowed_hosts: expected an array/)
    assert.match(refused({ allowed_hosts: [] }), /^params\.http\.allowed_hosts: must name at least one host/)
    assert.match(refused({ allowed_hosts: Array.from({ length: MAX_REQUEST_HOSTS + 1 }, (_, i) => `h${i}.example.com`) }), new RegExp(`^params\\.http\\.allowed_hosts: at most ${MAX_REQUEST_HOSTS} items`))
    assert.match(refused({ allowed_hosts: ['a.example.com'], hosts: ['b.example.com'] }), /^params\.http: unknown field "hosts"/)
    assert.match(refused({ allowed_hosts: ['a.example.com'], allow_http: 'yes' }), /^params\.http\.allow_http: expected a boolean/)
    assert.match(refused({ allowed_hosts: ['a.example.com'], max_requests: HTTP_DEFAULTS.maxRequests + 1 }), /^params\.http\.max_requests: must be ≤ 16/)
    assert.match(refused({ allowed_hosts: ['a.example.com'], max_response_body_bytes: HTTP_DEFAULTS.maxResponseBodyBytes + 1 }), /^params\.http\.max_response_body_bytes: must be ≤/)
    assert.match(refused({ allowed_hosts: ['a.example.com'], max_redirects: -1 }), /^params\.http\.max_redirects: must be ≥ 0/)
    assert.match(refused({ allowed_hosts: ['a.example.com'], timeout_ms: 0 }), /^params\.http\.timeout_ms: must be ≥ 1/)
    assert.match(refused({ allowed_hosts: ['a.example.com'], max_requests: 1.5 }), /^params\.http\.max_requests: expected an integer/)
  })
})
