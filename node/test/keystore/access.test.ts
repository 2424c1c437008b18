/**
 * Every access condition allowed and denied on real localnet state: NEAR balances, the FT's ft_balance_of,
 * the NFT's nft_token / nft_tokens_for_owner, the DAO's get_policy roles; And/Or/Not over them; AccountPattern
 * in linear time (a pattern that backtracks exponentially elsewhere answers at once here).
 */
import assert from 'node:assert/strict'
import { NEAR, MAX_GAS } from '../../../contract/test/world.js'
import { compilePattern, evaluateAccess, KeystoreError } from '../../roles/keystore/index.js'
import { startKeystoreWorld, type KeystoreWorld } from './helpers.js'

describe('keystore: access conditions from chain state', function () {
  this.timeout(120_000)
  let k: KeystoreWorld
  let alice: string
  let bob: string

  before(async () => {
    k = await startKeystoreWorld({ members: 0, threshold: 2, workers: 1 })
    alice = k.w.users[0]!.accountId
    bob = k.w.users[1]!.accountId
    const root = k.w.root
    const as = async (contractId: string, methodName: string, args: Record<string, unknown>, deposit = 0n): Promise<void> => {
      await root.callFunctionRaw({ contractId, methodName, args, deposit, gas: MAX_GAS, waitUntil: 'FINAL' })
    }
    await as(k.tokens.ft, 'ft_mint', { account_id: alice, amount: '500' })
    await as(k.tokens.nft, 'nft_mint', { token_id: 'gold-1', receiver_id: alice })
    await as(k.tokens.dao, 'add_member', { role: 'council', member_id: alice })
  })
  after(async () => { await k?.stop() })

  const holds = async (condition: unknown, account: string): Promise<boolean> => await evaluateAccess(condition, account, k.chain)
  const both = async (condition: unknown): Promise<[boolean, boolean]> => [await holds(condition, alice), await holds(condition, bob)]

  it('AllowAll and Whitelist', async () => {
    assert.deepEqual(await both('AllowAll'), [true, true])
    assert.deepEqual(await both({ AllowAll: {} }), [true, true])
    assert.deepEqual(await both({ Whitelist: { accounts: [alice] } }), [true, false])
  })

  it('AccountPattern, anchored', async () => {
    const [prefix] = alice.split('.')
    assert.deepEqual(await both({ AccountPattern: { pattern: `^${prefix!}\\..*$` } }), [true, false])
    assert.deepEqual(await both({ AccountPattern: { pattern: `${prefix!}` } }), [false, false], 'anchored: a prefix alone does not match')
    assert.deepEqual(await both({ AccountPattern: { pattern: '.*\\.test\\.near' } }), [true, true])
  })

  it('NearBalance from the account state', async () => {
    const balance = await k.w.balance(alice)
    assert.deepEqual(await both({ NearBalance: { operator: 'Gte', value: (balance - NEAR).toString() } }), [true, (await k.w.balance(bob)) >= balance - NEAR])
    assert.deepEqual(await both({ NearBalance: { operator: 'Gt', value: (10n ** 30n).toString() } }), [false, false])
    assert.equal(await holds({ NearBalance: { operator: 'Eq', value: balance.toString() } }, alice), true)
  })

  it('FtBalance through ft_balance_of', async () => {
    assert.deepEqual(await both({ FtBalance: { contract: k.tokens.ft, operator: 'Gte', value: '100' } }), [true, false])
    assert.deepEqual(await both({ FtBalance: { contract: k.tokens.ft, operator: 'Lt', value: '100' } }), [false, true])
    assert.deepEqual(await both({ FtBalance: { contract: k.tokens.ft, operator: 'Eq', value: '500' } }), [true, false])
  })

  it('NftOwned through nft_token and nft_tokens_for_owner', async () => {
    assert.deepEqual(await both({ NftOwned: { contract: k.tokens.nft, token_id: 'gold-1' } }), [true, false])
    assert.deepEqual(await both({ NftOwned: { contract: k.tokens.nft, token_id: 'no-such-token' } }), [false, false])
    assert.deepEqual(await both({ NftOwned: { contract: k.tokens.nft } }), [true, false])
  })

  it('DaoMember through get_policy roles', async () => {
    assert.deepEqual(await both({ DaoMember: { dao: k.tokens.dao, role: 'council' } }), [true, false])
    assert.deepEqual(await both({ DaoMember: { dao: k.tokens.dao, role: 'all' } }), [true, true], 'the Everyone role')
    assert.deepEqual(await both({ DaoMember: { dao: k.tokens.dao, role: 'treasury' } }), [false, false])
  })

  it('Logic And / Or and Not combine real reads', async () => {
    const ft = { FtBalance: { contract: k.tokens.ft, operator: 'Gte', value: '100' } }
    const dao = { DaoMember: { dao: k.tokens.dao, role: 'council' } }
    assert.deepEqual(await both({ Logic: { operator: 'And', conditions: [ft, dao] } }), [true, false])
    assert.deepEqual(await both({ Logic: { operator: 'Or', conditions: [{ Whitelist: { accounts: [bob] } }, dao] } }), [true, true])
    assert.deepEqual(await both({ Not: { condition: dao } }), [false, true])
  })

  it('a view that fails is CHAIN_UNAVAILABLE, never a grant, even under Not', async () => {
    const missing = { FtBalance: { contract: 'nothing-here.test.near', operator: 'Gte', value: '0' } }
    for (const c of [missing, { Not: { condition: missing } }]) {
      await assert.rejects(holds(c, alice), (e: unknown) => e instanceof KeystoreError && e.code === 'CHAIN_UNAVAILABLE')
    }
  })

  it('malformed conditions are BAD_CONDITION', async () => {
    for (const c of [{ Teleport: {} }, { NearBalance: { operator: 'About', value: '1' } }, { AccountPattern: { pattern: '(a' } }, { Logic: { operator: 'Xor', conditions: ['AllowAll'] } }, 42]) {
      await assert.rejects(holds(c, alice), (e: unknown) => e instanceof KeystoreError && e.code === 'BAD_CONDITION', JSON.stringify(c))
    }
    let deep: unknown = 'AllowAll'
    for (let i = 0; i < 10; i++) deep = { Not: { condition: deep } }
    await assert.rejects(holds(deep, alice), (e: unknown) => e instanceof KeystoreError && e.code === 'BAD_CONDITION')
  })
})

describe('keystore: AccountPattern engine', () => {
  const m = (pattern: string, account: string): boolean => {
    const c = compilePattern(pattern)
    assert.ok(c.ok, c.ok ? '' : c.error.message)
    return c.value.matches(account)
  }

  it('matches the dialect: classes, groups, alternation, repetition', () => {
    assert.ok(m('[a-z0-9_-]+\\.near', 'alice-1.near'))
    assert.ok(!m('[a-z]+\\.near', 'Alice.near'))
    assert.ok(m('(alice|bob)\\.test', 'bob.test'))
    assert.ok(!m('(alice|bob)\\.test', 'carol.test'))
    assert.ok(m('a{2,3}', 'aaa') && !m('a{2,3}', 'aaaa') && !m('a{2,3}', 'a'))
    assert.ok(m('x?y*z+', 'z') && m('\\w+\\.\\d', 'a_b.7'))
    assert.ok(m('[^.]+', 'nodots') && !m('[^.]+', 'has.dot'))
  })

  it('refuses what it does not support, instead of guessing', () => {
    for (const bad of ['(a', 'a{99}', '*a', '[z-a]', '\\p{L}', 'a{3,1}', '']) assert.equal(compilePattern(bad).ok, false, bad)
  })

  it('has no catastrophic backtracking: (a+)+$ against 64 a’s and a b answers at once', () => {
    const c = compilePattern('(a+)+$')
    assert.ok(c.ok)
    // a backtracking engine takes ~2^63 steps here (the test would never end); the NFA takes O(states × 64)
    assert.equal(c.value.matches('a'.repeat(63) + 'b'), false)
    assert.equal(c.value.matches('a'.repeat(64)), true)
  })
})
