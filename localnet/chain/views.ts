/** nearcore's JSON views of blocks, chunks, transactions, receipts and outcomes. */
import { sha256 } from '@noble/hashes/sha2.js'
import type { Action } from '../runtime/actions.js'
import type { AccessKey } from '../state/records.js'
import { toBase58, toBase64 } from '../state/codec.js'
import type { AccessKeyPermissionView, JsonView } from './api.js'
import type { BlockRecord, OutcomeRecord, ReceiptRecord, TxRecord } from './records.js'

export const PROTOCOL_VERSION = 83
const ZERO_HASH = '11111111111111111111111111111111'
const EMPTY_SIG = 'ed25519:1111111111111111111111111111111111111111111111111111111111111111'

export function permissionView (k: AccessKey): AccessKeyPermissionView {
  if (k.permission === 'FullAccess') return 'FullAccess'
  const p = k.permission
  return { FunctionCall: { allowance: p.allowance == null ? null : p.allowance.toString(), receiver_id: p.receiverId, method_names: p.methodNames } }
}

export function actionView (a: Action): JsonView | string {
  switch (a.type) {
    case 'CreateAccount': return 'CreateAccount'
    case 'DeployContract': return { DeployContract: { code: toBase64(sha256(a.code)) } }
    case 'FunctionCall': return { FunctionCall: { method_name: a.methodName, args: toBase64(a.args), gas: Number(a.gas), deposit: a.deposit.toString() } }
    case 'Transfer': return { Transfer: { deposit: a.deposit.toString() } }
    case 'Stake': return { Stake: { stake: a.stake.toString(), public_key: a.publicKey } }
    case 'AddKey': return { AddKey: { public_key: a.publicKey, access_key: { nonce: Number(a.accessKey.nonce), permission: permissionView(a.accessKey) } } }
    case 'DeleteKey': return { DeleteKey: { public_key: a.publicKey } }
    case 'DeleteAccount': return { DeleteAccount: { beneficiary_id: a.beneficiaryId } }
    default: return a satisfies never
  }
}

export function transactionView (t: TxRecord): JsonView {
  return {
    signer_id: t.signerId,
    public_key: t.publicKey,
    nonce: Number(t.nonce),
    receiver_id: t.receiverId,
    actions: t.actions.map(actionView),
    priority_fee: 0,
    signature: t.signature,
    hash: t.hash
  }
}

export function receiptView (r: ReceiptRecord): JsonView {
  const receipt = r.kind === 'data'
    ? { Data: { data_id: r.dataId, data: r.data == null ? null : toBase64(r.data), is_promise_resume: r.isPromiseResume } }
    : {
        Action: {
          signer_id: r.signerId,
          signer_public_key: r.signerPublicKey,
          gas_price: r.gasPrice.toString(),
          output_data_receivers: r.outputDataReceivers.map(o => ({ data_id: o.dataId, receiver_id: o.receiverId })),
          input_data_ids: r.inputDataIds,
          actions: r.actions.map(actionView),
          is_promise_yield: r.isPromiseYield
        }
      }
  return { predecessor_id: r.predecessorId, receiver_id: r.receiverId, receipt_id: r.id, receipt, priority: 0 }
}

export function outcomeView (o: OutcomeRecord): JsonView {
  return {
    proof: [],
    block_hash: o.blockHash,
    id: o.id,
    outcome: {
      logs: o.logs,
      receipt_ids: o.receiptIds,
      gas_burnt: Number(o.gasBurnt),
      tokens_burnt: o.tokensBurnt.toString(),
      executor_id: o.executorId,
      status: o.status,
      metadata: { version: 3, gas_profile: [] }
    }
  }
}

export interface BlockViewExtras { author: string, epochId: string, lastFinalHash: string, totalSupply: bigint }

export function chunkHeaderView (b: BlockRecord): JsonView {
  return {
    chunk_hash: b.chunkHash,
    prev_block_hash: b.prevHash,
    outcome_root: ZERO_HASH,
    prev_state_root: ZERO_HASH,
    encoded_merkle_root: ZERO_HASH,
    encoded_length: 0,
    height_created: b.height,
    height_included: b.height,
    shard_id: 0,
    gas_used: Number(b.gasUsed),
    gas_limit: 1_000_000_000_000_000,
    rent_paid: '0',
    validator_reward: '0',
    balance_burnt: b.tokensBurnt.toString(),
    outgoing_receipts_root: ZERO_HASH,
    tx_root: ZERO_HASH,
    validator_proposals: [],
    signature: EMPTY_SIG
  }
}

export function blockView (b: BlockRecord, x: BlockViewExtras): JsonView {
  return {
    author: x.author,
    header: {
      height: b.height,
      prev_height: b.height > 0 ? b.height - 1 : null,
      epoch_id: x.epochId,
      next_epoch_id: x.epochId,
      hash: b.hash,
      prev_hash: b.prevHash,
      prev_state_root: ZERO_HASH,
      block_body_hash: ZERO_HASH,
      chunk_receipts_root: ZERO_HASH,
      chunk_headers_root: ZERO_HASH,
      chunk_tx_root: ZERO_HASH,
      outcome_root: ZERO_HASH,
      chunks_included: 1,
      challenges_root: ZERO_HASH,
      timestamp: Number(b.timestampNs),
      timestamp_nanosec: b.timestampNs.toString(),
      random_value: b.randomSeed,
      validator_proposals: [],
      chunk_mask: [true],
      gas_price: b.gasPrice.toString(),
      block_ordinal: b.height,
      rent_paid: '0',
      validator_reward: '0',
      total_supply: x.totalSupply.toString(),
      challenges_result: [],
      last_final_block: x.lastFinalHash,
      last_ds_final_block: x.lastFinalHash,
      next_bp_hash: ZERO_HASH,
      block_merkle_root: ZERO_HASH,
      epoch_sync_data_hash: null,
      approvals: [],
      signature: EMPTY_SIG,
      latest_protocol_version: PROTOCOL_VERSION
    },
    chunks: [chunkHeaderView(b)]
  }
}

export const hashOf = (...parts: Array<string | Uint8Array>): string =>
  toBase58(sha256(Buffer.concat(parts.map(p => typeof p === 'string' ? Buffer.from(p) : Buffer.from(p)))))
