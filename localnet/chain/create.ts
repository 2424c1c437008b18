import type { CreateChainOptions, CreatedChain } from './api.js'

/** Placeholder until the chain lands; the signature is final. */
export async function createChain (_opts: CreateChainOptions = {}): Promise<CreatedChain> {
  throw new Error('createChain: not implemented yet')
}
