/**
 * Every number that shapes a result. Changing one of the consensus numbers changes results, so it goes
 * together with a new INSTRUMENTER_VERSION (version.ts).
 */

/** Admission caps, in the spirit of NEAR's preparation limits. */
export const ADMISSION = {
  maxModuleBytes: 32 * 1024 * 1024,
  maxFunctions: 100_000,
  maxLocalsPerFunction: 10_000,
  maxGlobals: 10_000,
  maxTables: 1,
  maxTableElements: 100_000,
  maxMemories: 1
} as const

/** wasm page size */
export const PAGE_BYTES = 65536

/** Consensus: fuel and depth accounting baked into instrumented code. */
export const METERING = {
  /** fuel per page that memory.grow asks for, charged before it runs (also when it then fails) */
  growCostPerPage: 4096n,
  /** bulk memory (fill, copy, init) costs one fuel per this many bytes, i.e. size >> shift */
  bulkByteShift: 3n,
  /** call-depth budget in "slots": every frame costs 4 + its locals. Far below V8's own limit (see pool stack) */
  depthLimit: 65_536,
  depthFrameBase: 4
} as const

/** Consensus: output caps. Over the stdout cap the run ends with `output_limit`. stderr is truncated (never hashed). */
export const OUTPUT = {
  maxStdoutBytes: 4 * 1024 * 1024,
  maxStderrBytes: 64 * 1024
} as const

/** Request defaults when a caller leaves a field out. */
export const DEFAULTS = {
  fuel: 1_000_000_000n,
  memoryMb: 128,
  timeoutMs: 60_000,
  seed: '00'.repeat(32),
  timestampNs: 0n
} as const

/** Host side of a worker: V8 stack for the worker thread, so depthLimit can never reach V8's own overflow. */
export const WORKER = {
  stackSizeMb: 64,
  maxOldGenerationSizeMb: 256,
  maxYoungGenerationSizeMb: 32
} as const
