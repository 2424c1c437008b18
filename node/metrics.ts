/**
 * Every Prometheus metric of a node (issue 7 §8), defined once. Only this file and node/cli import prom-client;
 * other parts receive the `Metrics` object through their components, and it is always optional there.
 *
 * Each node gets its own Registry by default, so many nodes can live in one process (tests, sim/) without
 * their counters mixing; pass a shared registry plus `defaultLabels: { node }` to serve them from one /metrics.
 * Names follow Prometheus conventions: `outlayer_` prefix, `_total` for counters, units as suffixes, time in seconds.
 * Label values are always drawn from fixed sets (topic names, error codes, statuses), never from free text.
 */
import { Counter, Gauge, Histogram, Registry, exponentialBuckets } from 'prom-client'

export { Registry }

export interface MetricsOptions {
  /** labels added to every metric, e.g. `{ node: 'n03' }` when nodes share a registry */
  defaultLabels?: Record<string, string>
}

export type Metrics = ReturnType<typeof defineMetrics>

export function createMetrics (registry: Registry = new Registry(), opts: MetricsOptions = {}): Metrics {
  if (opts.defaultLabels != null) registry.setDefaultLabels(opts.defaultLabels)
  return defineMetrics(registry)
}

function defineMetrics (registry: Registry) {
  const registers = [registry]
  return {
    registry,

    // ── p2p ───────────────────────────────────────────────────────────────────────────────────────────
    /** connected libp2p peers (set by the p2p layer on connect/disconnect) */
    peers: new Gauge({ name: 'outlayer_p2p_peers', help: 'Connected libp2p peers', registers }),
    /** envelopes received per topic (`tasks`|`attestations`|`builds`), before validation */
    gossipIn: new Counter({ name: 'outlayer_gossip_received_total', help: 'Gossip messages received, before validation', labelNames: ['topic'] as const, registers }),
    /** envelopes this node published per topic */
    gossipOut: new Counter({ name: 'outlayer_gossip_published_total', help: 'Gossip messages published by this node', labelNames: ['topic'] as const, registers }),
    /** envelopes accepted and delivered to handlers */
    gossipAccepted: new Counter({ name: 'outlayer_gossip_accepted_total', help: 'Gossip messages accepted and delivered', labelNames: ['topic'] as const, registers }),
    /**
     * envelopes refused by validation; `action` is `reject` (sender penalised) or `ignore` (dropped silently),
     * `reason` is a fixed validation code (TOO_LARGE, INVALID, BAD_SIGNATURE, STALE, DUPLICATE, WRONG_TYPE, ...)
     */
    gossipRejected: new Counter({ name: 'outlayer_gossip_rejected_total', help: 'Gossip messages refused by validation', labelNames: ['topic', 'action', 'reason'] as const, registers }),
    /** time from an envelope's timestamp to its delivery here */
    gossipDelaySeconds: new Histogram({ name: 'outlayer_gossip_delivery_delay_seconds', help: 'Envelope timestamp to local delivery', buckets: exponentialBuckets(0.001, 2, 14), registers }),
    /** DHT build records put / looked up; `outcome` ok|not_found|error */
    dhtRecords: new Counter({ name: 'outlayer_dht_build_records_total', help: 'DHT build record operations', labelNames: ['op', 'outcome'] as const, registers }),
    /** wasm transfers served to peers; `outcome` ok|not_found|rate_limited|too_large|error */
    wasmServed: new Counter({ name: 'outlayer_wasm_served_total', help: 'Wasm transfer requests served to peers', labelNames: ['outcome'] as const, registers }),
    wasmServedBytes: new Counter({ name: 'outlayer_wasm_served_bytes_total', help: 'Wasm bytes sent to peers', registers }),

    // ── artifacts (worker/builder) ────────────────────────────────────────────────────────────────────
    /** wasm lookups in the local store; `result` hit|miss */
    artifactLookups: new Counter({ name: 'outlayer_artifact_lookups_total', help: 'Local artifact store lookups', labelNames: ['result'] as const, registers }),
    /** wasm fetched from peers; `outcome` ok|hash_mismatch|too_large|no_provider|error */
    artifactFetches: new Counter({ name: 'outlayer_artifact_fetches_total', help: 'Wasm fetches from peers', labelNames: ['outcome'] as const, registers }),
    artifactFetchBytes: new Counter({ name: 'outlayer_artifact_fetch_bytes_total', help: 'Wasm bytes fetched from peers', registers }),
    artifactFetchSeconds: new Histogram({ name: 'outlayer_artifact_fetch_seconds', help: 'Time to fetch a wasm from peers', buckets: exponentialBuckets(0.005, 2, 12), registers }),
    /** local builds; `outcome` ok|error */
    artifactBuilds: new Counter({ name: 'outlayer_artifact_builds_total', help: 'Wasm builds run by this node', labelNames: ['outcome'] as const, registers }),
    artifactBuildSeconds: new Histogram({ name: 'outlayer_artifact_build_seconds', help: 'Wasm build time', buckets: exponentialBuckets(1, 2, 10), registers }),

    // ── jobs (worker) ─────────────────────────────────────────────────────────────────────────────────
    /** job transitions: inc once when a job reaches `status` (seen|skipped|claimed|executed|attested|failed|resolved|expired) */
    jobs: new Counter({ name: 'outlayer_jobs_total', help: 'Jobs that reached each status', labelNames: ['status'] as const, registers }),
    /** jobs currently in each status (set by the worker) */
    jobsActive: new Gauge({ name: 'outlayer_jobs_active', help: 'Jobs currently in each status', labelNames: ['status'] as const, registers }),
    executionFuel: new Histogram({ name: 'outlayer_execution_fuel', help: 'Fuel used per execution', buckets: exponentialBuckets(1_000, 4, 14), registers }),
    executionSeconds: new Histogram({ name: 'outlayer_execution_seconds', help: 'Wall time per execution', buckets: exponentialBuckets(0.001, 2, 16), registers }),
    /** `commit_result` calls; `outcome` ok|refused|error */
    commits: new Counter({ name: 'outlayer_commits_total', help: 'commit_result transactions (ok: the commit is on chain)', labelNames: ['outcome'] as const, registers }),
    /** response votes of consensus runs (roles/worker/consensus.ts); `outcome` a VoteOutcome (accepted|buffered|duplicate|equivocation|not_assigned|wrong_key|other_contract|too_many|dropped) */
    responseVotes: new Counter({ name: 'outlayer_response_votes_total', help: 'Response votes received, by what became of them', labelNames: ['outcome'] as const, registers }),

    // ── aggregator ────────────────────────────────────────────────────────────────────────────────────
    /** attestations collected; `outcome` agree|disagree|invalid (a disagreeing worker is a recorded liar) */
    attestations: new Counter({ name: 'outlayer_attestations_total', help: 'Attestations collected by the aggregator', labelNames: ['outcome'] as const, registers }),
    /** `resolve_execution` submits; `outcome` ok|duplicate|error (a duplicate does no harm and is counted) */
    resolveSubmits: new Counter({ name: 'outlayer_resolve_submits_total', help: 'resolve_execution transactions sent', labelNames: ['outcome'] as const, registers }),
    /** blocks from the request's block to the resolve transaction's block */
    resolveLatencyBlocks: new Histogram({ name: 'outlayer_resolve_latency_blocks', help: 'Blocks from request to resolve', buckets: [1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 50, 100, 200], registers }),

    // ── chain ─────────────────────────────────────────────────────────────────────────────────────────
    chainHeight: new Gauge({ name: 'outlayer_chain_height', help: 'Last block height processed by the chain watcher', registers })
  }
}
