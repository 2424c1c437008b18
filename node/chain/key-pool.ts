/**
 * Several access keys for the worker's one account, so its transactions do not queue on one nonce (issue 15).
 * The pool holds the account's full-access key and, once `ensure()` has added them, `size - 1` function-call
 * keys restricted to our contract and to the zero-deposit methods the node calls. Each key is its own
 * near-api-js Account (its own nonce cache); a send takes the key with the fewest sends in flight, and one
 * that needs a deposit (function-call keys cannot attach one) or acts on the account itself takes the full key.
 *
 * The extra keys are derived from the account's secret key (sha256 of a domain tag, the seed and the index), so
 * nothing new is stored: a restart, or a second machine holding the account key, finds the same keys, and
 * losing them loses nothing the account key does not already hold.
 */
import { Account, JsonRpcProvider, KeyPair, KeyPairSigner, actions, type Action, type KeyPairString, type TxExecutionStatus } from 'near-api-js'
import { base58 } from '@scure/base'
import { concatBytes, keyPairFromSeed, parseSecretKey, publicKeyToString, secretKeyToString, sha256, toBytes } from '../../protocol/index.js'
import { ChainError } from './errors.js'
import { failureMessage } from './outcome.js'

/** the contract methods a function-call key may call: every zero-deposit call the node makes */
export const POOL_METHODS = ['commit_result', 'commit_results', 'reveal_result', 'resolve_execution', 'resolve_executions', 'report_equivocation', 'settle_unreachable'] as const
/** at most this many keys per account (each AddKey costs storage and one more nonce cache) */
export const MAX_ACCESS_KEYS = 32
/** re-signs after this many nonce conflicts before giving up (each conflict means the transaction was not included) */
const NONCE_RETRIES = 30
const DOMAIN = 'outlayer-mesh:access-key:v1'

/** a conflict means another sender holds the nonce now: back off a little, with jitter, so retries spread out */
const conflictBackoff = async (attempt: number): Promise<void> => await new Promise(resolve => setTimeout(resolve, (10 + Math.random() * 40) * Math.min(attempt + 1, 8)))

/** The `index`-th extra key of the account whose secret key is `secretKey` (index ≥ 1; 0 is the account key). */
export function deriveAccessKey (secretKey: string, index: number): string {
  if (!Number.isInteger(index) || index < 1 || index >= MAX_ACCESS_KEYS) throw new ChainError('BAD_KEY_POOL', `access key index ${index} is not in 1..${MAX_ACCESS_KEYS - 1}`)
  const seed = parseSecretKey(secretKey).secretKey
  return secretKeyToString(keyPairFromSeed(sha256(concatBytes(toBytes(DOMAIN), new Uint8Array([0]), seed, new Uint8Array([index])))))
}

export function wrapChainError (err: unknown, what: string): ChainError {
  if (err instanceof ChainError) return err
  const e = err as Error
  // near-api-js raises its typed execution errors (HandlerError subclasses, *ExecutionError) for contract refusals
  // and FetchError/TypeError for transport problems.
  const refused = /ExecutionError|ActionError|FunctionCall|GuestPanic|WasmTrap/.test(e?.name ?? '') || (e as { type?: string })?.type === 'FunctionCallError'
  return new ChainError(refused ? 'CALL_REFUSED' : 'RPC_FAILED', `${what}: ${e?.message ?? String(err)}`, { cause: err })
}

/** near-api-js keeps the next nonce per key on the Account (private); invalidating it makes the next sign read the chain */
function invalidateNonce (account: Account, publicKey: unknown): Promise<void> {
  return (account as unknown as { nonceManager: { invalidate: (publicKey: unknown) => Promise<void> } }).nonceManager.invalidate(publicKey)
}

interface Slot { account: Account, publicKey: string, fullAccess: boolean, inFlight: number }

export interface KeyPoolInit {
  provider: JsonRpcProvider
  accountId: string
  /** the account's full-access key */
  secretKey: string
  contractId: string
  /** keys in the pool, the account key included; 1 is the account key alone @default 1 */
  size?: number
}

export interface SendArgs {
  receiverId: string
  actions: Action[]
  waitUntil: TxExecutionStatus
  /** names the call in errors */
  what: string
  /** a deposit, or an action on the account itself: only the full-access key may sign it */
  fullAccess: boolean
}

export class KeyPool {
  private readonly slots: Slot[]
  private readonly extra: Array<{ secretKey: string, publicKey: string }>
  /** hashes of the transactions in flight */
  private readonly inFlight = new Set<string>()
  /** nonce conflicts re-signed so far (each one a transaction the chain refused and the pool sent again) */
  conflicts = 0

  constructor (private readonly init: KeyPoolInit) {
    const size = init.size ?? 1
    if (!Number.isInteger(size) || size < 1 || size > MAX_ACCESS_KEYS) throw new ChainError('BAD_KEY_POOL', `access key pool size ${size} is not in 1..${MAX_ACCESS_KEYS}`)
    this.slots = [this.slot(init.secretKey, true)]
    this.extra = Array.from({ length: size - 1 }, (_, i) => {
      const secretKey = deriveAccessKey(init.secretKey, i + 1)
      return { secretKey, publicKey: publicKeyToString(parseSecretKey(secretKey).publicKey) }
    })
  }

  /** the public keys that sign (the function-call ones only after ensure()) */
  get publicKeys (): string[] { return this.slots.map(s => s.publicKey) }

  /**
   * Adds the function-call keys the account lacks (one transaction, signed by the account key), replaces one
   * whose permission is not exactly ours, then lets sends use them. Nothing to do, and no RPC, at size 1.
   */
  async ensure (): Promise<{ added: string[] }> {
    if (this.extra.length === 0 || this.slots.length > 1) return { added: [] }
    const { accountId, contractId, provider } = this.init
    const list = await provider.viewAccessKeyList({ accountId, finalityQuery: { finality: 'optimistic' } }).catch(err => { throw wrapChainError(err, 'access key list') })
    const have = new Map(list.keys.map(k => [String(k.public_key), k.access_key.permission]))
    const keyActions: Action[] = []
    const added: string[] = []
    for (const k of this.extra) {
      const permission = have.get(k.publicKey)
      if (permission != null && isOurs(permission, contractId)) continue
      const pk = KeyPair.fromString(k.secretKey as KeyPairString).getPublicKey()
      if (permission != null) keyActions.push(actions.deleteKey(pk))
      keyActions.push(actions.addFunctionCallAccessKey(pk, contractId, [...POOL_METHODS]))
      added.push(k.publicKey)
    }
    if (keyActions.length > 0) await this.send({ receiverId: accountId, actions: keyActions, waitUntil: 'FINAL', what: 'add access keys', fullAccess: true })
    this.slots.push(...this.extra.map(k => this.slot(k.secretKey, false)))
    return { added }
  }

  /**
   * Signs with the least busy key that may sign this and sends. A nonce conflict (concurrent sends reordered on
   * the way, or another holder of the key) means the transaction was refused, never included: it is re-signed
   * with a fresh nonce, on whichever key is least busy then.
   */
  async send (args: SendArgs): Promise<{ response: Awaited<ReturnType<JsonRpcProvider['sendTransactionUntil']>>, txHash: string }> {
    for (let attempt = 0; ; attempt++) {
      const slot = this.pick(args.fullAccess)
      slot.inFlight++
      let txHash: string | undefined
      try {
        const signed = await slot.account.createSignedTransaction({ receiverId: args.receiverId, actions: args.actions }).catch(err => { throw wrapChainError(err, args.what) })
        txHash = base58.encode(sha256(signed.transaction.encode()))
        // identical arguments under a nonce another send of ours holds give the identical transaction: the chain
        // would take it once and both callers would think theirs landed. Take a fresh nonce instead.
        if (this.inFlight.has(txHash)) { txHash = undefined; await invalidateNonce(slot.account, signed.transaction.publicKey); continue }
        this.inFlight.add(txHash)
        try {
          const response = await this.init.provider.sendTransactionUntil(signed, args.waitUntil)
          const failure = (response.status as { Failure?: unknown } | undefined)?.Failure
          if (failure != null) throw new ChainError('CALL_REFUSED', `${args.what}: ${failureMessage(failure) ?? 'failed'}`)
          return { response, txHash }
        } catch (err) {
          if ((err as Error)?.name !== 'InvalidNonceError' || attempt >= NONCE_RETRIES) throw wrapChainError(err, args.what)
          this.conflicts++
          // the key's nonce cache is dropped (as signAndSendTransaction does) and shared, so concurrent retries take distinct nonces
          await invalidateNonce(slot.account, signed.transaction.publicKey)
        }
      } finally {
        if (txHash != null) this.inFlight.delete(txHash)
        slot.inFlight--
      }
      await conflictBackoff(attempt)
    }
  }

  private pick (fullAccess: boolean): Slot {
    if (fullAccess) return this.slots[0]!
    return this.slots.reduce((best, s) => s.inFlight < best.inFlight ? s : best)
  }

  private slot (secretKey: string, fullAccess: boolean): Slot {
    const pair = KeyPair.fromString(secretKey as KeyPairString)
    return { account: new Account(this.init.accountId, this.init.provider, new KeyPairSigner(pair)), publicKey: pair.getPublicKey().toString(), fullAccess, inFlight: 0 }
  }
}

function isOurs (permission: unknown, contractId: string): boolean {
  const fc = (permission as { FunctionCall?: { receiver_id?: string, method_names?: string[], allowance?: unknown } })?.FunctionCall
  return fc != null && fc.receiver_id === contractId && fc.allowance == null &&
    fc.method_names?.length === POOL_METHODS.length && POOL_METHODS.every(m => fc.method_names!.includes(m))
}
