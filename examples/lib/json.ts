// A small JSON value, parser and serialiser for the examples (AssemblyScript has no JSON in its stdlib).

export const J_NULL: i32 = 0
export const J_BOOL: i32 = 1
export const J_NUM: i32 = 2
export const J_STR: i32 = 3
export const J_ARR: i32 = 4
export const J_OBJ: i32 = 5

export class JValue {
  kind: i32 = J_NULL
  bool: bool = false
  num: f64 = 0
  str: string = ''
  items: JValue[] = []
  keys: string[] = []

  static null (): JValue { return new JValue() }
  static number (n: f64): JValue { const v = new JValue(); v.kind = J_NUM; v.num = n; return v }
  static string (s: string): JValue { const v = new JValue(); v.kind = J_STR; v.str = s; return v }
  static boolean (b: bool): JValue { const v = new JValue(); v.kind = J_BOOL; v.bool = b; return v }
  static array (): JValue { const v = new JValue(); v.kind = J_ARR; return v }
  static object (): JValue { const v = new JValue(); v.kind = J_OBJ; return v }

  push (v: JValue): JValue { this.items.push(v); return this }
  set (key: string, v: JValue): JValue { this.keys.push(key); this.items.push(v); return this }

  get (key: string): JValue | null {
    if (this.kind != J_OBJ) return null
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] == key) return this.items[i]
    return null
  }

  /** a member, or a JSON null when missing */
  getOrNull (key: string): JValue {
    const v = this.get(key)
    if (v == null) return JValue.null()
    return v
  }

  /** a member as a number, or `fallback` when missing or not a number */
  numberOr (key: string, fallback: f64): f64 {
    const v = this.get(key)
    return v != null && v.kind == J_NUM ? v.num : fallback
  }
}

class Parser {
  pos: i32 = 0
  error: string = ''
  constructor (public src: string) {}

  ws (): void {
    while (this.pos < this.src.length) {
      const c = this.src.charCodeAt(this.pos)
      if (c == 32 || c == 9 || c == 10 || c == 13) this.pos++; else break
    }
  }

  fail (what: string): JValue { if (this.error.length == 0) this.error = what + ' at ' + this.pos.toString(); return JValue.null() }

  value (): JValue {
    this.ws()
    if (this.pos >= this.src.length) return this.fail('unexpected end')
    const c = this.src.charCodeAt(this.pos)
    if (c == 123) return this.object()
    if (c == 91) return this.array()
    if (c == 34) return JValue.string(this.string())
    if (this.src.startsWith('true', this.pos)) { this.pos += 4; return JValue.boolean(true) }
    if (this.src.startsWith('false', this.pos)) { this.pos += 5; return JValue.boolean(false) }
    if (this.src.startsWith('null', this.pos)) { this.pos += 4; return JValue.null() }
    return this.number()
  }

  number (): JValue {
    const start = this.pos
    while (this.pos < this.src.length) {
      const c = this.src.charCodeAt(this.pos)
      if ((c >= 48 && c <= 57) || c == 45 || c == 43 || c == 46 || c == 101 || c == 69) this.pos++; else break
    }
    if (start == this.pos) return this.fail('unexpected character')
    return JValue.number(parseFloat(this.src.substring(start, this.pos)))
  }

  string (): string {
    this.pos++ // opening quote
    let out = ''
    let start = this.pos
    while (this.pos < this.src.length) {
      const c = this.src.charCodeAt(this.pos)
      if (c == 34) { out += this.src.substring(start, this.pos); this.pos++; return out }
      if (c == 92) {
        out += this.src.substring(start, this.pos)
        const e = this.src.charCodeAt(this.pos + 1)
        this.pos += 2
        if (e == 110) out += '\n'
        else if (e == 116) out += '\t'
        else if (e == 114) out += '\r'
        else if (e == 98) out += '\b'
        else if (e == 102) out += '\f'
        else if (e == 117) { out += String.fromCharCode(<i32>I32.parseInt(this.src.substring(this.pos, this.pos + 4), 16)); this.pos += 4 }
        else out += String.fromCharCode(e)
        start = this.pos
      } else this.pos++
    }
    this.fail('unterminated string')
    return out
  }

  array (): JValue {
    const arr = JValue.array()
    this.pos++
    this.ws()
    if (this.src.charCodeAt(this.pos) == 93) { this.pos++; return arr }
    while (this.error.length == 0) {
      arr.push(this.value())
      this.ws()
      const c = this.src.charCodeAt(this.pos++)
      if (c == 93) break
      if (c != 44) return this.fail('expected , or ]')
    }
    return arr
  }

  object (): JValue {
    const obj = JValue.object()
    this.pos++
    this.ws()
    if (this.src.charCodeAt(this.pos) == 125) { this.pos++; return obj }
    while (this.error.length == 0) {
      this.ws()
      if (this.src.charCodeAt(this.pos) != 34) return this.fail('expected a key')
      const key = this.string()
      this.ws()
      if (this.src.charCodeAt(this.pos++) != 58) return this.fail('expected :')
      obj.set(key, this.value())
      this.ws()
      const c = this.src.charCodeAt(this.pos++)
      if (c == 125) break
      if (c != 44) return this.fail('expected , or }')
    }
    return obj
  }
}

/** Parses `src`; on a syntax error returns null and sets `lastError`. */
export let lastError: string = ''
export function parse (src: string): JValue | null {
  const p = new Parser(src)
  const v = p.value()
  p.ws()
  if (p.error.length == 0 && p.pos != src.length) p.error = 'trailing characters at ' + p.pos.toString()
  lastError = p.error
  return p.error.length == 0 ? v : null
}

function quote (s: string): string {
  let out = '"'
  let start = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c == 34 || c == 92 || c < 32) {
      out += s.substring(start, i)
      if (c == 34) out += '\\"'
      else if (c == 92) out += '\\\\'
      else if (c == 10) out += '\\n'
      else if (c == 9) out += '\\t'
      else if (c == 13) out += '\\r'
      else out += '\\u' + c.toString(16).padStart(4, '0')
      start = i + 1
    }
  }
  return out + s.substring(start) + '"'
}

function formatNumber (n: f64): string {
  if (n == Math.floor(n) && Math.abs(n) < 9007199254740992) return (<i64>n).toString()
  return n.toString()
}

export function stringify (v: JValue): string {
  if (v.kind == J_NULL) return 'null'
  if (v.kind == J_BOOL) return v.bool ? 'true' : 'false'
  if (v.kind == J_NUM) return formatNumber(v.num)
  if (v.kind == J_STR) return quote(v.str)
  const parts = new Array<string>()
  if (v.kind == J_ARR) {
    for (let i = 0; i < v.items.length; i++) parts.push(stringify(v.items[i]))
    return '[' + parts.join(',') + ']'
  }
  for (let i = 0; i < v.keys.length; i++) parts.push(quote(v.keys[i]) + ':' + stringify(v.items[i]))
  return '{' + parts.join(',') + '}'
}
