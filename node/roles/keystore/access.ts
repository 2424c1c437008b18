/**
 * Evaluates an access condition (OutLayer's shape, stored by the contract) for one account from chain state,
 * through view calls: NearBalance from the account, FtBalance from `ft_balance_of`, NftOwned from `nft_token` /
 * `nft_tokens_for_owner`, DaoMember from Sputnik v2 `get_policy`. The same limits as the contract (depth 8,
 * 64 nodes, 100 whitelist entries) bound the work, and at most 16 view calls are made per evaluation.
 * A failed view is a local failure (CHAIN_UNAVAILABLE), never a denial nor a grant.
 */
import { KeystoreError } from './errors.js'
import { compilePattern } from './pattern.js'

/** The chain reads the evaluator needs (node/chain's client provides both through its provider). */
export interface ChainViews {
  /** a contract view; null when the method returned nothing; throws when the call failed */
  viewFunction: (contractId: string, method: string, args: Record<string, unknown>) => Promise<unknown>
  /** the account's liquid balance in yocto; throws for a missing account or a failed call */
  accountBalance: (accountId: string) => Promise<bigint>
}

export type Operator = 'Gte' | 'Lte' | 'Gt' | 'Lt' | 'Eq' | 'Ne'
const OPERATORS: readonly string[] = ['Gte', 'Lte', 'Gt', 'Lt', 'Eq', 'Ne']
const MAX_DEPTH = 8
const MAX_NODES = 64
const MAX_VIEWS = 16

function compare (have: bigint, op: Operator, want: bigint): boolean {
  switch (op) {
    case 'Gte': return have >= want
    case 'Lte': return have <= want
    case 'Gt': return have > want
    case 'Lt': return have < want
    case 'Eq': return have === want
    case 'Ne': return have !== want
  }
}

const bad = (message: string): KeystoreError => new KeystoreError('BAD_CONDITION', `access: ${message}`)

function variantOf (v: unknown): [string, Record<string, unknown>] {
  if (typeof v === 'string') return [v, {}]
  if (v == null || typeof v !== 'object' || Array.isArray(v)) throw bad('a condition is a string or a one-key object')
  const keys = Object.keys(v)
  if (keys.length !== 1) throw bad('a condition object has exactly one key')
  const inner = (v as Record<string, unknown>)[keys[0]!]
  if (inner == null) return [keys[0]!, {}]
  if (typeof inner !== 'object' || Array.isArray(inner)) throw bad(`${keys[0]!} needs an object`)
  return [keys[0]!, inner as Record<string, unknown>]
}

const strField = (o: Record<string, unknown>, k: string, kind: string): string => {
  const v = o[k]
  if (typeof v !== 'string' || v.length === 0 || v.length > 256) throw bad(`${kind}.${k} must be a string of 1..256 characters`)
  return v
}

function amountField (o: Record<string, unknown>, k: string, kind: string): bigint {
  const v = o[k]
  const text = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v
  if (typeof text !== 'string' || !/^\d{1,39}$/.test(text)) throw bad(`${kind}.${k} must be a decimal amount`)
  return BigInt(text)
}

function operatorField (o: Record<string, unknown>, kind: string): Operator {
  const op = o.operator
  if (typeof op !== 'string' || !OPERATORS.includes(op)) throw bad(`${kind}.operator must be one of ${OPERATORS.join(', ')}`)
  return op as Operator
}

function asBigint (v: unknown, what: string): bigint {
  if (typeof v === 'string' && /^\d{1,39}$/.test(v)) return BigInt(v)
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v)
  throw new KeystoreError('CHAIN_UNAVAILABLE', `${what} answered ${JSON.stringify(v)?.slice(0, 80)}, not an amount`)
}

/** Whether a Sputnik v2 policy gives `account` the role (`*` = any role; kind Everyone, Group[…]). */
function daoHasRole (policy: unknown, role: string, account: string): boolean {
  const roles = (policy as { roles?: unknown } | null)?.roles
  if (!Array.isArray(roles)) return false
  return roles.some((r: { name?: unknown, kind?: unknown }) => {
    if (role !== '*' && r?.name !== role) return false
    if (r.kind === 'Everyone') return true
    const group = (r.kind as { Group?: unknown } | null)?.Group
    // {Member: <min token balance>} needs the DAO's staking token: not evaluated, never a grant
    return Array.isArray(group) && group.includes(account)
  })
}

class Evaluation {
  private nodes = 0
  private views = 0
  constructor (private readonly chain: ChainViews, private readonly account: string) {}

  private async view (contract: string, method: string, args: Record<string, unknown>): Promise<unknown> {
    if (++this.views > MAX_VIEWS) throw bad(`more than ${MAX_VIEWS} chain reads`)
    try {
      return await this.chain.viewFunction(contract, method, args)
    } catch (err) {
      throw new KeystoreError('CHAIN_UNAVAILABLE', `view ${contract}.${method} failed: ${(err as Error).message}`, { cause: err })
    }
  }

  async eval (condition: unknown, depth: number): Promise<boolean> {
    if (depth === 0) checkCondition(condition)
    if (++this.nodes > MAX_NODES) throw bad(`more than ${MAX_NODES} conditions`)
    const [kind, o] = variantOf(condition)
    switch (kind) {
      case 'AllowAll': return true
      case 'Whitelist': {
        const accounts = o.accounts
        if (!Array.isArray(accounts) || accounts.length === 0 || accounts.length > 100 || accounts.some(a => typeof a !== 'string')) throw bad('Whitelist.accounts must be 1..100 account ids')
        return accounts.includes(this.account)
      }
      case 'AccountPattern': {
        const compiled = compilePattern(strField(o, 'pattern', kind))
        if (!compiled.ok) throw bad(compiled.error.message)
        return compiled.value.matches(this.account)
      }
      case 'NearBalance': {
        const op = operatorField(o, kind)
        const want = amountField(o, 'value', kind)
        if (++this.views > MAX_VIEWS) throw bad(`more than ${MAX_VIEWS} chain reads`)
        let have: bigint
        try { have = await this.chain.accountBalance(this.account) } catch (err) {
          throw new KeystoreError('CHAIN_UNAVAILABLE', `balance of ${this.account}: ${(err as Error).message}`, { cause: err })
        }
        return compare(have, op, want)
      }
      case 'FtBalance': {
        const contract = strField(o, 'contract', kind)
        const op = operatorField(o, kind)
        const want = amountField(o, 'value', kind)
        return compare(asBigint(await this.view(contract, 'ft_balance_of', { account_id: this.account }), `${contract}.ft_balance_of`), op, want)
      }
      case 'NftOwned': {
        const contract = strField(o, 'contract', kind)
        if (o.token_id != null) {
          const token = await this.view(contract, 'nft_token', { token_id: strField(o, 'token_id', kind) }) as { owner_id?: unknown } | null
          return token?.owner_id === this.account
        }
        const tokens = await this.view(contract, 'nft_tokens_for_owner', { account_id: this.account, from_index: '0', limit: 1 })
        return Array.isArray(tokens) && tokens.length > 0
      }
      case 'DaoMember': {
        const dao = strField(o, 'dao', kind)
        const role = strField(o, 'role', kind)
        return daoHasRole(await this.view(dao, 'get_policy', {}), role, this.account)
      }
      case 'Logic': {
        const op = o.operator
        const conditions = o.conditions
        if (op !== 'And' && op !== 'Or') throw bad('Logic.operator must be And or Or')
        if (!Array.isArray(conditions) || conditions.length === 0) throw bad('Logic needs at least one condition')
        // sequential and short-circuiting: a denial costs no further reads
        for (const c of conditions) {
          const v = await this.eval(c, depth + 1)
          if (op === 'And' && !v) return false
          if (op === 'Or' && v) return true
        }
        return op === 'And'
      }
      case 'Not': {
        if (o.condition == null) throw bad('Not needs a condition')
        return !(await this.eval(o.condition, depth + 1))
      }
      default: throw bad(`unknown condition ${kind.slice(0, 40)}`)
    }
  }
}

/** Checks a condition's shape without reading the chain (the CLI's check before store_secrets); BAD_CONDITION. */
export function checkCondition (condition: unknown, depth = 0, budget = { nodes: 0 }): void {
  if (depth > MAX_DEPTH) throw bad(`conditions nest deeper than ${MAX_DEPTH}`)
  if (++budget.nodes > MAX_NODES) throw bad(`more than ${MAX_NODES} conditions`)
  const [kind, o] = variantOf(condition)
  switch (kind) {
    case 'AllowAll': return
    case 'Whitelist':
      if (!Array.isArray(o.accounts) || o.accounts.length === 0 || o.accounts.length > 100 || o.accounts.some(a => typeof a !== 'string')) throw bad('Whitelist.accounts must be 1..100 account ids')
      return
    case 'AccountPattern': { const c = compilePattern(strField(o, 'pattern', kind)); if (!c.ok) throw bad(c.error.message); return }
    case 'NearBalance': operatorField(o, kind); amountField(o, 'value', kind); return
    case 'FtBalance': strField(o, 'contract', kind); operatorField(o, kind); amountField(o, 'value', kind); return
    case 'NftOwned': strField(o, 'contract', kind); if (o.token_id != null) strField(o, 'token_id', kind); return
    case 'DaoMember': strField(o, 'dao', kind); strField(o, 'role', kind); return
    case 'Logic':
      if (o.operator !== 'And' && o.operator !== 'Or') throw bad('Logic.operator must be And or Or')
      if (!Array.isArray(o.conditions) || o.conditions.length === 0) throw bad('Logic needs at least one condition')
      for (const c of o.conditions) checkCondition(c, depth + 1, budget)
      return
    case 'Not':
      if (o.condition == null) throw bad('Not needs a condition')
      checkCondition(o.condition, depth + 1, budget)
      return
    default: throw bad(`unknown condition ${kind.slice(0, 40)}`)
  }
}

/** true when the condition holds for `account`; KeystoreError BAD_CONDITION or CHAIN_UNAVAILABLE otherwise. */
export async function evaluateAccess (condition: unknown, account: string, chain: ChainViews): Promise<boolean> {
  return await new Evaluation(chain, account).eval(condition, 0)
}
