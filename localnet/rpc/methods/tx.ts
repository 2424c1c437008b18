/** Transactions: send_tx, broadcast_tx_async/commit, tx, EXPERIMENTAL_tx_status. */
import { base58 } from '@scure/base'
import { decodeSignedTransaction, encodeTransaction } from 'near-api-js'
import { sha256 } from '../../../protocol/index.js'
import { finalExecutionStatus, type TxStatus, type WaitUntil } from '../../chain/index.js'
import type { RpcContext, RpcMethod } from '../context.js'
import { invalidParams, parseError, rpcHandlerError } from '../errors.js'
import { asObject, base64Field, type Params, stringField } from '../params.js'

const WAIT_UNTIL: readonly WaitUntil[] = ['NONE', 'INCLUDED', 'EXECUTED_OPTIMISTIC', 'INCLUDED_FINAL', 'EXECUTED', 'FINAL']
const DEFAULT_WAIT: WaitUntil = 'EXECUTED_OPTIMISTIC'

function waitUntilField (p: Params): WaitUntil {
  const value = p.wait_until ?? DEFAULT_WAIT
  if (!WAIT_UNTIL.includes(value as WaitUntil)) throw invalidParams(`unknown variant \`${String(value)}\` of \`wait_until\``)
  return value as WaitUntil
}

/** The borsh SignedTransaction and its hash (sha256 of the borsh Transaction, base58), as nearcore computes it. */
function decodeTx (bytes: Uint8Array): { bytes: Uint8Array, hash: string } {
  try {
    const signed = decodeSignedTransaction(bytes)
    return { bytes, hash: base58.encode(sha256(encodeTransaction(signed.transaction))) }
  } catch (err) {
    throw parseError(`Failed to decode transaction: ${err instanceof Error ? err.message : String(err)}`)
  }
}

/**
 * Queues the tx unless the chain already knows it: a client that retries after a timeout re-sends the same
 * bytes, and nearcore answers those with the known tx's status rather than a nonce error.
 */
function submit (ctx: RpcContext, signedTx: Uint8Array): string {
  const { bytes, hash } = decodeTx(signedTx)
  if (ctx.chain.txStatus(hash) === undefined) ctx.chain.submitTx(bytes)
  return hash
}

/** nearcore's RpcTransactionResponse: the outcome only once the tx has executed. */
function txResponse (s: TxStatus, withReceipts: boolean): Record<string, unknown> {
  const final_execution_status = finalExecutionStatus(s)
  const executed = s.status === 'executed' || s.status === 'final'
  if (!executed || s.outcome === undefined) return { final_execution_status }
  return withReceipts
    ? { ...s.outcome, receipts: s.receipts ?? [], final_execution_status }
    : { ...s.outcome, final_execution_status }
}

async function waitFor (ctx: RpcContext, hash: string, until: WaitUntil, withReceipts: boolean): Promise<Record<string, unknown>> {
  if (until === 'NONE') return { final_execution_status: 'NONE' }
  const s = await ctx.chain.waitTx(hash, until, { timeoutMs: ctx.txTimeoutMs })
  return txResponse(s, withReceipts)
}

/** { signed_tx_base64, wait_until? } */
export const sendTx: RpcMethod = async (params, ctx) => {
  const p = asObject(params)
  const until = waitUntilField(p)
  const hash = submit(ctx, base64Field(p, 'signed_tx_base64'))
  return await waitFor(ctx, hash, until, false)
}

function positionalTx (params: unknown): Uint8Array {
  const p = Array.isArray(params) ? { signed_tx_base64: params[0] } : asObject(params)
  return base64Field(p, 'signed_tx_base64')
}

/** [signed_tx_base64] → the tx hash, at once */
export const broadcastTxAsync: RpcMethod = (params, ctx) => submit(ctx, positionalTx(params))

/** [signed_tx_base64] → the outcome once executed */
export const broadcastTxCommit: RpcMethod = async (params, ctx) =>
  await waitFor(ctx, submit(ctx, positionalTx(params)), DEFAULT_WAIT, false)

/** { tx_hash, sender_account_id, wait_until? } | { signed_tx_base64, wait_until? } | [tx_hash, sender_account_id] */
function txStatusMethod (withReceipts: boolean): RpcMethod {
  return async (params, ctx) => {
    const p: Params = Array.isArray(params) ? { tx_hash: params[0], sender_account_id: params[1] } : asObject(params)
    const until = waitUntilField(p)
    const hash = p.signed_tx_base64 != null ? decodeTx(base64Field(p, 'signed_tx_base64')).hash : stringField(p, 'tx_hash')
    if (p.signed_tx_base64 == null) stringField(p, 'sender_account_id')
    if (ctx.chain.txStatus(hash) === undefined) {
      throw rpcHandlerError('UNKNOWN_TRANSACTION', { requested_transaction_hash: hash }, `Transaction ${hash} doesn't exist`)
    }
    return await waitFor(ctx, hash, until, withReceipts)
  }
}

export const tx = txStatusMethod(false)
export const experimentalTxStatus = txStatusMethod(true)
