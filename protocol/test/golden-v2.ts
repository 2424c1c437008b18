import { EMPTY_TRANSCRIPT_HASH, sha256Hex, type AttestationV2 } from '../index.js'

/** The vector of protocol/test/golden-v2.py (hashlib only); contract/test/attestation.test.ts checks the same bytes on chain. */
export const GOLDEN_V2: AttestationV2 = {
  networkId: 'localnet',
  contractId: 'outlayer.test.near',
  requestId: 42n,
  dataId: '11'.repeat(32),
  inputHash: sha256Hex('{"a":1}'),
  seed: '22'.repeat(32),
  workerId: 'worker-0.test.near',
  codeHash: 'ab'.repeat(32),
  success: true,
  output: new TextEncoder().encode('{"numbers":[1,2,3]}'),
  error: '',
  instructions: 1_234_567n,
  transcriptHash: EMPTY_TRANSCRIPT_HASH
}
