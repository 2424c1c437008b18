/**
 * Every number that shapes a result. Changing one of the consensus numbers changes results, so it goes
 * together with a new INSTRUMENTER_VERSION (version.ts).
 */

/**
 * Admission caps, in the spirit of NEAR's preparation limits. Everything from maxTypes on is checked by the
 * pre-scan (prescan.ts) on the raw bytes, before binaryen allocates; they are chosen so that the worst module
 * that passes them all prepares in about 2 s on one core (measurements in README.md).
 */
export const ADMISSION = {
  maxModuleBytes: 32 * 1024 * 1024,
  /** functions, imported ones included */
  maxFunctions: 100_000,
  /** params + locals of one function */
  maxLocalsPerFunction: 10_000,
  maxGlobals: 10_000,
  maxTables: 1,
  maxTableElements: 100_000,
  maxMemories: 1,
  maxTypes: 10_000,
  maxExports: 10_000,
  /** element segments and data segments, each */
  maxSegments: 10_000,
  /** params + locals of all functions together */
  maxTotalLocals: 1_000_000,
  maxCodeBytes: 4 * 1024 * 1024,
  maxBodyBytes: 1024 * 1024,
  /** open blocks (block, loop, if) at any point of a function */
  maxNesting: 5_000,
  /** depth of the expression tree binaryen builds from a function, blocks included */
  maxExpressionDepth: 10_000,
  /** PREPARE_COST-weighted size of the preparation: about 1.6 s of one core (2 s with the noise of this machine) */
  maxPrepareCost: 1_600_000
} as const

/**
 * Caps for the core modules of a component (component/admit.ts). A JS engine compiled to wasm (componentize-js's
 * StarlingMonkey: one 9 MB code section, ~26 M cost units) is far over a command's 2 s budget, so a component
 * gets a larger one, paid for by its own deadline (PREPARE.componentDeadlineMs); `maxPrepareCost` is the sum
 * over all its cores, checked by the pre-scan before binaryen parses any of them.
 */
export const COMPONENT_CORE_ADMISSION = {
  ...ADMISSION,
  maxCodeBytes: 16 * 1024 * 1024,
  maxPrepareCost: 40_000_000
} as const

/**
 * Weights of the pre-scan's cost, in µs of one core measured for binaryen's parse + validation + our
 * instrumentation + emit (README.md): so maxPrepareCost is a budget of about 1.6 s (2 s with this machine's noise).
 */
export const PREPARE_COST = {
  instruction: 6,
  /** a loop header, memory.grow, bulk memory, a float store, reinterpret or copysign, a return */
  site: 8,
  function: 30,
  local: 1
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

/** Host side of preparation (admission + instrumentation in a worker thread): a local matter, never consensus. */
export const PREPARE = {
  /** preparation threads (concurrent preparations) */
  workers: 1,
  /** wall-clock deadline of one preparation; past it the thread is terminated and the job is a local failure */
  deadlineMs: 30_000,
  /**
   * the same for a component (jco transpile + all its cores): COMPONENT_CORE_ADMISSION allows 40 s of one core,
   * a JS component (componentize-js, ~26 M cost units) takes ~25 s idle and 4× that on a loaded machine
   */
  componentDeadlineMs: 180_000,
  /** binaryen runs on this thread's stack (its C++ recursion becomes wasm frames); far above what the caps need */
  stackSizeMb: 64,
  maxOldGenerationSizeMb: 1024,
  maxYoungGenerationSizeMb: 64,
  /** refusals remembered by module hash, so a refused module is never parsed twice */
  refusalCacheSize: 1024
} as const
