/**
 * The instrumenter's version is part of every result hash: two nodes agree only if they meter the same way.
 * Bump it on any change to admission, instrumentation, limits.ts METERING/OUTPUT or the WASI layer's behaviour.
 */
export const INSTRUMENTER_VERSION = 'outlayer-exec/6'
