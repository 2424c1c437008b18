/**
 * node/p2p/rate: what gossip may make this node spend. The roles ask the guard before every RPC a gossip hint
 * triggers (see lookup-guard.ts); the mesh node builds one per node with `createLookupGuard()`, wired to its
 * peer penalties.
 */
export { GossipLookupGuard, DEFAULT_LOOKUP_GUARD } from './lookup-guard.js'
export type { Admission, LookupGuardInit, LookupRefusal } from './lookup-guard.js'
export { TokenBucket } from './token-bucket.js'
export type { TokenBucketInit } from './token-bucket.js'
