// A minimal NEP-171 non-fungible token for localnet tests of NftOwned: the owner mints, holders transfer with
// 1 yocto; nft_token and nft_tokens_for_owner answer in the NEP-171/181 shapes.
import { IndexedSet, Obj, U128, attachedDeposit, fail, jsonArray, optU64, predecessor, read, requireAccountId, returnString, str, write } from "../../sdk";
import { args, initOnce, requireOwner } from "../shared";

const tokensOf = (account: string): IndexedSet => new IndexedSet("o:" + account + ":");

function tokenJson(id: string, owner: string): string {
  return new Obj().str("token_id", id).str("owner_id", owner).raw("metadata", "null").done();
}

/** `new{owner_id}` */
function init(): void {
  initOnce();
  write("owner", requireAccountId(str(args(), "owner_id"), "owner_id"));
}
export { init as new };

/** `nft_mint{token_id, receiver_id}`: the owner only. */
export function nft_mint(): void {
  requireOwner();
  const a = args();
  const id = str(a, "token_id");
  if (id.length < 1 || id.length > 128) fail("token_id must be 1..128 characters");
  if (read("t:" + id) != null) fail("token " + id + " exists");
  const to = requireAccountId(str(a, "receiver_id"), "receiver_id");
  write("t:" + id, to);
  tokensOf(to).add(id);
}

/** `nft_transfer{receiver_id, token_id}` with 1 yocto attached, by the holder. */
export function nft_transfer(): void {
  if (attachedDeposit().cmp(U128.from(1)) != 0) fail("attach exactly 1 yoctoNEAR");
  const a = args();
  const id = str(a, "token_id");
  const holder = read("t:" + id);
  if (holder == null || holder! != predecessor()) fail("only the holder may transfer the token");
  const to = requireAccountId(str(a, "receiver_id"), "receiver_id");
  write("t:" + id, to);
  tokensOf(holder!).delete(id);
  tokensOf(to).add(id);
}

/** `nft_token{token_id}` → {token_id, owner_id, metadata} or null */
export function nft_token(): void {
  const id = str(args(), "token_id");
  const holder = read("t:" + id);
  returnString(holder == null ? "null" : tokenJson(id, holder!));
}

/** `nft_tokens_for_owner{account_id, from_index?, limit?}` → tokens */
export function nft_tokens_for_owner(): void {
  const a = args();
  const account = requireAccountId(str(a, "account_id"), "account_id");
  const ids = tokensOf(account).page(optU64(a, "from_index", 0), optU64(a, "limit", 50));
  const out = new Array<string>(ids.length);
  for (let i = 0; i < ids.length; i++) out[i] = tokenJson(ids[i], account);
  returnString(jsonArray(out));
}
