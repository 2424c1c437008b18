// Entry of a pool worker when running from TypeScript sources: loader hooks given to the parent
// (--import tsx) are not reliably active for a worker's entry module on Node 20, so register tsx here.
import { register } from 'tsx/esm/api'
register()
await import('./worker.ts')
