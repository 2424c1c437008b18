/** A prepared component as bytes (JSON: glue + base64 instrumented cores): the disk cache's and the preparation thread's format. */
import type { InstrumentedComponent } from './admit.js'

interface Stored { glue: string, cores: Array<[string, string]> }

export function encodeComponent (c: InstrumentedComponent): Uint8Array {
  const stored: Stored = { glue: c.glue, cores: c.cores.map(([name, bytes]) => [name, Buffer.from(bytes).toString('base64')]) }
  return new TextEncoder().encode(JSON.stringify(stored))
}

export function decodeComponent (bytes: Uint8Array): InstrumentedComponent {
  const stored = JSON.parse(new TextDecoder().decode(bytes)) as Stored
  return { glue: stored.glue, cores: stored.cores.map(([name, b64]) => [name, new Uint8Array(Buffer.from(b64, 'base64'))]) }
}
