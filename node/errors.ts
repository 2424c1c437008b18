/**
 * The base of node/'s error classes (protocol's CodedError): one class per condition with a fixed set of codes;
 * each subclass sets its own `name`, and callers branch on `name` and `code`, never on the message.
 *
 *   export class ChainError extends CodedError<ChainErrorCode> { override readonly name = 'ChainError' }
 */
export { CodedError } from '../protocol/errors.js'
