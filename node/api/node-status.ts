/** Builds the /status snapshot (node/api/types.ts NodeStatus) from the worker's jobs and the running parts. */
import type { NodeStatus, JobState, JobStatus } from './types.js'
import type { NodeConfig } from '../config.js'
import type { Job } from '../roles/worker/index.js'
import type { MeshNode } from '../p2p/index.js'

const STATE_TO_JOB: Record<Job['state'], JobState> = {
  seen: 'seen', working: 'claimed', attested: 'executed', committed: 'attested', revealed: 'attested', skipped: 'skipped', resolved: 'resolved'
}
const MAX_JOBS = 50

function describeSource (raw: unknown): string | undefined {
  const source = (raw as { source?: Record<string, Record<string, string>> } | null)?.source
  if (source?.GitHub != null) return `${source.GitHub.repo?.replace(/^https?:\/\//, '')}@${String(source.GitHub.commit).slice(0, 12)}`
  if (source?.WasmUrl != null) return `wasm:${String(source.WasmUrl.hash).slice(0, 12)}…`
  if (source?.Project != null) return `project:${source.Project.project_id}`
  return undefined
}

export interface StatusParts {
  config: NodeConfig
  /** the worker's open jobs (none on a node without the worker role) */
  jobs: () => Promise<Job[]>
  mesh: MeshNode
  height: () => { height: number | null, updatedAtMs?: number }
}

export async function nodeStatus ({ config, jobs: openJobs, mesh, height }: StatusParts): Promise<NodeStatus> {
  const open = await openJobs()
  const jobs: JobStatus[] = open.slice(-MAX_JOBS).map(r => ({
    requestId: r.request_id,
    state: STATE_TO_JOB[r.state],
    ...(describeSource(r.raw) != null ? { source: describeSource(r.raw)! } : {}),
    updatedAtMs: r.updated_ms,
    ...(r.note != null ? { reason: r.note.code } : {})
  }))
  return {
    peerId: mesh.peerId,
    network: config.network,
    roles: config.roles,
    accountId: config.near.accountId,
    contractId: config.near.contractId,
    listenAddrs: mesh.multiaddrs(),
    peers: mesh.peers().map(peerId => ({ peerId })),
    chain: height(),
    // verification v2 has no leases: the contract assigns the workers (committed jobs show as `attested`)
    leases: [],
    jobs
  }
}
