/** The OpenAPI 3.1 document the node serves at /openapi.json: every explorer route, its parameters and errors. */
import { EXECUTION_STATUSES } from './index-record.js'

const page = [
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
  { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, maximum: 1000000, default: 0 } }
]
const search = [
  { name: 'q', in: 'query', description: 'request id, or part of the caller or source', schema: { type: 'string', maxLength: 128 } },
  { name: 'caller', in: 'query', schema: { type: 'string' } },
  { name: 'status', in: 'query', schema: { enum: EXECUTION_STATUSES } }
]
const id = [{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^(0|[1-9][0-9]{0,19})$' } }]
const errors = {
  400: { $ref: '#/components/responses/Error' }, 404: { $ref: '#/components/responses/Error' },
  405: { $ref: '#/components/responses/Error' }, 502: { $ref: '#/components/responses/Error' }
}
const get = (summary: string, parameters: unknown[] = []): unknown => ({ get: { summary, parameters, responses: { 200: { description: 'JSON' }, ...errors } } })

export const OPENAPI = {
  openapi: '3.1.0',
  info: { title: 'outlayer-mesh node API', version: '1.0.0', description: 'Read from the chain (events and views), the node\'s store and the mesh. Amounts are yocto decimal strings.' },
  paths: {
    '/api/executions': get('executions, newest first; ?tx=<hash> returns the one a request_execution transaction created', [...page, ...search, { name: 'tx', in: 'query', schema: { type: 'string' } }]),
    '/api/executions/{id}': get('one request: timeline steps (block, tx), workers and whether they agreed, slashes, the response, and `transcript` (the I/O transcript entries) when this node ran the request and its transcript hashes to the agreed one', id),
    '/api/workers': get('registered workers with bond, counts, earnings, uptime, reputation (and its formula)', page),
    '/api/network': get('peers, gossip health per topic, DHT build records, chain height and lag', page),
    '/api/contract': get('contract id, network, get_config, get_pricing, get_max_limits'),
    '/api/estimate': get('estimate_execution_cost for these limits', [
      { name: 'max_instructions', in: 'query', schema: { type: 'integer' } }, { name: 'max_memory_mb', in: 'query', schema: { type: 'integer' } },
      { name: 'max_execution_seconds', in: 'query', schema: { type: 'integer' } }, { name: 'source', in: 'query', schema: { enum: ['GitHub', 'WasmUrl', 'Project'] } }]),
    '/api/tx-context': get('nonce of an access key and a final block hash, to sign a transaction in the browser', [
      { name: 'account_id', in: 'query', required: true, schema: { type: 'string' } }, { name: 'public_key', in: 'query', required: true, schema: { type: 'string' } }]),
    '/api/tx': { post: { summary: 'relay a transaction signed in the browser (body {signed_tx_base64}, ≤ 64 KiB); returns {tx_hash}', responses: { 200: { description: 'JSON' }, ...errors } } },
    '/api/secrets': get('with accessor: get_secrets, the stored ciphertext record of (owner, accessor, profile); without: the owner\'s records (ids, newest first) from the indexed secrets_stored / secrets_deleted events', [
      { name: 'owner', in: 'query', required: true, schema: { type: 'string' } }, { name: 'accessor', in: 'query', description: 'JSON', schema: { type: 'string' } },
      { name: 'profile', in: 'query', schema: { type: 'string', default: 'default' } }, ...page]),
    '/api/keystore-group': get('get_keystore_group, checked: {group: {version, group_key (hex ristretto255), threshold, members} | null}, the key the Secrets page encrypts to'),
    '/public/jobs': get('OutLayer shape: {jobs, total, limit, offset}', [...page, ...search]),
    '/public/workers': get('OutLayer shape: {workers, total, limit, offset}', page),
    '/public/stats': get('OutLayer shape: totals'),
    '/attestations/{id}': get('OutLayer shape: the signatures of a request with the registered keys and what each signed, for a recheck', id),
    '/status': get('this node: peers, leases, jobs, chain height'),
    '/health': get('liveness'),
    '/metrics': get('Prometheus text')
  },
  components: {
    responses: {
      Error: { description: 'an error', content: { 'application/json': { schema: { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } } } } } }
    }
  }
} as const
