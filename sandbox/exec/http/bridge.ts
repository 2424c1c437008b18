/**
 * Synchronous HTTP for a guest: wasm calls its imports synchronously and a worker cannot await, so the worker
 * posts the request on a MessagePort and sleeps on a shared flag (Atomics.wait); the pool side performs it with
 * the node's fetcher, posts the exchange back and wakes the worker, which takes it with receiveMessageOnPort.
 * A fetch that never ends is ended by the pool's wall clock (the worker is terminated: a local failure).
 */
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads'
import type { HttpExchange, HttpFetcher, HttpRequestSpec } from './exchange.js'
import type { HttpPolicy } from './policy.js'

/** The worker's end (structured-cloneable; the port goes in the transfer list). */
export interface HttpChannel {
  port: MessagePort
  flag: Int32Array
}

export function requestSync (channel: HttpChannel, spec: HttpRequestSpec): HttpExchange {
  Atomics.store(channel.flag, 0, 0)
  channel.port.postMessage(spec)
  Atomics.wait(channel.flag, 0, 0)
  const reply = receiveMessageOnPort(channel.port)
  if (reply == null) return { outcome: { kind: 'local_failure', timeout: false, message: 'no reply from the fetcher' }, hops: [] }
  return reply.message as HttpExchange
}

/** The pool's end: serves one job's requests until closed. */
export function openHttpChannel (fetcher: HttpFetcher, policy: HttpPolicy): { channel: HttpChannel, close: () => void } {
  const { port1, port2 } = new MessageChannel()
  const flag = new Int32Array(new SharedArrayBuffer(4))
  port1.on('message', (spec: HttpRequestSpec) => {
    void fetcher.fetch(spec, policy)
      .catch((err: unknown): HttpExchange => ({ outcome: { kind: 'local_failure', timeout: false, message: String(err) }, hops: [] }))
      .then(exchange => {
        port1.postMessage(exchange)
        Atomics.store(flag, 0, 1)
        Atomics.notify(flag, 0)
      })
  })
  port1.unref()
  return { channel: { port: port2, flag }, close: () => { port1.close() } }
}
