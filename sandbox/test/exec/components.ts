/** Test components: preview1 commands through the adapter, and the componentize-js probe (fixtures/p2-probe). */
import { join } from 'node:path'
import { ensureJsComponent } from '../../../scripts/componentize.js'
import { commandToComponent } from '../../exec/component/adapter.js'
import { repoRoot } from './helpers.js'

export { commandToComponent }

const probeDir = join(repoRoot, 'sandbox', 'test', 'exec', 'fixtures', 'p2-probe')

/** Path of the built probe component (built once into .cache/components, ~1 min). */
export async function probeComponent (): Promise<string> {
  return await ensureJsComponent({ source: join(probeDir, 'probe.js'), world: join(probeDir, 'wit', 'world.wit'), worldName: 'probe' })
}

const httpProbeDir = join(repoRoot, 'sandbox', 'test', 'exec', 'fixtures', 'p2-http')

/** Path of the built wasi:http probe: input [{url, method?}] → [{status, body} | {error}]. */
export async function httpProbeComponent (): Promise<string> {
  return await ensureJsComponent({ source: join(httpProbeDir, 'probe.js'), world: join(httpProbeDir, 'wit', 'world.wit'), worldName: 'http-probe' })
}

export interface ProbeReport {
  input: string
  env: Array<[string, string]>
  args: string[]
  random: string
  u64: string
  seed: string[]
  mathRandom: number
  wall: { seconds: string, nanoseconds: number }
  dateNow: number
  slept: string
  preopens: number
  socket: string
}
