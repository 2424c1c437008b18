/** Parsing of JSON-RPC params as nearcore accepts them: object form and the legacy positional array form. */
import type { BlockRef, Chain, Block } from '../chain/index.js'
import { invalidParams, rpcHandlerError } from './errors.js'

export type Params = Record<string, unknown>

export function asObject (params: unknown): Params {
  if (params == null) return {}
  if (typeof params === 'object' && !Array.isArray(params)) return params as Params
  throw invalidParams('expected an object of named params')
}

export function stringField (p: Params, name: string): string {
  const value = p[name]
  if (typeof value !== 'string') throw invalidParams(value === undefined ? `missing field \`${name}\`` : `\`${name}\` must be a string`)
  return value
}

export function optionalString (p: Params, name: string): string | undefined {
  return p[name] == null ? undefined : stringField(p, name)
}

/** A block id is a height (number) or a base58 hash (string). */
export function blockIdRef (id: unknown): BlockRef {
  if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return { height: id }
  if (typeof id === 'string' && /^\d+$/.test(id)) return { height: Number(id) }
  if (typeof id === 'string' && id.length > 0) return { hash: id }
  throw invalidParams('`block_id` must be a height or a block hash')
}

/**
 * { finality } | { block_id } | { sync_checkpoint }. `near-final` is served as `final`: our `final` (head-2)
 * is never ahead of what NEAR calls near-final, so a reader never sees a block that could still be dropped.
 */
export function blockRef (p: Params, chain: Chain): BlockRef {
  if (p.block_id != null) return blockIdRef(p.block_id)
  if (p.finality != null) {
    if (p.finality === 'optimistic') return { finality: 'optimistic' }
    if (p.finality === 'final' || p.finality === 'near-final') return { finality: 'final' }
    throw invalidParams('unknown variant of `finality`, expected one of `optimistic`, `near-final`, `final`')
  }
  if (p.sync_checkpoint === 'genesis' || p.sync_checkpoint === 'earliest_available') return { height: chain.genesisHeight }
  throw invalidParams('expected `finality`, `block_id` or `sync_checkpoint`')
}

/** The block a reference names, or nearcore's UNKNOWN_BLOCK. */
export function resolveBlock (chain: Chain, ref: BlockRef): Block {
  const block = chain.block(ref)
  if (block !== undefined) return block
  const reference = ref.hash !== undefined
    ? { block_id: ref.hash }
    : ref.height !== undefined ? { block_id: ref.height } : { finality: ref.finality }
  throw rpcHandlerError('UNKNOWN_BLOCK', { block_reference: reference }, `DB Not Found Error: BLOCK: ${JSON.stringify(reference)}`)
}

const utf8 = new TextDecoder('utf-8', { fatal: false })

export function base64Field (p: Params, name: string, { optional = false } = {}): Uint8Array {
  const value = p[name]
  if (value == null && optional) return new Uint8Array()
  if (typeof value !== 'string') throw invalidParams(`missing field \`${name}\``)
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 === 1) throw invalidParams(`\`${name}\` is not valid base64`)
  return new Uint8Array(Buffer.from(value, 'base64'))
}

export const bytesToText = (bytes: Uint8Array): string => utf8.decode(bytes)
