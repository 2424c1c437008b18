// Entry of a thread (threads.ts) when running from TypeScript sources: loader hooks given to the parent
// (--import tsx) are not reliably active for a worker's entry module on Node 20, so register tsx here, then
// import the thread's own entry (workerData.entry, relative to this folder).
import { register } from 'tsx/esm/api'
import { workerData } from 'node:worker_threads'
register()
await import(new URL(workerData.entry, import.meta.url).href)
