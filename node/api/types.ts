/**
 * What a running node reports at GET /status (and the dashboard and `outlayer status` read).
 * JSON-safe on purpose: request ids and amounts are decimal strings, heights are numbers.
 */
import type { Role } from '../config.js'

/** The life of a job on this node, as the worker counts it in `outlayer_jobs_total{status}`. */
export const JOB_STATES = ['seen', 'skipped', 'claimed', 'executed', 'attested', 'failed', 'resolved', 'expired'] as const
export type JobState = typeof JOB_STATES[number]

export interface PeerStatus {
  peerId: string
  /** the remote multiaddr of the connection, when known */
  addr?: string
}

export interface LeaseStatus {
  /** u64 as a decimal string */
  requestId: string
  /** block height at which the lease expires */
  expiresAtBlock: number
}

export interface JobStatus {
  /** u64 as a decimal string */
  requestId: string
  state: JobState
  /** short human form of the code source, e.g. `github.com/o/r@abc123` or `wasm:ab12…` */
  source?: string
  /** ms since the epoch of the last state change */
  updatedAtMs: number
  /** why the job failed or was skipped (a fixed code, not free text from the network) */
  reason?: string
}

export interface NodeStatus {
  peerId: string
  network: string
  roles: Role[]
  /** the worker's NEAR account */
  accountId: string
  contractId: string
  listenAddrs: string[]
  peers: PeerStatus[]
  chain: {
    /** last block height the chain watcher processed; null before the first block */
    height: number | null
    /** ms since the epoch when that block was processed */
    updatedAtMs?: number
  }
  leases: LeaseStatus[]
  jobs: JobStatus[]
}

/** The node side of the API: a snapshot of its state, sync or async. */
export type StatusSource = () => NodeStatus | Promise<NodeStatus>
