/**
 * wasi:http/outgoing-handler and wasi:http/types for components, over the run's HttpSession. A request goes out
 * when the guest first waits on its response (future.get / its pollable), by which time its body is written; the
 * response is whole (capped by the policy) before the guest sees it, so its streams are always ready.
 */
import { isHeaderName } from '../../http/exchange.js'
import type { GuestHttpResult, HttpSession } from '../../http/session.js'
import type { WasiContext } from '../context.js'
import { InputStream, OutputStream, Pollable } from './io.js'
import { signalling } from './signal.js'

type Method = { tag: 'get' | 'head' | 'post' | 'put' | 'delete' | 'connect' | 'options' | 'trace' | 'patch' } | { tag: 'other', val: string }
type Scheme = { tag: 'HTTP' | 'HTTPS' } | { tag: 'other', val: string }

/** header values are octets: one char per byte, as node:http sends them */
const fromOctets = (b: Uint8Array): string => Buffer.from(b).toString('latin1')
/** node:http hands header values as latin1 strings: back to the octets the server sent */
const toOctets = (v: string): Uint8Array => new Uint8Array(Buffer.from(v, 'latin1'))
// eslint-disable-next-line @typescript-eslint/only-throw-error
const fail = (value: unknown): never => { throw value }

class Fields {
  private readonly list: Array<[string, Uint8Array]> = []
  immutable = false

  static fromList (entries: Array<[string, Uint8Array]>): Fields {
    const f = new Fields()
    for (const [name, value] of entries) f.append(name, value)
    return f
  }

  private mutate (): void { if (this.immutable) fail({ tag: 'immutable' }) }
  get (name: string): Uint8Array[] { return this.list.filter(([n]) => n === name.toLowerCase()).map(([, v]) => v) }
  has (name: string): boolean { return this.list.some(([n]) => n === name.toLowerCase()) }
  set (name: string, values: Uint8Array[]): void {
    this.delete(name)
    for (const v of values) this.append(name, v)
  }

  delete (name: string): void {
    this.mutate()
    for (let i = this.list.length - 1; i >= 0; i--) if (this.list[i]?.[0] === name.toLowerCase()) this.list.splice(i, 1)
  }

  append (name: string, value: Uint8Array): void {
    this.mutate()
    if (!isHeaderName(name)) fail({ tag: 'invalid-syntax' })
    // a field value is visible octets, space and tab: no CR, LF, NUL or other control
    if (value.some(b => (b < 0x20 && b !== 0x09) || b === 0x7f)) fail({ tag: 'invalid-syntax' })
    this.list.push([name.toLowerCase(), value.slice()])
  }

  entries (): Array<[string, Uint8Array]> { return this.list.map(([n, v]) => [n, v.slice()]) }
  clone (): Fields { return Fields.fromList(this.list) }
}

class OutgoingBody {
  readonly chunks: Uint8Array[] = []
  finished = false
  private stream: OutputStream | null = null
  constructor (private readonly ctx: WasiContext) {}
  write (): OutputStream {
    if (this.stream != null) fail(undefined)
    this.stream = new OutputStream(this.ctx, bytes => { this.chunks.push(bytes.slice()) })
    return this.stream
  }

  static finish (body: OutgoingBody): void { body.finished = true }
  bytes (): Uint8Array { return new Uint8Array(Buffer.concat(this.chunks)) }
}

class OutgoingRequest {
  private m: Method = { tag: 'get' }
  private scheme_: Scheme | undefined = undefined
  private authority_: string | undefined = undefined
  private path: string | undefined = undefined
  outgoingBody: OutgoingBody | null = null
  constructor (readonly fields: Fields, private readonly ctx: WasiContext) { fields.immutable = true }
  body (): OutgoingBody {
    if (this.outgoingBody != null) fail(undefined)
    this.outgoingBody = new OutgoingBody(this.ctx)
    return this.outgoingBody
  }

  method (): Method { return this.m }
  setMethod (m: Method): void { this.m = m }
  pathWithQuery (): string | undefined { return this.path }
  setPathWithQuery (p: string | undefined): void { this.path = p }
  scheme (): Scheme | undefined { return this.scheme_ }
  setScheme (s: Scheme | undefined): void { this.scheme_ = s }
  authority (): string | undefined { return this.authority_ }
  setAuthority (a: string | undefined): void { this.authority_ = a }
  headers (): Fields { return this.fields }

  methodName (): string { return this.m.tag === 'other' ? this.m.val : this.m.tag.toUpperCase() }
  url (): string {
    const scheme = this.scheme_ == null ? 'https' : this.scheme_.tag === 'other' ? this.scheme_.val : this.scheme_.tag.toLowerCase()
    return `${scheme}://${this.authority_ ?? ''}${this.path ?? '/'}`
  }
}

class RequestOptions {
  private readonly timeouts: Record<string, bigint | undefined> = {}
  connectTimeout (): bigint | undefined { return this.timeouts.connect }
  setConnectTimeout (d: bigint | undefined): void { this.timeouts.connect = d }
  firstByteTimeout (): bigint | undefined { return this.timeouts.first }
  setFirstByteTimeout (d: bigint | undefined): void { this.timeouts.first = d }
  betweenBytesTimeout (): bigint | undefined { return this.timeouts.between }
  setBetweenBytesTimeout (d: bigint | undefined): void { this.timeouts.between = d }
}

class IncomingBody {
  private taken = false
  constructor (private readonly ctx: WasiContext, private readonly body: Uint8Array) {}
  stream (): InputStream {
    if (this.taken) fail(undefined)
    this.taken = true
    return new InputStream(this.ctx, () => this.body)
  }

  static finish (body: IncomingBody): FutureTrailers { return new FutureTrailers(body.ctx) }
}

class FutureTrailers {
  private done = false
  constructor (private readonly ctx: WasiContext) {}
  subscribe (): Pollable { return new Pollable(this.ctx, null) }
  get (): unknown {
    if (this.done) return { tag: 'err', val: undefined }
    this.done = true
    return { tag: 'ok', val: { tag: 'ok', val: undefined } }
  }
}

class IncomingResponse {
  private consumed = false
  constructor (private readonly ctx: WasiContext, private readonly statusCode: number, private readonly fields: Fields, private readonly body: Uint8Array) {
    fields.immutable = true
  }

  status (): number { return this.statusCode }
  headers (): Fields { return this.fields }
  consume (): IncomingBody {
    if (this.consumed) fail(undefined)
    this.consumed = true
    return new IncomingBody(this.ctx, this.body)
  }
}

class FutureIncomingResponse {
  private result: GuestHttpResult | null = null
  private taken = false
  constructor (private readonly ctx: WasiContext, private readonly perform: () => GuestHttpResult) {}
  private settle (): GuestHttpResult {
    this.result ??= signalling(this.perform)
    return this.result
  }

  subscribe (): Pollable {
    const pollable = new Pollable(this.ctx, null)
    pollable.ready = () => { this.settle(); return true }
    return pollable
  }

  get (): unknown {
    if (this.taken) return { tag: 'err', val: undefined }
    const r = this.settle()
    this.taken = true
    if (r.kind === 'refused') return { tag: 'ok', val: { tag: 'err', val: { tag: r.error, val: undefined } } }
    const fields = Fields.fromList(r.headers.map(([n, v]) => [n, toOctets(v)]))
    return { tag: 'ok', val: { tag: 'ok', val: new IncomingResponse(this.ctx, r.status, fields, r.body) } }
  }
}

class IncomingRequest {}
class OutgoingResponse {}
class ResponseOutparam {}

export function httpInterfaces (ctx: WasiContext, session: HttpSession): Record<string, object> {
  const handle = (request: OutgoingRequest): FutureIncomingResponse => {
    if (!(request instanceof OutgoingRequest)) fail({ tag: 'internal-error', val: 'not a request' })
    return new FutureIncomingResponse(ctx, () => session.fetch({
      method: request.methodName(),
      url: request.url(),
      headers: request.fields.entries().map(([n, v]) => [n, fromOctets(v)]),
      body: request.outgoingBody?.bytes() ?? new Uint8Array(0)
    }))
  }
  return {
    'wasi:http/types': {
      Fields,
      // the glue constructs resources with `new`; OutgoingRequest needs the run's context
      OutgoingRequest: class extends OutgoingRequest { constructor (fields: Fields) { super(fields, ctx) } },
      OutgoingBody,
      RequestOptions,
      FutureIncomingResponse,
      IncomingResponse,
      IncomingBody,
      FutureTrailers,
      IncomingRequest,
      OutgoingResponse,
      ResponseOutparam,
      httpErrorCode: () => undefined
    },
    'wasi:http/outgoing-handler': { handle }
  }
}
