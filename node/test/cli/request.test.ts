/**
 * `outlayer request` end to end on a real localnet with the real contract. The test stands in for the mesh:
 * three registered workers claim leases and sign attestations, and the operator resolves with two of them.
 * The CLI must print the callback's value once the contract resumes, and exit by the outcome.
 */
import assert from 'node:assert/strict'
import { startLocalnet, type Localnet } from '../../../localnet/index.js'
import { deployOutlayer } from '../../../scripts/deploy.js'
import { createOutlayerClient, normaliseRequest, type OutlayerClient } from '../../chain/index.js'
import { generateNearKey } from '../../keys.js'
import { nearToYocto, parseSecretKey, sha256Hex, signAttestation, toBytes } from '../../../protocol/index.js'
import { runCli } from './run-cli.js'

interface Worker { client: OutlayerClient, accountId: string, signingKey: string }

describe('outlayer request (localnet + contract)', function () {
  this.timeout(180_000)
  let net: Localnet
  let contractId: string
  let operator: OutlayerClient
  let workers: Worker[]
  const wasmHash = sha256Hex(toBytes('a wasm the test never runs'))
  const source = `https://example.org/echo.wasm#${wasmHash}`

  before(async () => {
    net = await startLocalnet({ port: 0, blockTimeMs: 100, accounts: 4, yieldTimeoutBlocks: 100 })
    // the root account owns the contract and is its operator (the contract account has no key)
    ;({ contractId } = await deployOutlayer({
      rpcUrl: net.rpcUrl, networkId: net.networkId, masterAccountId: net.root.accountId, masterSecretKey: net.root.secretKey
    }))
    const clientFor = (accountId: string, secretKey: string): OutlayerClient => createOutlayerClient({
      rpcUrl: net.rpcUrl, contractId, accountId, secretKey, operatorAccountId: net.root.accountId, operatorSecretKey: net.root.secretKey
    })
    operator = clientFor(net.root.accountId, net.root.secretKey)
    const minBond = BigInt(String((await operator.getConfig()).min_bond))
    // user0 pays; user1..3 are the workers
    workers = await Promise.all(net.accounts.slice(1, 4).map(async a => {
      const signing = generateNearKey()
      const client = clientFor(a.accountId, a.secretKey)
      await client.registerWorker(signing.publicKey, minBond > 0n ? minBond : nearToYocto('1'))
      return { client, accountId: a.accountId, signingKey: signing.secretKey }
    }))
  })
  after(async () => { await net?.stop() })

  const payer = (): string[] => ['--keys-file', net.keysFile, '--account-id', net.accounts[0]!.accountId, '--contract-id', contractId]

  /** Waits for a new pending request, has `signers` claim and attest `output`, and resolves it as the operator. */
  async function actAsMesh (opts: { signers: number, output: string, success?: boolean, error?: string }): Promise<string> {
    const requestId = await nextPendingRequest()
    const success = opts.success ?? true
    const error = opts.error ?? ''
    const output = success ? toBytes(opts.output) : new Uint8Array(0)
    const signers = workers.slice(0, opts.signers)
    await Promise.all(signers.map(async w => await w.client.claimLease(requestId)))
    const attestations = signers.map(w => {
      const signature = signAttestation({ contractId, requestId: BigInt(requestId), success, output, error, instructions: 4242n }, parseSecretKey(w.signingKey).secretKey)
      return { worker_id: w.accountId, signature: Buffer.from(signature).toString('base64') }
    })
    await operator.resolveExecution(requestId, {
      success,
      ...(output.length > 0 ? { output: Buffer.from(output).toString('base64') } : {}),
      ...(error !== '' ? { error } : {}),
      resources_used: { instructions: '4242', time_ms: 3, compile_time_ms: 0 }
    }, attestations)
    return requestId
  }

  const seen = new Set<string>()
  async function nextPendingRequest (): Promise<string> {
    for (;;) {
      for (const item of await operator.getPendingRequests(0, 50)) {
        const id = normaliseRequest(item)?.request.request_id.toString()
        if (id != null && !seen.has(id)) {
          seen.add(id)
          return id
        }
      }
      await new Promise(resolve => setTimeout(resolve, 100))
    }
  }

  it('R=3, Q=2: prints the output once two workers agree, with request id, workers and payment', async () => {
    const cli = runCli(['request', '--source', source, '--input', '{"name":"mesh"}', '--replicas', '3', '--quorum', '2',
      '--response-format', 'Text', ...payer(), '--json'])
    const requestId = await actAsMesh({ signers: 2, output: 'hello mesh' })
    const r = await cli
    assert.equal(r.code, 0, r.stderr)
    const out = JSON.parse(r.stdout) as Record<string, unknown>
    assert.equal(out.result, 'hello mesh')
    assert.equal(out.success, true)
    assert.equal(out.requestId, requestId)
    assert.deepEqual(out.workers, workers.slice(0, 2).map(w => w.accountId))
    assert.ok(BigInt(out.paymentCharged as string) > 0n, 'the workers were paid')
    assert.match(r.stderr, /sending request_execution/)
  })

  it('prints a Json result as JSON for humans too', async () => {
    const cli = runCli(['request', '--source', source, '--replicas', '1', '--response-format', 'Json', ...payer()])
    await actAsMesh({ signers: 1, output: '{"coin":"heads"}' })
    const r = await cli
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^\{\n {2}"coin": "heads"\n\}\n {2}request \d+ {2}tx \w+/)
  })

  it('a deterministic guest failure agreed by the quorum exits 3 and says why', async () => {
    const cli = runCli(['request', '--source', source, '--replicas', '1', ...payer()])
    await actAsMesh({ signers: 1, output: '', success: false, error: 'exit(2)' })
    const r = await cli
    assert.equal(r.code, 3, r.stderr)
    assert.match(r.stdout, /^failed: exit\(2\)/)
  })

  it('a request the contract refuses exits 2 with the contract\'s reason', async () => {
    const r = await runCli(['request', '--source', source, '--deposit', '0.000000000000000000000001', ...payer()])
    assert.equal(r.code, 2, r.stderr + r.stdout)
    assert.match(r.stdout, /refused: .*deposit/)
  })

  it('nobody resolving: the yield times out, the payer is refunded, exit 4', async () => {
    const r = await runCli(['request', '--source', source, '--replicas', '1', ...payer(), '--json'])
    assert.equal(r.code, 4, r.stderr)
    const out = JSON.parse(r.stdout) as Record<string, unknown>
    assert.equal(out.timedOut, true)
    assert.equal(out.result, null)
    assert.ok(BigInt(out.paymentRefunded as string) > 0n)
  })
})
