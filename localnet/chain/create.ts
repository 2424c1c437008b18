/** Builds a chain: fresh genesis in memory or in a new data dir, or the chain a data dir already holds. */
import { mkdirSync } from 'node:fs'
import { MemStore } from '../state/store.js'
import { LevelPersistence } from '../state/persist.js'
import { initInstrumenter } from '../runtime/instrument.js'
import type { CreateChainOptions, CreatedChain } from './api.js'
import { LocalChain, type ChainConfig } from './chain.js'
import { ROOT_ACCOUNT, writeGenesisState, type Genesis } from './genesis.js'
import { SPACE } from './processor.js'
import { setSignatureConfirmer } from '../../protocol/keys.js'
import { fastVerifies } from '../../protocol/native-ed25519.js'

const DEFAULTS = { accounts: 4, yieldTimeoutBlocks: 200, networkId: 'localnet', txValidityBlocks: 86_400, genesisHeight: 1 }

interface Saved { config: ChainConfig, genesis: Genesis }

export async function createChain (opts: CreateChainOptions = {}): Promise<CreatedChain> {
  await initInstrumenter()
  // the contracts' ed25519_verify: OpenSSL confirms valid signatures, the strict pure-JS check has the last word
  setSignatureConfirmer(fastVerifies)
  const store = new MemStore()
  let persistence: LevelPersistence | undefined
  if (opts.dataDir != null) {
    mkdirSync(opts.dataDir, { recursive: true })
    persistence = new LevelPersistence(opts.dataDir)
    const n = await persistence.loadInto(store)
    if (n > 0) process.stderr.write(`localnet: loaded ${n} records from ${opts.dataDir}\n`)
  }
  let saved = store.get<Saved>(SPACE.meta, 'genesis')
  const fresh = saved == null
  if (saved == null) {
    const genesis = writeGenesisState(store, opts.accounts ?? DEFAULTS.accounts)
    const networkId = opts.networkId ?? DEFAULTS.networkId
    const config: ChainConfig = {
      networkId,
      chainId: networkId,
      genesisHeight: DEFAULTS.genesisHeight,
      registrar: ROOT_ACCOUNT,
      yieldTimeoutBlocks: opts.yieldTimeoutBlocks ?? DEFAULTS.yieldTimeoutBlocks,
      txValidityBlocks: opts.txValidityBlocks ?? DEFAULTS.txValidityBlocks,
      totalSupply: genesis.totalSupply,
      ...(opts.randomSecret != null ? { randomSecret: opts.randomSecret } : {})
    }
    saved = { config, genesis }
    store.set(SPACE.meta, 'genesis', saved)
  }
  const chain = new LocalChain(store, { ...saved.config, exactFinality: opts.exactFinality ?? false }, persistence)
  if (fresh) {
    chain.writeGenesis(BigInt(opts.genesisTimeMs ?? Date.now()) * 1_000_000n)
    await persistence?.flush(store)
  }
  return { chain, root: saved.genesis.root, accounts: saved.genesis.accounts }
}
