/**
 * SimNetwork: the in-process "internet" of a scale-mode run. Hosts are virtual IPv4 addresses (10.x.y.z); each
 * ordered pair of hosts has a link direction (link.ts) drawn from the network's seed; a partition splits hosts
 * into groups, cuts every connection between groups and refuses dials across them until healed. Counts bytes
 * and writes per host, which the report turns into "bytes per node".
 */
import { SimError } from '../errors.js'
import { DEFAULT_LINK, LinkDirection, type LinkSpec } from './link.js'
import { createRng, type Rng } from './prng.js'

export interface SimNetworkInit {
  seed: number
  /** every link unless overridden @default DEFAULT_LINK (5 ms fixed) */
  link?: Partial<LinkSpec>
}

export interface HostCounters { bytesOut: number, bytesIn: number, writes: number, connections: number }

/** What a connection registers so a partition or crash can cut it. */
export interface CuttableConnection { readonly localHost: string, readonly remoteHost: string, cut: (reason: string) => void }


export class SimNetwork {
  readonly rng: Rng
  private defaultSpec: LinkSpec
  private readonly hostSpec = new Map<string, Partial<LinkSpec>>()
  private readonly directions = new Map<string, LinkDirection>()
  private readonly listeners = new Map<string, unknown>()
  private readonly counters = new Map<string, HostCounters>()
  private readonly open = new Set<CuttableConnection>()
  private groups: Map<string, number> | undefined
  private nextHost = 1
  private readonly peerHosts = new Map<string, string>()

  constructor (init: SimNetworkInit) {
    this.rng = createRng(init.seed, 'net')
    this.defaultSpec = { ...DEFAULT_LINK, ...init.link }
  }

  /** The host a peer id lives on: bound by bindPeer or a listen address, else allocated on first use. */
  hostOf (peerId: string): string {
    let host = this.peerHosts.get(peerId)
    if (host == null) this.peerHosts.set(peerId, host = this.allocateHost())
    return host
  }

  bindPeer (peerId: string, host: string): void {
    if (!this.peerHosts.has(peerId)) this.peerHosts.set(peerId, host)
  }

  /** A fresh virtual address, 10.0.0.1, 10.0.0.2, … in allocation order. */
  allocateHost (): string {
    const i = this.nextHost++
    return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`
  }

  /** Change every link (latency/loss changes in a scenario); existing directions keep their queues. */
  setDefaultLink (spec: Partial<LinkSpec>): void {
    this.defaultSpec = { ...this.defaultSpec, ...spec }
    for (const [key, dir] of this.directions) dir.setSpec(this.specFor(...key.split('>') as [string, string]))
  }

  /** Links from and to one host (a slow or lossy node). */
  setHostLink (host: string, spec: Partial<LinkSpec>): void {
    this.hostSpec.set(host, { ...this.hostSpec.get(host), ...spec })
    for (const [key, dir] of this.directions) if (key.split('>').includes(host)) dir.setSpec(this.specFor(...key.split('>') as [string, string]))
  }

  private specFor (from: string, to: string): LinkSpec {
    return { ...this.defaultSpec, ...this.hostSpec.get(to), ...this.hostSpec.get(from) }
  }

  direction (from: string, to: string): LinkDirection {
    const key = `${from}>${to}`
    let dir = this.directions.get(key)
    if (dir == null) this.directions.set(key, dir = new LinkDirection(this.specFor(from, to), this.rng.derive(key)))
    return dir
  }

  listen<L> (host: string, listener: L): void {
    if (this.listeners.has(host)) throw new SimError('ADDRESS_IN_USE', `${host} already has a listener`)
    this.listeners.set(host, listener)
  }

  unlisten (host: string, listener: unknown): void {
    if (this.listeners.get(host) === listener) this.listeners.delete(host)
  }

  /** The listener a dial from `from` reaches, or a typed refusal. */
  route<L> (from: string, to: string): L {
    if (this.blocked(from, to)) throw new SimError('PARTITIONED', `${from} cannot reach ${to}: partitioned`)
    const listener = this.listeners.get(to)
    if (listener == null) throw new SimError('REFUSED', `connection refused by ${to}`)
    return listener as L
  }

  blocked (a: string, b: string): boolean {
    if (this.groups == null) return false
    return (this.groups.get(a) ?? -1) !== (this.groups.get(b) ?? -1)
  }

  /** Splits the hosts into groups (a host in no group is alone); cuts every connection across groups. */
  partition (groups: string[][]): void {
    this.groups = new Map()
    groups.forEach((hosts, g) => { for (const h of hosts) this.groups!.set(h, g) })
    for (const c of [...this.open]) if (this.blocked(c.localHost, c.remoteHost)) c.cut('partition')
  }

  heal (): void { this.groups = undefined }

  /** Cuts every connection of one host (a crash: no FIN, the peers see a reset). */
  cutHost (host: string): void {
    for (const c of [...this.open]) if (c.localHost === host || c.remoteHost === host) c.cut('host down')
  }

  track (c: CuttableConnection): () => void {
    this.open.add(c)
    this.count(c.localHost).connections++
    return () => { this.open.delete(c) }
  }

  count (host: string): HostCounters {
    let c = this.counters.get(host)
    if (c == null) this.counters.set(host, c = { bytesOut: 0, bytesIn: 0, writes: 0, connections: 0 })
    return c
  }

  countersOf (host: string): HostCounters { return { ...this.count(host) } }

  openConnections (): number { return this.open.size }
}

/**
 * The network a scale-mode process runs on. The transport factory reads it when libp2p builds a transport, so
 * node code that calls the transport factory without arguments (node/p2p/libp2p.ts via the adapter's module
 * hook) still lands on the simulated links.
 */
let installed: SimNetwork | undefined
export function installNetwork (net: SimNetwork | undefined): void { installed = net }
export function installedNetwork (): SimNetwork | undefined { return installed }
