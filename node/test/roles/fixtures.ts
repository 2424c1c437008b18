/** Real parts for the role unit tests: a silent logger, an in-memory gossip bus, a watcher stand-in, an HTTP server. */
import { EventEmitter } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { MessageType, PayloadOf } from '../../../protocol/index.js'
import type { ChainWatcherEvents } from '../../chain/index.js'
import { createLogger, type Logger } from '../../log.js'
import type { Envelope, EnvelopeHandler, MeshNode } from '../../p2p/index.js'

export const silent: Logger = createLogger('test', { level: 'silent' })

/** What a role sees of the mesh: every publish is recorded and delivered to this node's own handlers. */
export class GossipBus implements Pick<MeshNode, 'publish' | 'on'> {
  readonly published: Array<{ type: MessageType, payload: unknown }> = []
  private readonly handlers = new Map<MessageType, Set<EnvelopeHandler<MessageType>>>()
  async publish<T extends MessageType> (type: T, payload: PayloadOf<T>): Promise<number> {
    this.published.push({ type, payload })
    return 1
  }

  /** a message from another peer (roles read the payload and its signer only; the envelope was p2p's to check) */
  deliver<T extends MessageType> (type: T, payload: PayloadOf<T>, sender?: string): void {
    for (const h of this.handlers.get(type) ?? []) void (h as EnvelopeHandler<T>)(payload, { sender } as Envelope<T>, 'peer')
  }

  on<T extends MessageType> (type: T, handler: EnvelopeHandler<T>): () => void {
    const set = this.handlers.get(type) ?? new Set()
    set.add(handler as unknown as EnvelopeHandler<MessageType>)
    this.handlers.set(type, set)
    return () => { set.delete(handler as unknown as EnvelopeHandler<MessageType>) }
  }

  count (type: MessageType): number { return this.published.filter(p => p.type === type).length }
}

/** The chain watcher's events, driven by the test (the watcher itself has its own tests on localnet). */
export class WatcherStandIn extends EventEmitter<ChainWatcherEvents> {
  current = 0
  height (): number { return this.current }
}

/** An HTTP server on 127.0.0.1 whose answer the test sets; counts the requests it served. */
export async function serve (answer: () => { status: number, body?: Uint8Array }): Promise<{ url: string, hits: () => number, close: () => Promise<void> }> {
  let hits = 0
  const server: Server = createServer((_req, res) => {
    hits++
    const { status, body } = answer()
    res.writeHead(status, { 'content-type': 'application/wasm' }).end(body != null ? Buffer.from(body) : undefined)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/code.wasm`,
    hits: () => hits,
    close: async () => await new Promise<void>(resolve => server.close(() => resolve()))
  }
}
