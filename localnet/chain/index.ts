export * from './api.js'
export { createChain } from './create.js'
