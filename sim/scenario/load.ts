/** Reads a scenario file (.json, or .yaml/.yml with the js-yaml already installed) and validates it. */
import { readFile } from 'node:fs/promises'
import { SimError } from '../errors.js'
import type { Scenario } from './types.js'
import { validateScenario } from './validate.js'

export async function parseScenarioText (text: string, file: string): Promise<unknown> {
  if (/\.ya?ml$/i.test(file)) {
    const yaml = await import('js-yaml' as string).catch(() => null) as { load: (t: string) => unknown } | null
    if (yaml == null) throw new SimError('BAD_SCENARIO', `${file}: YAML needs js-yaml, which is not installed; use JSON`)
    try { return yaml.load(text) } catch (err) { throw new SimError('BAD_SCENARIO', `${file}: not YAML: ${(err as Error).message}`) }
  }
  try { return JSON.parse(text) } catch (err) { throw new SimError('BAD_SCENARIO', `${file}: not JSON: ${(err as Error).message}`) }
}

/** The scenario with `overrides` (CLI flags) applied before validation, so a bad flag is reported like a bad field. */
export async function loadScenario (file: string | undefined, overrides: Record<string, unknown> = {}): Promise<Scenario> {
  const base = file != null ? await parseScenarioText(await readFile(file, 'utf8'), file) : { name: 'cli' }
  if (base == null || typeof base !== 'object' || Array.isArray(base)) throw new SimError('BAD_SCENARIO', `${file ?? 'scenario'}: must be an object`)
  const checked = validateScenario({ ...base, ...overrides })
  if (!checked.ok) throw new SimError('BAD_SCENARIO', `${file ?? 'scenario'} is not valid:\n  ${checked.problems.join('\n  ')}`)
  return checked.value
}
