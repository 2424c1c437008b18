/**
 * A synchronous call from a worker to the pool: wasm calls its imports synchronously and a worker cannot await, so
 * the worker posts the request on a MessagePort and sleeps on a shared flag (Atomics.wait); the pool side serves
 * it, posts the answer back and wakes the worker, which takes it with receiveMessageOnPort. Used by the HTTP
 * import (http/bridge.ts) and the NEAR RPC import (near/bridge.ts). A call that never ends is ended by the pool's
 * wall clock (the worker is terminated: a local failure).
 */
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads'

/** The worker's end (structured-cloneable; the port goes in the transfer list). */
export interface SyncChannel {
  port: MessagePort
  flag: Int32Array
}

/** null when the pool side never answered */
export function callSync<Q, R> (channel: SyncChannel, request: Q): R | null {
  Atomics.store(channel.flag, 0, 0)
  channel.port.postMessage(request)
  Atomics.wait(channel.flag, 0, 0)
  const reply = receiveMessageOnPort(channel.port)
  return reply == null ? null : reply.message as R
}

/** The pool's end: serves one job's calls until closed. `serve` must never reject. */
export function openSyncChannel<Q, R> (serve: (request: Q) => Promise<R>): { channel: SyncChannel, close: () => void } {
  const { port1, port2 } = new MessageChannel()
  const flag = new Int32Array(new SharedArrayBuffer(4))
  port1.on('message', (request: Q) => {
    void serve(request).then(answer => {
      port1.postMessage(answer)
      Atomics.store(flag, 0, 1)
      Atomics.notify(flag, 0)
    })
  })
  port1.unref()
  return { channel: { port: port2, flag }, close: () => { port1.close() } }
}
