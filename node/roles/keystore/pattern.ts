/**
 * AccountPattern matching in linear time: a small regex dialect compiled to a Thompson NFA and simulated with
 * state sets (no backtracking, so no catastrophic patterns). Always anchored: a leading ^ and trailing $ are
 * optional and mean nothing more. Supported: literals, `\` escapes (and \d \w), `.`, classes `[a-z0-9_-]` and
 * `[^…]`, groups `(…)`/`(?:…)`, `|`, `*`, `+`, `?`, `{m}`, `{m,}`, `{m,n}` (n ≤ 64). Anything else is refused.
 * Cost: O(pattern states × account length) with ≤ 4096 states and account ids ≤ 64 characters.
 */
import { fail, type Result } from '../../../protocol/index.js'

const MAX_STATES = 4096
const MAX_REPEAT = 64

type Node =
  | { t: 'char', test: (c: string) => boolean }
  | { t: 'cat', parts: Node[] }
  | { t: 'alt', parts: Node[] }
  | { t: 'rep', node: Node, min: number, max: number } // max = Infinity for unbounded

class PatternSyntax extends Error {}

class Parser {
  private pos = 0
  constructor (private readonly src: string) {}

  parse (): Node {
    const node = this.alt()
    if (this.pos < this.src.length) throw new PatternSyntax(`unexpected "${this.src[this.pos]!}" at ${this.pos}`)
    return node
  }

  private peek (): string | undefined { return this.src[this.pos] }

  private alt (): Node {
    const parts = [this.cat()]
    while (this.peek() === '|') { this.pos++; parts.push(this.cat()) }
    return parts.length === 1 ? parts[0]! : { t: 'alt', parts }
  }

  private cat (): Node {
    const parts: Node[] = []
    while (this.pos < this.src.length && this.peek() !== '|' && this.peek() !== ')') parts.push(this.repeat())
    return { t: 'cat', parts }
  }

  private repeat (): Node {
    let node = this.atom()
    for (;;) {
      const c = this.peek()
      if (c === '*') { this.pos++; node = { t: 'rep', node, min: 0, max: Infinity } } else if (c === '+') { this.pos++; node = { t: 'rep', node, min: 1, max: Infinity } } else if (c === '?') { this.pos++; node = { t: 'rep', node, min: 0, max: 1 } } else if (c === '{') {
        const m = /^\{(\d{1,2})(,(\d{0,2}))?\}/.exec(this.src.slice(this.pos))
        if (m == null) throw new PatternSyntax(`bad repetition at ${this.pos}`)
        this.pos += m[0].length
        const min = Number(m[1])
        const max = m[2] == null ? min : m[3] === '' ? Infinity : Number(m[3])
        if (min > MAX_REPEAT || (max !== Infinity && (max > MAX_REPEAT || max < min))) throw new PatternSyntax(`repetition {${min},${max}} is out of range (≤ ${MAX_REPEAT})`)
        node = { t: 'rep', node, min, max }
      } else return node
    }
  }

  private atom (): Node {
    const c = this.src[this.pos++]
    if (c === '(') {
      if (this.src.startsWith('?:', this.pos)) this.pos += 2
      const inner = this.alt()
      if (this.src[this.pos++] !== ')') throw new PatternSyntax('unclosed group')
      return inner
    }
    if (c === '[') return this.klass()
    if (c === '.') return { t: 'char', test: () => true }
    if (c === '\\') return { t: 'char', test: this.escape() }
    if (c == null || '*+?{})]|'.includes(c)) throw new PatternSyntax(`unexpected "${c ?? 'end'}" at ${this.pos - 1}`)
    return { t: 'char', test: x => x === c }
  }

  private escape (): (c: string) => boolean {
    const e = this.src[this.pos++]
    if (e === 'd') return x => x >= '0' && x <= '9'
    if (e === 'w') return x => /[A-Za-z0-9_]/.test(x)
    if (e == null || /[A-Za-z0-9]/.test(e)) throw new PatternSyntax(`unsupported escape \\${e ?? ''}`)
    return x => x === e
  }

  private klass (): Node {
    const negate = this.peek() === '^'
    if (negate) this.pos++
    const tests: Array<(c: string) => boolean> = []
    let first = true
    while (this.peek() !== ']' || first) {
      first = false
      const lo = this.src[this.pos++]
      if (lo == null) throw new PatternSyntax('unclosed class')
      if (lo === '\\') { tests.push(this.escape()); continue }
      if (this.peek() === '-' && this.src[this.pos + 1] !== ']' && this.src[this.pos + 1] != null) {
        this.pos++
        const hi = this.src[this.pos++]!
        if (hi < lo) throw new PatternSyntax(`bad range ${lo}-${hi}`)
        const from = lo
        tests.push(x => x >= from && x <= hi)
      } else tests.push(x => x === lo)
    }
    this.pos++
    return { t: 'char', test: x => tests.some(t => t(x)) !== negate }
  }
}

/** NFA: state i either consumes a char (`test`, then goes to `out`) or is a split/epsilon (`eps`). */
interface State { test?: (c: string) => boolean, out: number[], eps: number[] }

class Compiler {
  readonly states: State[] = []
  private add (s: State): number {
    if (this.states.length >= MAX_STATES) throw new PatternSyntax(`pattern expands to more than ${MAX_STATES} states`)
    this.states.push(s)
    return this.states.length - 1
  }

  /** Compiles `node` to reach `next`; returns its entry state. */
  build (node: Node, next: number): number {
    if (node.t === 'char') return this.add({ test: node.test, out: [next], eps: [] })
    if (node.t === 'cat') { let at = next; for (let i = node.parts.length - 1; i >= 0; i--) at = this.build(node.parts[i]!, at); return at }
    if (node.t === 'alt') return this.add({ out: [], eps: node.parts.map(p => this.build(p, next)) })
    // rep: the optional tail first (built backwards), then the mandatory copies
    let at = next
    if (node.max === Infinity) {
      const loop = this.add({ out: [], eps: [] })
      this.states[loop]!.eps = [this.build(node.node, loop), next]
      at = loop
    } else {
      // each optional copy may also skip straight to `next`
      for (let i = node.min; i < node.max; i++) at = this.add({ out: [], eps: [this.build(node.node, at), next] })
    }
    for (let i = 0; i < node.min; i++) at = this.build(node.node, at)
    return at
  }
}

export interface CompiledPattern { matches: (account: string) => boolean }

/** Compiles an AccountPattern; a Result, never a throw. */
export function compilePattern (pattern: string): Result<CompiledPattern> {
  if (pattern.length < 1 || pattern.length > 256) return fail('INVALID', 'AccountPattern: pattern must be 1..256 characters')
  let body = pattern
  if (body.startsWith('^')) body = body.slice(1)
  if (body.endsWith('$') && !body.endsWith('\\$')) body = body.slice(0, -1)
  try {
    const c = new Compiler()
    const accept = c.states.length
    c.states.push({ out: [], eps: [] })
    const start = c.build(new Parser(body).parse(), accept)
    const states = c.states
    const closure = (set: Set<number>): Set<number> => {
      const stack = [...set]
      while (stack.length > 0) for (const e of states[stack.pop()!]!.eps) if (!set.has(e)) { set.add(e); stack.push(e) }
      return set
    }
    return {
      ok: true,
      value: {
        matches: (account: string) => {
          let current = closure(new Set([start]))
          for (const ch of account) {
            const next = new Set<number>()
            for (const s of current) { const st = states[s]!; if (st.test?.(ch) === true) for (const o of st.out) next.add(o) }
            if (next.size === 0) return false
            current = closure(next)
          }
          return current.has(accept)
        }
      }
    }
  } catch (err) {
    if (err instanceof PatternSyntax) return fail('INVALID', `AccountPattern: ${err.message}`)
    throw err
  }
}
