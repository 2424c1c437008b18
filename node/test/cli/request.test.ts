/**
 * `outlayer request` end to end on a real localnet with the real contract. The test stands in for the mesh:
 * the assigned workers commit and reveal (verification v2), and one of them resolves.
 * The CLI must print the callback's value once the contract resumes, and exit by the outcome.
 */
import assert from 'node:assert/strict'
import { startLocalnet, type Localnet } from '../../../localnet/index.js'
import { deployOutlayer } from '../../../scripts/deploy.js'
import { createOutlayerClient, normaliseRequest, type OutlayerClient } from '../../chain/index.js'
import { generateNearKey } from '../../keys.js'
import {
  EMPTY_TRANSCRIPT_HASH, attestationDigestV2, commitHash, commitSalt, nearToYocto, parseSecretKey, sha256Hex, sign, toBytes, toHex
} from '../../../protocol/index.js'
import { contextOf } from '../../roles/worker/index.js'
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
    ;({ contractId } = await deployOutlayer({
      rpcUrl: net.rpcUrl, networkId: net.networkId, masterAccountId: net.root.accountId, masterSecretKey: net.root.secretKey
    }))
    const clientFor = (accountId: string, secretKey: string): OutlayerClient => createOutlayerClient({
      rpcUrl: net.rpcUrl, contractId, accountId, secretKey
    })
    operator = clientFor(net.root.accountId, net.root.secretKey)
    const minBond = (await operator.getConfig()).minBond
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

  /**
   * Waits for a new pending request; the first `signers` assigned workers commit to `output` (verification v2),
   * every other assigned worker withholds; once the phase closed, the first signer resolves with their reveals.
   */
  async function actAsMesh (opts: { signers: number, output: string, success?: boolean, error?: string }): Promise<{ requestId: string, signers: string[] }> {
    const requestId = await nextPendingRequest()
    const view = (await operator.getRequest(requestId))!
    const { networkId } = await operator.getConfig()
    const success = opts.success ?? true
    const error = opts.error ?? ''
    const output = success ? toBytes(opts.output) : new Uint8Array(0)
    const signers = view.assignment!.assigned.slice(0, opts.signers).map(id => workers.find(w => w.accountId === id)!)
    const reveals = await Promise.all(signers.map(async w => {
      const key = parseSecretKey(w.signingKey)
      const digest = attestationDigestV2({
        ...contextOf(view.request!, contractId, networkId, w.accountId),
        codeHash: wasmHash, success, output, error, instructions: 4242n, transcriptHash: EMPTY_TRANSCRIPT_HASH
      })
      const salt = commitSalt(key.secretKey, BigInt(requestId))
      await w.client.commitResult(requestId, toHex(commitHash(digest, salt)))
      return { worker_id: w.accountId, salt: toHex(salt), signature: Buffer.from(sign(digest, key.secretKey)).toString('base64') }
    }))
    while ((await operator.getAssignment(requestId))?.phase !== 'revealing') await new Promise(resolve => setTimeout(resolve, 100))
    await signers[0]!.client.resolveExecution(requestId, {
      code_hash: wasmHash,
      success,
      output: Buffer.from(output).toString('base64'),
      ...(error !== '' ? { error } : {}),
      resources_used: { instructions: '4242' }
    }, reveals)
    return { requestId, signers: signers.map(w => w.accountId) }
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
    const { requestId, signers } = await actAsMesh({ signers: 2, output: 'hello mesh' })
    const r = await cli
    assert.equal(r.code, 0, r.stderr)
    const out = JSON.parse(r.stdout) as Record<string, unknown>
    assert.equal(out.result, 'hello mesh')
    assert.equal(out.success, true)
    assert.equal(out.requestId, requestId)
    assert.deepEqual(new Set(out.workers as string[]), new Set(signers))
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
