// Outside HTTP for the examples, over the executor's `outlayer` host module (sandbox/exec/http/p1-host.ts):
// http_fetch(req_ptr, req_len, resp_len_ptr) then http_response(buf_ptr), both JSON.
import { JValue, parse, stringify, J_ARR, J_NUM, J_OBJ, J_STR } from './json'

@external('outlayer', 'http_fetch')
declare function http_fetch (reqPtr: usize, reqLen: u32, respLenPtr: usize): u32

@external('outlayer', 'http_response')
declare function http_response (bufPtr: usize): u32

/** An answer: `status` and `body`, or `error` (a wasi:http error code such as HTTP-request-denied) and `detail`. */
export class HttpAnswer {
  status: i32 = 0
  body: string = ''
  error: string = ''
  detail: string = ''
  get ok (): bool { return this.error.length == 0 && this.status >= 200 && this.status < 300 }
  /** one line for an error message */
  describe (): string { return this.error.length > 0 ? this.error + (this.detail.length > 0 ? ' (' + this.detail + ')' : '') : 'status ' + this.status.toString() }
}

function fail (error: string, detail: string): HttpAnswer { const a = new HttpAnswer(); a.error = error; a.detail = detail; return a }

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

function base64Decode (s: string): ArrayBuffer {
  const out = new Uint8Array(s.length * 3 / 4 + 3)
  let n = 0
  let acc: u32 = 0
  let bits = 0
  for (let i = 0; i < s.length; i++) {
    const v = B64.indexOf(s.charAt(i))
    if (v < 0) continue // '=' padding
    acc = (acc << 6) | <u32>v
    bits += 6
    if (bits >= 8) { bits -= 8; out[n++] = <u8>(acc >> bits) }
  }
  return out.buffer.slice(0, n)
}

/** One request; `headers` are [name, value] pairs, `body` UTF-8 text (empty: none). */
export function fetch (method: string, url: string, headers: string[][] = [], body: string = ''): HttpAnswer {
  const hs = JValue.array()
  for (let i = 0; i < headers.length; i++) hs.push(JValue.array().push(JValue.string(headers[i][0])).push(JValue.string(headers[i][1])))
  const req = JValue.object().set('method', JValue.string(method)).set('url', JValue.string(url)).set('headers', hs)
  if (body.length > 0) req.set('body', JValue.string(body))
  const bytes = String.UTF8.encode(stringify(req))
  const lenBox = new Uint32Array(1)
  const errno = http_fetch(changetype<usize>(bytes), <u32>bytes.byteLength, lenBox.dataStart)
  if (errno != 0) return fail('host-errno', errno.toString())
  const answer = new ArrayBuffer(<i32>lenBox[0])
  http_response(changetype<usize>(answer))
  const json = parse(String.UTF8.decode(answer))
  if (json == null || json.kind != J_OBJ) return fail('bad-host-answer', '')
  const error = json.get('error')
  if (error != null && error.kind == J_STR) {
    const detail = json.get('detail')
    return fail(error.str, detail != null && detail.kind == J_STR ? detail.str : '')
  }
  const a = new HttpAnswer()
  a.status = <i32>json.numberOr('status', 0)
  const b64 = json.get('body_base64')
  if (b64 != null && b64.kind == J_STR) a.body = String.UTF8.decode(base64Decode(b64.str))
  return a
}

/**
 * The value at a dotted path (`data.price`, `result.XXBTZUSD.c.0`: array indices as numbers) as a finite
 * number; JSON numbers and numeric strings both count (some APIs quote prices). NaN when absent.
 */
export function numberAt (root: JValue, path: string): f64 {
  let v: JValue | null = root
  const steps = path.length == 0 ? new Array<string>() : path.split('.')
  for (let i = 0; i < steps.length && v != null; i++) {
    const cur: JValue = v
    if (cur.kind == J_OBJ) v = cur.get(steps[i])
    else if (cur.kind == J_ARR) {
      const k = I32.parseInt(steps[i])
      v = k >= 0 && k < cur.items.length ? cur.items[k] : null
    } else v = null
  }
  if (v == null) return NaN
  const found: JValue = v
  if (found.kind == J_NUM) return found.num
  if (found.kind == J_STR && found.str.length > 0) return parseFloat(found.str)
  return NaN
}

/** The median of finite values (the mean of the middle two for an even count); NaN for none. */
export function median (values: f64[]): f64 {
  const xs = values.filter(x => isFinite(x))
  if (xs.length == 0) return NaN
  xs.sort((a, b) => a < b ? -1 : a > b ? 1 : 0)
  const mid = xs.length >> 1
  return xs.length % 2 == 1 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2
}

/** stderr line and exit code 1: a run that cannot produce its output says why */
export function die (message: string): void {
  process.stderr.write(message + '\n')
  process.exit(1)
}
