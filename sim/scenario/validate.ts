/**
 * validateScenario: unknown JSON → a complete Scenario (defaults filled) or every problem found, each with its
 * path (`faults[2].at: ...`). Never throws. Checks the bounds that matter for a meaningful run: Q ≤ R ≤ nodes,
 * byzantine members that exist and are not the aggregator, faults that the chosen mode can apply.
 */
import { SCENARIO_DEFAULTS, type AttackerGroup, type ByzantineGroup, type Fault, type NetworkSpec, type Scenario, type When } from './types.js'
import type { LatencyDistribution } from '../net/link.js'

export type ScenarioResult = { ok: true, value: Scenario } | { ok: false, problems: string[] }

const BEHAVIOURS = ['wrong-coordinated', 'wrong-independent', 'withhold', 'equivocate', 'lazy-copy'] as const
const ATTACKERS = ['spam', 'invalid', 'non-forwarding', 'sybil', 'wrong-build'] as const
const FAULTS = ['crash', 'partition', 'heal', 'link', 'churn'] as const
const LINK_FAULTS = new Set(['partition', 'heal', 'link'])
const MAX_NODES = 2000

type Obj = Record<string, unknown>

class Checker {
  readonly problems: string[] = []
  bad (path: string, msg: string): undefined { this.problems.push(`${path}: ${msg}`); return undefined }

  obj (v: unknown, path: string): Obj | undefined {
    if (v == null || typeof v !== 'object' || Array.isArray(v)) return this.bad(path, 'must be an object')
    return v as Obj
  }

  known (o: Obj, path: string, keys: readonly string[]): void {
    for (const k of Object.keys(o)) if (!keys.includes(k)) this.bad(`${path}.${k}`, `unknown field (expected one of ${keys.join(', ')})`)
  }

  num (o: Obj, key: string, path: string, fallback: number | undefined, min: number, max: number, integer = true): number | undefined {
    const v = o[key]
    if (v === undefined) {
      if (fallback === undefined) return this.bad(`${path}.${key}`, 'is required')
      return fallback
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.bad(`${path}.${key}`, `must be a number, got ${JSON.stringify(v)}`)
    if (integer && !Number.isInteger(v)) return this.bad(`${path}.${key}`, `must be an integer, got ${v}`)
    if (v < min || v > max) return this.bad(`${path}.${key}`, `must be in [${min}, ${max}], got ${v}`)
    return v
  }

  str<T extends string> (o: Obj, key: string, path: string, allowed?: readonly T[], fallback?: T): T | undefined {
    const v = o[key]
    if (v === undefined && fallback !== undefined) return fallback
    if (typeof v !== 'string') return this.bad(`${path}.${key}`, 'must be a string')
    if (allowed != null && !allowed.includes(v as T)) return this.bad(`${path}.${key}`, `must be one of ${allowed.join(', ')}, got "${v}"`)
    return v as T
  }

  arr (o: Obj, key: string, path: string): unknown[] {
    const v = o[key]
    if (v === undefined) return []
    if (!Array.isArray(v)) { this.bad(`${path}.${key}`, 'must be an array'); return [] }
    return v
  }

  nodeList (v: unknown, path: string, nodes: number, allowAggregator = true): number[] | undefined {
    if (v === undefined) return undefined
    if (!Array.isArray(v) || !v.every(x => Number.isInteger(x))) return this.bad(path, 'must be an array of node indices')
    for (const i of v as number[]) {
      if (i < 0 || i >= nodes) this.bad(path, `node ${i} does not exist (nodes: 0..${nodes - 1})`)
      else if (!allowAggregator && i === 0) this.bad(path, 'node 0 is the aggregator and cannot be byzantine')
    }
    if (new Set(v).size !== v.length) this.bad(path, 'lists a node twice')
    return v as number[]
  }

  when (v: unknown, path: string): When | undefined {
    const o = this.obj(v, path)
    if (o == null) return undefined
    this.known(o, path, ['block', 'ms'])
    if ('block' in o === 'ms' in o) return this.bad(path, 'must have exactly one of block or ms')
    if ('block' in o) { const b = this.num(o, 'block', path, undefined, 0, 1e7); return b != null ? { block: b } : undefined }
    const ms = this.num(o, 'ms', path, undefined, 0, 1e9)
    return ms != null ? { ms } : undefined
  }

  latency (v: unknown, path: string): LatencyDistribution | undefined {
    const o = this.obj(v, path)
    if (o == null) return undefined
    const kind = this.str(o, 'kind', path, ['fixed', 'uniform', 'normal', 'lognormal'] as const)
    switch (kind) {
      case 'fixed': { this.known(o, path, ['kind', 'ms']); const ms = this.num(o, 'ms', path, undefined, 0, 60_000, false); return ms != null ? { kind, ms } : undefined }
      case 'uniform': {
        this.known(o, path, ['kind', 'minMs', 'maxMs'])
        const minMs = this.num(o, 'minMs', path, undefined, 0, 60_000, false); const maxMs = this.num(o, 'maxMs', path, undefined, 0, 60_000, false)
        if (minMs != null && maxMs != null && maxMs < minMs) return this.bad(path, 'maxMs must be ≥ minMs')
        return minMs != null && maxMs != null ? { kind, minMs, maxMs } : undefined
      }
      case 'normal': {
        this.known(o, path, ['kind', 'meanMs', 'sdMs'])
        const meanMs = this.num(o, 'meanMs', path, undefined, 0, 60_000, false); const sdMs = this.num(o, 'sdMs', path, undefined, 0, 60_000, false)
        return meanMs != null && sdMs != null ? { kind, meanMs, sdMs } : undefined
      }
      case 'lognormal': {
        this.known(o, path, ['kind', 'medianMs', 'sigma'])
        const medianMs = this.num(o, 'medianMs', path, undefined, 0, 60_000, false); const sigma = this.num(o, 'sigma', path, undefined, 0, 5, false)
        return medianMs != null && sigma != null ? { kind, medianMs, sigma } : undefined
      }
      default: return undefined
    }
  }
}

export function validateScenario (input: unknown): ScenarioResult {
  const c = new Checker()
  const o = c.obj(input, 'scenario')
  if (o == null) return { ok: false, problems: c.problems }
  const d = SCENARIO_DEFAULTS
  c.known(o, 'scenario', ['name', 'description', 'seed', 'mode', 'nodes', 'replicas', 'quorum', 'requests', 'ratePerSec', 'blockTimeMs', 'commitWindowBlocks', 'yieldTimeoutBlocks', 'network', 'gossip', 'byzantine', 'attackers', 'faults', 'baselineMessages', 'bondNear', 'requesters', 'timeoutMs'])
  const name = c.str(o, 'name', 'scenario')
  const description = o.description === undefined ? '' : c.str(o, 'description', 'scenario')
  const seed = c.num(o, 'seed', 'scenario', d.seed, 0, 2 ** 32 - 1)
  const mode = c.str(o, 'mode', 'scenario', ['scale', 'real'] as const, d.mode)
  const nodes = c.num(o, 'nodes', 'scenario', d.nodes, 1, MAX_NODES)
  const replicas = c.num(o, 'replicas', 'scenario', d.replicas, 1, 16)
  const quorum = c.num(o, 'quorum', 'scenario', d.quorum, 1, 16)
  if (replicas != null && quorum != null && quorum > replicas) c.bad('scenario.quorum', `must be ≤ replicas (${replicas}), got ${quorum}`)
  if (replicas != null && nodes != null && replicas > nodes) c.bad('scenario.replicas', `must be ≤ nodes (${nodes}), got ${replicas}`)
  const requests = c.num(o, 'requests', 'scenario', d.requests, 0, 100_000)
  const ratePerSec = c.num(o, 'ratePerSec', 'scenario', d.ratePerSec, 0.001, 1000, false)
  const blockTimeMs = c.num(o, 'blockTimeMs', 'scenario', d.blockTimeMs, 50, 60_000)
  const commitWindowBlocks = c.num(o, 'commitWindowBlocks', 'scenario', d.commitWindowBlocks, 1, 75)
  const yieldTimeoutBlocks = c.num(o, 'yieldTimeoutBlocks', 'scenario', d.yieldTimeoutBlocks, 5, 200)
  const baselineMessages = c.num(o, 'baselineMessages', 'scenario', d.baselineMessages, 0, 10_000)
  const bondNear = c.num(o, 'bondNear', 'scenario', d.bondNear, 1, 100, false)
  const requesters = c.num(o, 'requesters', 'scenario', d.requesters, 1, 32)
  const timeoutMs = c.num(o, 'timeoutMs', 'scenario', d.timeoutMs, 1000, 24 * 3600_000)

  let network: NetworkSpec | undefined = d.network
  if (o.network !== undefined) {
    const n = c.obj(o.network, 'scenario.network')
    if (n != null) {
      c.known(n, 'scenario.network', ['latency', 'jitterMs', 'bandwidthBps', 'loss', 'degree'])
      const latency = n.latency === undefined ? d.network.latency : c.latency(n.latency, 'scenario.network.latency')
      const jitterMs = c.num(n, 'jitterMs', 'scenario.network', d.network.jitterMs, 0, 60_000, false)
      const bandwidthBps = c.num(n, 'bandwidthBps', 'scenario.network', d.network.bandwidthBps, 0, 1e12)
      const loss = c.num(n, 'loss', 'scenario.network', d.network.loss, 0, 0.5, false)
      const degree = c.num(n, 'degree', 'scenario.network', d.network.degree, 1, 64)
      network = latency != null && jitterMs != null && bandwidthBps != null && loss != null && degree != null ? { latency, jitterMs, bandwidthBps, loss, degree } : undefined
    }
  }
  let gossip = d.gossip
  if (o.gossip !== undefined) {
    const g = c.obj(o.gossip, 'scenario.gossip')
    if (g != null) { c.known(g, 'scenario.gossip', ['heartbeatMs']); gossip = { heartbeatMs: c.num(g, 'heartbeatMs', 'scenario.gossip', d.gossip.heartbeatMs, 20, 10_000) ?? 0 } }
  }

  const n = nodes ?? 1
  const byzantine: ByzantineGroup[] = []
  let byzantineMembers = 0
  c.arr(o, 'byzantine', 'scenario').forEach((v, i) => {
    const path = `scenario.byzantine[${i}]`
    const g = c.obj(v, path)
    if (g == null) return
    c.known(g, path, ['behaviour', 'count', 'nodes', 'fromRequest', 'topUp'])
    if (g.topUp !== undefined && typeof g.topUp !== 'boolean') c.bad(`${path}.topUp`, 'must be true or false')
    const behaviour = c.str(g, 'behaviour', path, BEHAVIOURS)
    const listed = c.nodeList(g.nodes, `${path}.nodes`, n, false)
    const count = c.num(g, 'count', path, listed?.length, 1, MAX_NODES)
    if (listed != null && count != null && listed.length !== count) c.bad(`${path}.count`, `is ${count} but nodes lists ${listed.length}`)
    const fromRequest = c.num(g, 'fromRequest', path, 0, 0, 100_000)
    if (behaviour == null || count == null || fromRequest == null) return
    byzantineMembers += count
    byzantine.push({ behaviour, count, fromRequest, topUp: g.topUp === true, ...(listed != null ? { nodes: listed } : {}) })
  })
  if (byzantineMembers > n - 1) c.bad('scenario.byzantine', `${byzantineMembers} byzantine members, but only ${n - 1} nodes besides the aggregator`)

  const attackers: AttackerGroup[] = []
  c.arr(o, 'attackers', 'scenario').forEach((v, i) => {
    const path = `scenario.attackers[${i}]`
    const a = c.obj(v, path)
    if (a == null) return
    c.known(a, path, ['kind', 'count', 'ratePerSec'])
    const kind = c.str(a, 'kind', path, ATTACKERS)
    const count = c.num(a, 'count', path, undefined, 1, 20_000)
    const rate = c.num(a, 'ratePerSec', path, 5, 0.01, 1000, false)
    if (kind != null && count != null && rate != null) attackers.push({ kind, count, ratePerSec: rate })
  })

  const faults: Fault[] = []
  c.arr(o, 'faults', 'scenario').forEach((v, i) => {
    const path = `scenario.faults[${i}]`
    const f = c.obj(v, path)
    if (f == null) return
    const kind = c.str(f, 'kind', path, FAULTS)
    const at = c.when(f.at, `${path}.at`)
    if (kind == null || at == null) return
    if (mode === 'real' && LINK_FAULTS.has(kind)) c.bad(`${path}.kind`, `"${kind}" needs simulated links: set mode to "scale"`)
    switch (kind) {
      case 'crash': {
        c.known(f, path, ['kind', 'at', 'nodes', 'count', 'restartAfter', 'keepData'])
        const listed = c.nodeList(f.nodes, `${path}.nodes`, n)
        const count = c.num(f, 'count', path, listed?.length ?? 1, 1, MAX_NODES)
        const restartAfter = f.restartAfter === undefined ? undefined : c.when(f.restartAfter, `${path}.restartAfter`)
        if (f.keepData !== undefined && typeof f.keepData !== 'boolean') c.bad(`${path}.keepData`, 'must be true or false')
        if (count != null) faults.push({ kind, at, count, keepData: f.keepData !== false, ...(listed != null ? { nodes: listed } : {}), ...(restartAfter != null ? { restartAfter } : {}) })
        return
      }
      case 'partition': {
        c.known(f, path, ['kind', 'at', 'groups', 'fraction', 'healAfter'])
        let groups: number[][] | undefined
        if (f.groups !== undefined) {
          if (!Array.isArray(f.groups) || f.groups.length < 2) { c.bad(`${path}.groups`, 'must be an array of at least two node lists'); return }
          groups = f.groups.map((g, j) => c.nodeList(g, `${path}.groups[${j}]`, n) ?? [])
        }
        const fraction = f.fraction === undefined ? (groups == null ? 0.5 : undefined) : c.num(f, 'fraction', path, undefined, 0.01, 0.99, false)
        if (groups != null && f.fraction !== undefined) c.bad(path, 'give groups or fraction, not both')
        const healAfter = f.healAfter === undefined ? undefined : c.when(f.healAfter, `${path}.healAfter`)
        faults.push({ kind, at, ...(groups != null ? { groups } : {}), ...(fraction != null ? { fraction } : {}), ...(healAfter != null ? { healAfter } : {}) })
        return
      }
      case 'heal': c.known(f, path, ['kind', 'at']); faults.push({ kind, at }); return
      case 'link': {
        c.known(f, path, ['kind', 'at', 'nodes', 'latency', 'jitterMs', 'loss', 'bandwidthBps'])
        const listed = c.nodeList(f.nodes, `${path}.nodes`, n)
        const latency = f.latency === undefined ? undefined : c.latency(f.latency, `${path}.latency`)
        const jitterMs = f.jitterMs === undefined ? undefined : c.num(f, 'jitterMs', path, undefined, 0, 60_000, false)
        const loss = f.loss === undefined ? undefined : c.num(f, 'loss', path, undefined, 0, 0.5, false)
        const bandwidthBps = f.bandwidthBps === undefined ? undefined : c.num(f, 'bandwidthBps', path, undefined, 0, 1e12)
        if (latency == null && jitterMs == null && loss == null && bandwidthBps == null) c.bad(path, 'changes nothing: give latency, jitterMs, loss or bandwidthBps')
        faults.push({ kind, at, ...(listed != null ? { nodes: listed } : {}), ...(latency != null ? { latency } : {}), ...(jitterMs != null ? { jitterMs } : {}), ...(loss != null ? { loss } : {}), ...(bandwidthBps != null ? { bandwidthBps } : {}) })
        return
      }
      case 'churn': {
        c.known(f, path, ['kind', 'at', 'percentPerMinute', 'durationMs', 'keepData'])
        const percentPerMinute = c.num(f, 'percentPerMinute', path, undefined, 0.1, 1000, false)
        const durationMs = c.num(f, 'durationMs', path, undefined, 1000, 1e8)
        if (percentPerMinute != null && durationMs != null) faults.push({ kind, at, percentPerMinute, durationMs, keepData: f.keepData !== false })
      }
    }
  })

  if (c.problems.length > 0 || name == null || description == null || seed == null || mode == null || nodes == null || replicas == null || quorum == null ||
    requests == null || ratePerSec == null || blockTimeMs == null || commitWindowBlocks == null || yieldTimeoutBlocks == null || network == null ||
    baselineMessages == null || bondNear == null || requesters == null || timeoutMs == null) {
    return { ok: false, problems: c.problems.length > 0 ? c.problems : ['scenario: incomplete'] }
  }
  return {
    ok: true,
    value: { name, description, seed, mode, nodes, replicas, quorum, requests, ratePerSec, blockTimeMs, commitWindowBlocks, yieldTimeoutBlocks, network, gossip, byzantine, attackers, faults, baselineMessages, bondNear, requesters, timeoutMs }
  }
}
