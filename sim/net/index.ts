/**
 * sim/net: the scale-mode network. A seeded in-process "internet" (SimNetwork) with per-link latency
 * distributions, jitter, bandwidth, loss and partitions; a libp2p transport over it; plaintext framing; the
 * bare-gossipsub baseline and the dissemination probe.
 */
export { SimNetwork, installNetwork, installedNetwork, type SimNetworkInit, type HostCounters } from './network.js'
export { simTransport, type SimTransportInit } from './transport.js'
export { plaintext, PLAINTEXT_PROTOCOL } from './plaintext.js'
export { DEFAULT_LINK, drawLatency, type LinkSpec, type LatencyDistribution } from './link.js'
export { createRng, type Rng } from './prng.js'
export { dialPlan } from './topology.js'
export { GossipProbe, countReceivedCopies, quantile, type GossipFigures } from './gossip-probe.js'
export { startBareMesh, type BareMesh, type BareMeshInit } from './bare-mesh.js'
