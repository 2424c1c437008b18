/**
 * simTransport: a libp2p Transport over SimNetwork links. Addresses look like TCP (`/ip4/10.0.0.7/tcp/4001`),
 * so node code and its multiaddr handling are unchanged, and the connection manager's per-host limits and
 * gossipsub's IP-colocation score see one address per simulated host. A dial costs one round trip; every write
 * is delivered after its link direction's delay, in order.
 */
import { serviceCapabilities, transportSymbol, type ComponentLogger, type Connection, type CreateListenerOptions, type DialTransportOptions, type Listener, type ListenerEvents, type PeerId, type Transport, type Upgrader } from '@libp2p/interface'
import { AbstractMultiaddrConnection, type AbstractMultiaddrConnectionInit } from '@libp2p/utils'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { TypedEventEmitter } from 'main-event'
import type { LinkDirection } from './link.js'
import { SimError } from '../errors.js'
import { installedNetwork, type SimNetwork } from './network.js'

export interface SimTransportInit {
  /** the network to use @default the installed one (installNetwork) */
  network?: SimNetwork
}

interface SimTransportComponents { logger: ComponentLogger, peerId: PeerId }

const PORT = 4001

function hostPort (ma: Multiaddr): { host: string, port: number } | undefined {
  const parts = ma.getComponents().filter(c => c.name !== 'p2p')
  if (parts.length !== 2 || parts[0]!.name !== 'ip4' || parts[1]!.name !== 'tcp') return undefined
  return { host: parts[0]!.value!, port: Number(parts[1]!.value) }
}

type Delivery = { at: number, run: () => void }

/** One end of a simulated connection. Writes go through the link direction towards `peer`. */
class SimConnection extends AbstractMultiaddrConnection {
  peer: SimConnection | undefined
  private readonly queue: Delivery[] = []
  private timer: NodeJS.Timeout | undefined
  private untrack: () => void = () => {}

  constructor (init: AbstractMultiaddrConnectionInit, private readonly net: SimNetwork, readonly localHost: string, readonly remoteHost: string, private readonly link: LinkDirection) {
    super(init)
  }

  track (): void { this.untrack = this.net.track(this) }

  cut (reason: string): void {
    this.untrack()
    this.abort(new SimError('PARTITIONED', `link ${this.localHost} ↔ ${this.remoteHost} cut: ${reason}`))
    this.peer?.onRemoteReset()
  }

  private schedule (bytes: number, run: () => void): void {
    const now = Date.now()
    const at = now + this.link.delayFor(bytes, now)
    this.queue.push({ at, run })
    if (this.timer == null) this.arm()
  }

  private arm (): void {
    const head = this.queue[0]
    if (head == null) { this.timer = undefined; return }
    this.timer = setTimeout(() => {
      const now = Date.now()
      while (this.queue.length > 0 && this.queue[0]!.at <= now) this.queue.shift()!.run()
      this.arm()
    }, Math.max(0, head.at - Date.now()))
  }

  sendData (data: Parameters<AbstractMultiaddrConnection['sendData']>[0]): { sentBytes: number, canSendMore: boolean } {
    const bytes = data.subarray()
    const copy = new Uint8Array(bytes)
    const mine = this.net.count(this.localHost)
    mine.bytesOut += copy.byteLength
    mine.writes++
    this.schedule(copy.byteLength, () => {
      const peer = this.peer
      if (peer == null || peer.status !== 'open') return
      this.net.count(peer.localHost).bytesIn += copy.byteLength
      peer.onData(copy)
    })
    return { sentBytes: copy.byteLength, canSendMore: true }
  }

  sendReset (): void {
    this.untrack()
    this.schedule(0, () => { if (this.peer?.status === 'open') this.peer.onRemoteReset() })
  }

  async sendClose (): Promise<void> {
    this.untrack()
    await new Promise<void>(resolve => {
      this.schedule(0, () => {
        this.peer?.onTransportClosed()
        resolve()
      })
    })
    this.onTransportClosed()
  }

  sendPause (): void {}
  sendResume (): void {}
}

class SimListener extends TypedEventEmitter<ListenerEvents> implements Listener {
  private addr: Multiaddr | undefined
  host: string | undefined

  constructor (private readonly transport: SimTransport, private readonly upgrader: Upgrader) { super() }

  async listen (ma: Multiaddr): Promise<void> {
    const hp = hostPort(ma)
    if (hp == null) throw new SimError('REFUSED', `not a simulated address: ${ma.toString()}`)
    const host = hp.host === '127.0.0.1' || hp.host === '0.0.0.0' ? this.transport.localHost() : hp.host
    this.transport.net.listen(host, this)
    this.transport.bindHost(host)
    this.host = host
    this.addr = multiaddr(`/ip4/${host}/tcp/${hp.port === 0 ? PORT : hp.port}`)
    this.safeDispatchEvent('listening')
  }

  accept (conn: SimConnection): void {
    this.upgrader.upgradeInbound(conn, { signal: AbortSignal.timeout(30_000) }).catch(err => { conn.abort(err as Error) })
  }

  getAddrs (): Multiaddr[] { return this.addr != null ? [this.addr] : [] }

  async close (): Promise<void> {
    if (this.host != null) this.transport.net.unlisten(this.host, this)
    this.host = undefined
    this.safeDispatchEvent('close')
  }

  updateAnnounceAddrs (): void {}
}

class SimTransport implements Transport {
  readonly [transportSymbol] = true
  readonly [Symbol.toStringTag] = '@outlayer/sim-transport'
  readonly [serviceCapabilities] = ['@libp2p/transport']
  private nextPort = 50000

  constructor (private readonly components: SimTransportComponents, readonly net: SimNetwork) {}

  /** the host this node dials from: the one its peer id is bound to, so a restarted node keeps its address */
  localHost (): string { return this.net.hostOf(this.components.peerId.toString()) }
  bindHost (host: string): void { this.net.bindPeer(this.components.peerId.toString(), host) }

  async dial (ma: Multiaddr, options: DialTransportOptions): Promise<Connection> {
    const target = hostPort(ma)
    if (target == null) throw new SimError('REFUSED', `not a simulated address: ${ma.toString()}`)
    const from = this.localHost()
    const listener = this.net.route<SimListener>(from, target.host)
    const out = this.net.direction(from, target.host)
    const back = this.net.direction(target.host, from)
    // the handshake's round trip
    const now = Date.now()
    await sleep(out.delayFor(64, now) + back.delayFor(64, now), options.signal)
    this.net.route<SimListener>(from, target.host)
    const log = this.components.logger.forComponent('outlayer:sim-transport')
    const localAddr = multiaddr(`/ip4/${from}/tcp/${this.nextPort++}`)
    const outbound = new SimConnection({ remoteAddr: ma, direction: 'outbound', log: log.newScope('out') }, this.net, from, target.host, out)
    const inbound = new SimConnection({ remoteAddr: localAddr, direction: 'inbound', log: log.newScope('in') }, this.net, target.host, from, back)
    outbound.peer = inbound
    inbound.peer = outbound
    outbound.track()
    inbound.track()
    listener.accept(inbound)
    try {
      return await options.upgrader.upgradeOutbound(outbound, options)
    } catch (err) {
      outbound.abort(err as Error)
      throw err
    }
  }

  createListener (options: CreateListenerOptions): Listener { return new SimListener(this, options.upgrader) }

  listenFilter = (addrs: Multiaddr[]): Multiaddr[] => addrs.filter(a => hostPort(a) != null)
  dialFilter = (addrs: Multiaddr[]): Multiaddr[] => addrs.filter(a => hostPort(a) != null)
}

async function sleep (ms: number, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted()
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve() }, ms)
    const onAbort = (): void => { clearTimeout(t); reject(signal?.reason) }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

export function simTransport (init: SimTransportInit = {}): (components: SimTransportComponents) => Transport {
  return (components) => {
    const net = init.network ?? installedNetwork()
    if (net == null) throw new SimError('REFUSED', 'simTransport: no SimNetwork given or installed')
    return new SimTransport(components, net)
  }
}
