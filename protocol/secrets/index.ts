/** protocol/secrets: threshold-encrypted secrets on ristretto255 (pure; imports nothing of ours outside). */
export { SecretsError, type SecretsErrorCode } from './errors.js'
export { Point, Fn, decodePoint, decodeScalar, encodeScalar, scalarFromWide, identifierScalar, identifierHex, lagrangeAtZero, combinePartials, type Partial } from './group.js'
export { ECIES_VERSION, HEADER_BYTES, OVERHEAD_BYTES, seal, open, openWithShared, parseEcies, ephemeralOf, type SealOptions, type EciesParts } from './ecies.js'
export { MAX_BLOB_BYTES, MAX_PLAINTEXT_BYTES, MAX_ENV_VARS, accessorKey, parseAccessor, secretsLabel, encodeSecrets, decodeSecrets, encryptSecrets, decryptSecrets, type Accessor, type SecretsBinding } from './payload.js'
export { DLEQ_PROOF_BYTES, provePartial, verifyPartial, type PartialWithProof, type KnownPoints } from './dleq.js'
export { DkgSession, memberIdentifier, type DkgRound1, type DkgRound2, type KeystoreShare } from './dkg.js'
export { sealShare, openShare } from './at-rest.js'
export { ReshareError, checkDealings, dealReshare, receiveReshare, type ReshareDealingsArgs, type CheckedDealings, type ReshareDealing, type ReshareSubShare, type ReshareSet, type ReceiveReshareArgs } from './reshare.js'
