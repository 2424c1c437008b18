/**
 * Contract execution failures in nearcore's shapes. `toJSON()` gives the FunctionCallError as an
 * ActionErrorKind sees it (`FunctionCallErrorSer`); `vmError()` the raw VM error that view calls report.
 */
export type FunctionCallErrorJson = Record<string, unknown> | string

export abstract class VMError extends Error {
  abstract readonly code: string
  /** the ActionError kind's FunctionCallError value */
  abstract toJSON (): FunctionCallErrorJson
  /** the raw FunctionCallError value (view calls) */
  vmError (): FunctionCallErrorJson { return this.toJSON() }
}

/** A HostError: turned into ExecutionError("<message>") in outcomes, like nearcore. */
export class HostError extends VMError {
  override readonly name = 'HostError'
  constructor (readonly code: string, message: string, readonly fields: Record<string, unknown> = {}) {
    super(message)
  }

  toJSON (): FunctionCallErrorJson { return { ExecutionError: this.message } }
  override vmError (): FunctionCallErrorJson {
    return { HostError: Object.keys(this.fields).length === 0 ? this.code : { [this.code]: this.fields } }
  }
}

export class WasmTrap extends VMError {
  override readonly name = 'WasmTrap'
  constructor (readonly code: string, message: string) { super(`WebAssembly trap: ${message}`) }
  toJSON (): FunctionCallErrorJson { return { ExecutionError: this.message } }
  override vmError (): FunctionCallErrorJson { return { WasmTrap: this.code } }
}

export class MethodResolveError extends VMError {
  override readonly name = 'MethodResolveError'
  constructor (readonly code: 'MethodNotFound' | 'MethodEmptyName' | 'MethodInvalidSignature') { super(code) }
  toJSON (): FunctionCallErrorJson { return { MethodResolveError: this.code } }
}

export class CodeDoesNotExist extends VMError {
  override readonly name = 'CodeDoesNotExist'
  readonly code = 'CodeDoesNotExist'
  constructor (readonly accountId: string) { super(`code does not exist for ${accountId}`) }
  toJSON (): FunctionCallErrorJson { return { CompilationError: { CodeDoesNotExist: { account_id: this.accountId } } } }
}

export class PrepareError extends VMError {
  override readonly name = 'PrepareError'
  constructor (readonly code: string, message: string) { super(message) }
  toJSON (): FunctionCallErrorJson { return { CompilationError: { PrepareError: this.code } } }
}

export class LinkError extends VMError {
  override readonly name = 'LinkError'
  readonly code = 'LinkError'
  toJSON (): FunctionCallErrorJson { return { LinkError: { msg: this.message } } }
}

/** Host error constructors with nearcore's Display messages. */
export const hostErrors = {
  gasExceeded: () => new HostError('GasExceeded', 'Exceeded the prepaid gas.'),
  gasLimitExceeded: () => new HostError('GasLimitExceeded', 'Exceeded the maximum amount of gas allowed to burn per contract.'),
  guestPanic: (msg: string) => new HostError('GuestPanic', `Smart contract panicked: ${msg}`, { panic_msg: msg }),
  badUtf8: () => new HostError('BadUTF8', 'String encoding is bad UTF-8 sequence.'),
  badUtf16: () => new HostError('BadUTF16', 'String encoding is bad UTF-16 sequence.'),
  memoryAccessViolation: () => new HostError('MemoryAccessViolation', 'Accessed memory outside the bounds.'),
  invalidRegisterId: (id: bigint) => new HostError('InvalidRegisterId', `Accessed invalid register id: ${id}`, { register_id: Number(id) }),
  invalidPromiseIndex: (i: bigint) => new HostError('InvalidPromiseIndex', `${i} does not correspond to existing promises`, { promise_idx: Number(i) }),
  invalidPromiseResultIndex: (i: bigint) => new HostError('InvalidPromiseResultIndex', `Accessed invalid promise result index: ${i}`, { result_idx: Number(i) }),
  cannotAppendToJoint: () => new HostError('CannotAppendActionToJointPromise', 'Actions can only be appended to non-joint promise.'),
  cannotReturnJoint: () => new HostError('CannotReturnJointPromise', 'Returning joint promise is currently prohibited.'),
  invalidAccountId: () => new HostError('InvalidAccountId', 'VM Logic returned an invalid account id'),
  invalidMethodName: () => new HostError('InvalidMethodName', 'VM Logic returned an invalid method name'),
  invalidPublicKey: () => new HostError('InvalidPublicKey', 'VM Logic provided an invalid public key'),
  prohibitedInView: (m: string) => new HostError('ProhibitedInView', `${m} is not allowed in view calls`, { method_name: m }),
  numberOfLogsExceeded: (limit: number) => new HostError('NumberOfLogsExceeded', `The number of logs will exceed the limit ${limit}`, { limit }),
  totalLogLengthExceeded: (length: number, limit: number) => new HostError('TotalLogLengthExceeded', `The length of a log message ${length} exceeds the limit ${limit}`, { length, limit }),
  returnedValueLengthExceeded: (length: number, limit: number) => new HostError('ReturnedValueLengthExceeded', `The length of a returned value ${length} exceeds the limit ${limit}`, { length, limit }),
  keyLengthExceeded: (length: number, limit: number) => new HostError('KeyLengthExceeded', `The length of a storage key ${length} exceeds the limit ${limit}`, { length, limit }),
  valueLengthExceeded: (length: number, limit: number) => new HostError('ValueLengthExceeded', `The length of a storage value ${length} exceeds the limit ${limit}`, { length, limit }),
  registerTooLarge: (length: number, limit: number) => new HostError('MemoryAccessViolation', `register of ${length} bytes exceeds the limit ${limit}`),
  numberPromisesExceeded: (n: number, limit: number) => new HostError('NumberPromisesExceeded', `Exceeded the maximum number of promises within a function call: ${n} > ${limit}`, { number_of_promises: n, limit }),
  numberInputDataDependenciesExceeded: (n: number, limit: number) => new HostError('NumberInputDataDependenciesExceeded', `Exceeded the maximum number of input data dependencies: ${n} > ${limit}`, { number_of_input_data_dependencies: n, limit }),
  balanceExceeded: () => new HostError('BalanceExceeded', 'Exceeded the account balance.'),
  integerOverflow: () => new HostError('IntegerOverflow', 'Integer overflow.'),
  yieldPayloadLength: (length: number, limit: number) => new HostError('YieldPayloadLength', `Yield resume payload is ${length} bytes which exceeds the ${limit} byte limit`, { length, limit }),
  dataIdMalformed: () => new HostError('DataIdMalformed', 'Data id provided to yield function is malformed'),
  ed25519Invalid: (msg: string) => new HostError('Ed25519VerifyInvalidInput', `ED25519 signature verification error: ${msg}`, { msg }),
  unsupported: (fn: string) => new HostError('Deprecated', `Attempted to call deprecated host function ${fn}`, { method_name: fn })
}
