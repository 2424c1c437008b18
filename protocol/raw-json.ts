/**
 * A JSON object's top-level members as byte spans of the source, for rules that compare and emit values by their
 * text without decoding them (aggregation.ts per_field). Strict RFC 8259 grammar over bytes, never throws; the
 * contract's contract/sdk/json-raw.ts is the same scanner (contract/test/median-rule.test.ts runs both).
 */
export interface RawMember { keyStart: number, keyEnd: number, valueStart: number, valueEnd: number }

/** containers nested inside the top-level object */
const MAX_RAW_DEPTH = 32
const ESCAPES = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74])

const isWs = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39
const isHexDigit = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)

class Scanner {
  pos = 0
  constructor (readonly src: Uint8Array) {}

  peek (): number { return this.pos < this.src.length ? this.src[this.pos] as number : -1 }
  eat (c: number): boolean {
    if (this.peek() !== c) return false
    this.pos++
    return true
  }

  ws (): void { while (isWs(this.peek())) this.pos++ }
  word (w: string): boolean {
    for (let i = 0; i < w.length; i++) if (!this.eat(w.charCodeAt(i))) return false
    return true
  }

  digits (): number {
    const start = this.pos
    while (isDigit(this.peek())) this.pos++
    return this.pos - start
  }

  number (): boolean {
    this.eat(0x2d)
    if (this.eat(0x30)) {
      if (isDigit(this.peek())) return false
    } else if (this.digits() === 0) return false
    if (this.eat(0x2e) && this.digits() === 0) return false
    if (this.eat(0x65) || this.eat(0x45)) {
      if (!this.eat(0x2b)) this.eat(0x2d)
      if (this.digits() === 0) return false
    }
    return true
  }

  /** A string from its opening quote; escapes checked, control characters refused. */
  str (): boolean {
    this.pos++
    while (this.pos < this.src.length) {
      const c = this.src[this.pos++] as number
      if (c === 0x22) return true
      if (c < 0x20) return false
      if (c !== 0x5c) continue
      const e = this.peek()
      this.pos++
      if (e === 0x75) {
        for (let i = 0; i < 4; i++) { if (!isHexDigit(this.peek())) return false; this.pos++ }
      } else if (!ESCAPES.has(e)) return false
    }
    return false
  }

  value (depth: number): boolean {
    if (depth > MAX_RAW_DEPTH) return false
    this.ws()
    const c = this.peek()
    if (c === 0x7b || c === 0x5b) {
      const close = c === 0x7b ? 0x7d : 0x5d
      this.pos++
      this.ws()
      if (this.eat(close)) return true
      while (true) {
        if (c === 0x7b) {
          this.ws()
          if (this.peek() !== 0x22 || !this.str()) return false
          this.ws()
          if (!this.eat(0x3a)) return false
        }
        if (!this.value(depth + 1)) return false
        this.ws()
        if (this.eat(0x2c)) continue
        return this.eat(close)
      }
    }
    if (c === 0x22) return this.str()
    if (c === 0x74) return this.word('true')
    if (c === 0x66) return this.word('false')
    if (c === 0x6e) return this.word('null')
    if (c === 0x2d || isDigit(c)) return this.number()
    return false
  }
}

/** The top-level members of `src` when it is exactly one JSON object (whitespace around it allowed), else undefined. */
export function objectMembers (src: Uint8Array): RawMember[] | undefined {
  const s = new Scanner(src)
  s.ws()
  if (!s.eat(0x7b)) return undefined
  const members: RawMember[] = []
  s.ws()
  if (!s.eat(0x7d)) {
    while (true) {
      s.ws()
      if (s.peek() !== 0x22) return undefined
      const keyStart = s.pos + 1
      if (!s.str()) return undefined
      const keyEnd = s.pos - 1
      s.ws()
      if (!s.eat(0x3a)) return undefined
      s.ws()
      const valueStart = s.pos
      if (!s.value(1)) return undefined
      members.push({ keyStart, keyEnd, valueStart, valueEnd: s.pos })
      s.ws()
      if (s.eat(0x2c)) continue
      if (!s.eat(0x7d)) return undefined
      break
    }
  }
  s.ws()
  return s.pos === src.length ? members : undefined
}

/** src[start, end) without the whitespace outside strings: the compact text of a valid JSON value. */
export function compactJson (src: Uint8Array, start: number, end: number): Uint8Array {
  const out: number[] = []
  let inString = false
  let escaped = false
  for (let i = start; i < end; i++) {
    const c = src[i] as number
    if (inString) {
      if (escaped) escaped = false
      else if (c === 0x5c) escaped = true
      else if (c === 0x22) inString = false
    } else if (isWs(c)) continue
    else if (c === 0x22) inString = true
    out.push(c)
  }
  return Uint8Array.from(out)
}
