/**
 * The node's durable state: block cursor, requests seen, leases held, own results, collected attestations and
 * submitted transactions. One level database per node, written before any side effect it guards, so that after a
 * kill -9 the node resumes with no double submission and no lost result.
 */
import type { AttestationPayload } from '../../protocol/index.js'

export { openStore } from './level-store.js'
export { StoreError, type StoreErrorCode } from './errors.js'

/** Where a request stands from this node's point of view. */
export type RequestState = 'seen' | 'working' | 'attested' | 'committed' | 'revealed' | 'skipped' | 'resolved'

export interface StoredRequest {
  /** decimal u64 */
  request_id: string
  /** the request object exactly as read from the event or the view (re-validated when loaded) */
  raw: unknown
  state: RequestState
  /** block height at which this node first saw it */
  seen_at: number
  /** why it was skipped or failed, for status output */
  note?: RequestNote
  /** when `state` last changed (ms since epoch) */
  updated_ms?: number
}

/** why a request was skipped or its last attempt failed: a WorkerErrorCode, ArtifactErrorCode or ChainErrorCode */
export interface RequestNote { code: string, message: string }

export interface StoredLease {
  request_id: string
  claimed_at_block: number
  expires_at_block?: number
}

/** An aggregator's submission. `pending` is written before the transaction is sent. */
export interface StoredSubmission {
  request_id: string
  state: 'pending' | 'done' | 'failed'
  /** workers whose signatures went into the submission */
  workers: string[]
  tx_hash?: string
  attempts: number
  /** duplicate or already-resolved submissions seen for this request */
  duplicates: number
  updated_ms: number
  error?: string
}

export interface NodeStore {
  getCursor: () => Promise<number | undefined>
  setCursor: (height: number) => Promise<void>

  getRequest: (requestId: string) => Promise<StoredRequest | undefined>
  /** inserts when new; returns false when the request was already known */
  addRequest: (request: Omit<StoredRequest, 'state'> & { state?: RequestState }) => Promise<boolean>
  setRequestState: (requestId: string, state: RequestState, note?: RequestNote) => Promise<void>
  /** every request not yet `resolved` or `skipped`, in id order */
  openRequests: () => Promise<StoredRequest[]>

  putLease: (lease: StoredLease) => Promise<void>
  getLease: (requestId: string) => Promise<StoredLease | undefined>
  leases: () => Promise<StoredLease[]>

  /** this worker's own signed result for a request, kept until the request is resolved */
  putResult: (result: AttestationPayload) => Promise<void>
  getResult: (requestId: string) => Promise<AttestationPayload | undefined>

  /** aggregator: one attestation per (request, worker); returns false for a duplicate */
  addAttestation: (attestation: AttestationPayload) => Promise<boolean>
  attestations: (requestId: string) => Promise<AttestationPayload[]>

  putSubmission: (submission: StoredSubmission) => Promise<void>
  getSubmission: (requestId: string) => Promise<StoredSubmission | undefined>

  /** drops attestations and results of a resolved request; keeps the request and submission records */
  forget: (requestId: string) => Promise<void>
  /** re-opens a closed store (a node started again after stop); idempotent */
  open: () => Promise<void>
  /** idempotent */
  close: () => Promise<void>
}
