/**
 * The state of one contract call as the host functions see it: guest memory, registers, gas counters,
 * logs, the return value and the receipts the call asks for. Host functions live in the sibling files;
 * they all go through this object so that limits and costs are applied in one place.
 */
import { EXT, LIMITS, REGULAR_OP_COST, MAX_GAS_BURNT } from '../fees.js'
import { hostErrors } from '../errors.js'
import type { NewReceipt, PromiseResult } from '../actions.js'
import type { WasmMemory } from '../wasm.js'

export interface StorageExt {
  read (key: Uint8Array): Uint8Array | undefined
  /** returns the value it replaced */
  write (key: Uint8Array, value: Uint8Array): Uint8Array | undefined
  remove (key: Uint8Array): Uint8Array | undefined
  storageUsage (): number
}

export interface VMContext {
  currentAccountId: string
  signerAccountId: string
  /** borsh PublicKey: 1 type byte + 32 */
  signerAccountPk: Uint8Array
  predecessorAccountId: string
  input: Uint8Array
  blockHeight: bigint
  blockTimestampNs: bigint
  epochHeight: bigint
  randomSeed: Uint8Array
  accountBalance: bigint
  accountLockedBalance: bigint
  attachedDeposit: bigint
  prepaidGas: bigint
  isView: boolean
  promiseResults: PromiseResult[]
  storage: StorageExt
  /** a fresh, unique data id (base58) */
  newDataId (): string
  /** registers a yield for the current account; the chain times it out */
  yieldCreate (dataId: string): void
  /** true when a yield of the current account with this id was waiting (first resume wins) */
  yieldResume (dataId: string, payload: Uint8Array): boolean
}

export type ReturnData = { kind: 'none' } | { kind: 'value', data: Uint8Array } | { kind: 'receipt', index: number }
export type PromiseEntry = { kind: 'receipt', receiptIndex: number } | { kind: 'and', promises: number[] }

export class Logic {
  memory: WasmMemory | undefined
  readonly registers = new Map<bigint, Uint8Array>()
  private registersBytes = 0
  private burnt = 0n
  private used = 0n
  /**
   * Regular ops charged by `env.gas` (once per basic block) and not yet added to burnt/used: counted as a number,
   * so the hot call allocates no bigint. They fit in `opsRoom` (below both limits), so adding them can never fail;
   * the call that would pass a limit converts them at once and fails exactly where a per-call charge would.
   */
  private pendingOps = 0
  /** regular ops that still fit under both limits, or -1 once burnt/used changed (recomputed on the next ops call) */
  private opsRoom = -1
  readonly logs: string[] = []
  private totalLogLength = 0
  returnData: ReturnData = { kind: 'none' }
  readonly receipts: NewReceipt[] = []
  readonly promises: PromiseEntry[] = []
  balance: bigint

  constructor (readonly ctx: VMContext) {
    this.balance = ctx.accountBalance
  }

  // ---- gas ----
  get burntGas (): bigint { this.settleOps(); return this.burnt }
  get usedGas (): bigint { this.settleOps(); return this.used }

  /** Burns gas (it is spent now). */
  burn (gas: bigint): void {
    this.settleOps()
    const burnt = this.burnt + gas
    const used = this.used + gas
    if (burnt > MAX_GAS_BURNT) { this.exhaust(); throw hostErrors.gasLimitExceeded() }
    if (used > this.ctx.prepaidGas) { this.exhaust(); throw hostErrors.gasExceeded() }
    this.burnt = burnt
    this.used = used
  }

  /** Reserves gas for a receipt that runs later (used, not burnt). */
  reserve (gas: bigint): void {
    this.settleOps()
    const used = this.used + gas
    if (used > this.ctx.prepaidGas) { this.exhaust(); throw hostErrors.gasExceeded() }
    this.used = used
  }

  /** On exhaustion nearcore burns all the prepaid gas. */
  private exhaust (): void {
    this.pendingOps = 0
    this.burnt = this.ctx.prepaidGas < MAX_GAS_BURNT ? this.ctx.prepaidGas : MAX_GAS_BURNT
    this.used = this.ctx.prepaidGas
  }

  /** Charges n regular ops (the metering call, once per basic block): the same gas as burn(n × regular_op_cost). */
  ops (n: number): void {
    const pending = this.pendingOps + n
    if (pending <= this.opsRoom) { this.pendingOps = pending; return }
    this.opsSlow(pending)
  }

  private opsSlow (pending: number): void {
    if (this.opsRoom < 0) {
      const left = MAX_GAS_BURNT - this.burnt < this.ctx.prepaidGas - this.used ? MAX_GAS_BURNT - this.burnt : this.ctx.prepaidGas - this.used
      this.opsRoom = Number(left / REGULAR_OP_COST)
      if (pending <= this.opsRoom) { this.pendingOps = pending; return }
    }
    // past a limit: burn them all now, which fails with the error a per-call charge would have raised here
    this.pendingOps = 0
    this.burn(BigInt(pending) * REGULAR_OP_COST)
  }

  /** Adds the pending ops to burnt/used (they fit, see opsRoom) before anything else reads or changes them. */
  private settleOps (): void {
    this.opsRoom = -1
    if (this.pendingOps === 0) return
    const gas = BigInt(this.pendingOps) * REGULAR_OP_COST
    this.pendingOps = 0
    this.burnt += gas
    this.used += gas
  }

  // ---- memory ----
  private view (): Uint8Array {
    if (this.memory == null) throw hostErrors.memoryAccessViolation()
    return new Uint8Array(this.memory.buffer)
  }

  private bounds (ptr: bigint, len: bigint): [number, number] {
    const size = BigInt(this.memory?.buffer.byteLength ?? 0)
    if (ptr < 0n || len < 0n || ptr + len > size) throw hostErrors.memoryAccessViolation()
    return [Number(ptr), Number(len)]
  }

  readMemory (ptr: bigint, len: bigint): Uint8Array {
    const [p, l] = this.bounds(ptr, len)
    this.burn(EXT.read_memory_base + EXT.read_memory_byte * BigInt(l))
    return this.view().slice(p, p + l)
  }

  writeMemory (ptr: bigint, data: Uint8Array): void {
    const [p] = this.bounds(ptr, BigInt(data.length))
    this.burn(EXT.write_memory_base + EXT.write_memory_byte * BigInt(data.length))
    this.view().set(data, p)
  }

  readU128 (ptr: bigint): bigint {
    const b = this.readMemory(ptr, 16n)
    return new DataView(b.buffer).getBigUint64(0, true) + (new DataView(b.buffer).getBigUint64(8, true) << 64n)
  }

  writeU128 (ptr: bigint, value: bigint): void {
    const b = new Uint8Array(16)
    const dv = new DataView(b.buffer)
    dv.setBigUint64(0, value & 0xffffffffffffffffn, true)
    dv.setBigUint64(8, value >> 64n, true)
    this.writeMemory(ptr, b)
  }

  /** Reads `len` bytes at `ptr`, or from a register when len is u64::MAX (nearcore's convention). */
  readOrRegister (ptr: bigint, len: bigint): Uint8Array {
    if (len === 0xffffffffffffffffn) return this.registerRead(ptr)
    return this.readMemory(ptr, len)
  }

  /** A NUL-terminated string when len is u64::MAX, else `len` bytes. */
  readUtf8 (ptr: bigint, len: bigint): string {
    let bytes: Uint8Array
    if (len === 0xffffffffffffffffn) {
      const mem = this.view()
      let end = Number(ptr)
      while (end < mem.length && mem[end] !== 0) end++
      if (end >= mem.length) throw hostErrors.memoryAccessViolation()
      bytes = this.readMemory(ptr, BigInt(end - Number(ptr)))
    } else bytes = this.readMemory(ptr, len)
    this.burn(EXT.utf8_decoding_base + EXT.utf8_decoding_byte * BigInt(bytes.length))
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    } catch { throw hostErrors.badUtf8() }
  }

  readUtf16 (ptr: bigint, len: bigint): string {
    let bytes: Uint8Array
    if (len === 0xffffffffffffffffn) {
      const mem = this.view()
      let end = Number(ptr)
      while (end + 1 < mem.length && (mem[end] !== 0 || mem[end + 1] !== 0)) end += 2
      if (end + 1 >= mem.length) throw hostErrors.memoryAccessViolation()
      bytes = this.readMemory(ptr, BigInt(end - Number(ptr)))
    } else bytes = this.readMemory(ptr, len)
    if (bytes.length % 2 !== 0) throw hostErrors.badUtf16()
    this.burn(EXT.utf16_decoding_base + EXT.utf16_decoding_byte * BigInt(bytes.length))
    try {
      return new TextDecoder('utf-16le', { fatal: true }).decode(bytes)
    } catch { throw hostErrors.badUtf16() }
  }

  // ---- registers ----
  registerRead (id: bigint): Uint8Array {
    const r = this.registers.get(id)
    if (r == null) throw hostErrors.invalidRegisterId(id)
    this.burn(EXT.read_register_base + EXT.read_register_byte * BigInt(r.length))
    return r
  }

  registerWrite (id: bigint, data: Uint8Array): void {
    this.burn(EXT.write_register_base + EXT.write_register_byte * BigInt(data.length))
    if (data.length > LIMITS.max_register_size) throw hostErrors.registerTooLarge(data.length, LIMITS.max_register_size)
    const prev = this.registers.get(id)
    const total = this.registersBytes - (prev?.length ?? 0) + data.length
    if (prev == null && this.registers.size >= LIMITS.max_number_registers) throw hostErrors.registerTooLarge(data.length, LIMITS.max_number_registers)
    if (total > LIMITS.registers_memory_limit) throw hostErrors.registerTooLarge(total, LIMITS.registers_memory_limit)
    this.registersBytes = total
    this.registers.set(id, data)
  }

  // ---- logs and results ----
  log (message: string): void {
    if (this.logs.length >= LIMITS.max_number_logs) throw hostErrors.numberOfLogsExceeded(LIMITS.max_number_logs)
    const len = Buffer.byteLength(message)
    this.totalLogLength += len
    if (this.totalLogLength > LIMITS.max_total_log_length) throw hostErrors.totalLogLengthExceeded(this.totalLogLength, LIMITS.max_total_log_length)
    this.burn(EXT.log_base + EXT.log_byte * BigInt(len))
    this.logs.push(message)
  }

  notInView (fn: string): void {
    if (this.ctx.isView) throw hostErrors.prohibitedInView(fn)
  }
}
