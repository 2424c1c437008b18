/** What the pool hands a worker: a compiled preview1 command, or a prepared component (component/prepare.ts). */
import type { PreparedComponent } from './component/prepare.js'
import type { WasmModule } from './wasm-api.js'

export type JobProgram = { kind: 'module', module: WasmModule } | PreparedComponent
