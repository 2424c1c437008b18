// A minimal NEP-141 fungible token for localnet tests of FtBalance: the owner holds the supply and mints more;
// ft_transfer needs exactly 1 yocto (as NEP-141 asks). No storage registration: any account may hold a balance.
import { Obj, U128, attachedDeposit, fail, predecessor, quote, read, requireAccountId, returnString, str, u128Field, write, emitEvent } from "../../sdk";
import { args, initOnce, requireOwner } from "../shared";

function balance(account: string): U128 {
  const text = read("b:" + account);
  return text == null ? U128.zero() : U128.parse(text!)!;
}

function credit(account: string, amount: U128): void { write("b:" + account, balance(account).add(amount).toString()); }

/** `new{owner_id, total_supply}` */
function init(): void {
  initOnce();
  const a = args();
  const owner = requireAccountId(str(a, "owner_id"), "owner_id");
  write("owner", owner);
  credit(owner, u128Field(a, "total_supply"));
}
export { init as new };

/** `ft_mint{account_id, amount}`: the owner credits an account (tests set balances with it). */
export function ft_mint(): void {
  requireOwner();
  const a = args();
  credit(requireAccountId(str(a, "account_id"), "account_id"), u128Field(a, "amount"));
}

/** `ft_transfer{receiver_id, amount, memo?}` with 1 yocto attached. */
export function ft_transfer(): void {
  if (attachedDeposit().cmp(U128.from(1)) != 0) fail("attach exactly 1 yoctoNEAR");
  const a = args();
  const from = predecessor();
  const to = requireAccountId(str(a, "receiver_id"), "receiver_id");
  const amount = u128Field(a, "amount");
  const have = balance(from);
  if (have.lt(amount)) fail("the balance is too low");
  write("b:" + from, have.sub(amount).toString());
  credit(to, amount);
  emitEvent("nep141", "1.0.0", "ft_transfer", "[" + new Obj().str("old_owner_id", from).str("new_owner_id", to).amount("amount", amount).done() + "]");
}

/** `ft_balance_of{account_id}` → "amount" */
export function ft_balance_of(): void {
  returnString(quote(balance(requireAccountId(str(args(), "account_id"), "account_id")).toString()));
}
