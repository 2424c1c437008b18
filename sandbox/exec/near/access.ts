/** A run's NearAccess from the request's block height and NEAR caps. */
import { ExecutorError } from '../errors.js'
import { NEAR_DEFAULTS, type NearLimits } from './query.js'
import type { NearAccess } from './session.js'

/** null without a height (every query refused); throws ExecutorError('BAD_OPTIONS') for bad options. */
export function nearAccessFor (blockHeight: number | undefined, requested: Partial<NearLimits> | undefined): NearAccess | null {
  if (blockHeight == null) return null
  if (!Number.isSafeInteger(blockHeight) || blockHeight < 0) throw new ExecutorError('BAD_OPTIONS', 'blockHeight must be a non-negative integer')
  const limits = { ...NEAR_DEFAULTS }
  for (const key of Object.keys(limits) as Array<keyof NearLimits>) {
    const v = requested?.[key]
    if (v === undefined) continue
    if (!Number.isSafeInteger(v) || v < 0 || v > NEAR_DEFAULTS[key]) throw new ExecutorError('BAD_OPTIONS', `near.${key} must be an integer in [0, ${NEAR_DEFAULTS[key]}]`)
    limits[key] = v
  }
  return { blockHeight, limits, channel: null }
}
