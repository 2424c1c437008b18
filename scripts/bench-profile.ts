/**
 * Where a benchmark's main-thread CPU goes, measured in-process with the inspector's sampling profiler: self time
 * by area (one of our folders, an npm package, or V8's own rows: GC, idle, program) and the top functions. Worker
 * threads are not sampled (their wasm runs off the main thread); `node --cpu-prof` sees every thread.
 *
 *   const profile = await startCpuProfile(); …; const where = await profile.stop()   // { samples, areas, top }
 */
import { Session } from 'node:inspector/promises'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

interface ProfileNode { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }
interface Profile { nodes: ProfileNode[], samples: number[], startTime: number, endTime: number }

export interface CpuSummary {
  seconds: number
  samples: number
  /** self time % by our folder (localnet, node/p2p, …), npm package, or V8 row ((garbage collector), (idle), …) */
  areas: Record<string, number>
  /** the functions with the most self time, as "% name file:line" */
  top: string[]
  /** self time charged to the nearest caller in our own code (a package's or V8's time lands on the function of ours that called it) */
  ours: string[]
}

export async function startCpuProfile (intervalUs = 1000): Promise<{ stop: () => Promise<CpuSummary> }> {
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: intervalUs })
  await session.post('Profiler.start')
  return {
    stop: async () => {
      const { profile } = await session.post('Profiler.stop') as { profile: Profile }
      session.disconnect()
      return summarise(profile)
    }
  }
}

/** A URL as a short file name (repository-relative, or package-relative under node_modules). */
function fileOf (url: string): string {
  const path = url.startsWith('file://') ? fileURLToPath(url) : url
  const nm = path.lastIndexOf('node_modules/')
  if (nm >= 0) return path.slice(nm + 'node_modules/'.length)
  return path.startsWith(ROOT) ? path.slice(ROOT.length) : path
}

/** Our folders two deep (node/p2p, localnet/chain), packages by name (@scope/name), V8's rows by their name. */
function areaOf (frame: ProfileNode['callFrame']): string {
  if (frame.url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native)'
  const file = fileOf(frame.url)
  if (file.startsWith('node:')) return 'node: built-ins'
  const parts = file.split('/')
  if (frame.url.includes('node_modules/')) return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0]!
}

const isOurs = (frame: ProfileNode['callFrame']): boolean => frame.url.startsWith('file://') && !frame.url.includes('node_modules/')
const nameOf = (frame: ProfileNode['callFrame']): string =>
  `${frame.functionName === '' ? '(anonymous)' : frame.functionName} ${frame.url === '' ? '' : `${fileOf(frame.url)}:${frame.lineNumber + 1}`}`.trim()

function summarise (profile: Profile): CpuSummary {
  const byId = new Map(profile.nodes.map(n => [n.id, n]))
  const parentOf = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id)
  const areas = new Map<string, number>()
  const fns = new Map<string, number>()
  const ours = new Map<string, number>()
  for (const id of profile.samples) {
    let up: number | undefined = id
    while (up != null && !isOurs(byId.get(up)!.callFrame)) up = parentOf.get(up)
    const owner = up != null ? nameOf(byId.get(up)!.callFrame) : areaOf(byId.get(id)!.callFrame)
    ours.set(owner, (ours.get(owner) ?? 0) + 1)
    const frame = byId.get(id)!.callFrame
    const area = areaOf(frame)
    areas.set(area, (areas.get(area) ?? 0) + 1)
    const fn = nameOf(frame)
    fns.set(fn, (fns.get(fn) ?? 0) + 1)
  }
  const total = Math.max(1, profile.samples.length)
  const pct = (n: number): number => Number((100 * n / total).toFixed(1))
  const sorted = (m: Map<string, number>): Array<[string, number]> => [...m].sort((a, b) => b[1] - a[1])
  return {
    seconds: Number(((profile.endTime - profile.startTime) / 1e6).toFixed(1)),
    samples: profile.samples.length,
    areas: Object.fromEntries(sorted(areas).slice(0, 20).map(([k, n]) => [k, pct(n)])),
    top: sorted(fns).slice(0, 20).map(([k, n]) => `${pct(n)}% ${k}`),
    ours: sorted(ours).slice(0, 25).map(([k, n]) => `${pct(n)}% ${k}`)
  }
}
