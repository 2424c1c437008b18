// coin-flip: a consumer contract. A player bets on heads or tails; the flip is a random number computed off chain
// by the outlayer mesh with R=3 replicas and a quorum of 2, requested cross-contract. The bet settles in the
// callback from the quorum-verified result: even = heads, odd = tails; a win pays twice the bet. The player pays
// the execution: it is the request's payer, so outlayer refunds the unused part of the deposit to the player.
import {
  JType, JValue, Obj, U128, attachedDeposit, currentAccount, fail, field, functionCall, parseJson, predecessor,
  promiseResult, read, readU64, requireAccountId, returnPromise, returnString, str, then, transfer, u128Field,
  u64Of, write, writeU64, emitEvent, stringify, optU64, TGAS, inputBytes, prepaidGas
} from "../../sdk";

const REQUEST_GAS: u64 = 150 * TGAS;
const CALLBACK_GAS: u64 = 40 * TGAS;

function args(): JValue {
  const bytes = inputBytes();
  return parseJson(bytes.length == 0 ? Uint8Array.wrap(String.UTF8.encode("{}")) : bytes);
}

function config(): JValue {
  const text = read("config");
  if (text == null) fail("coin-flip is not initialized");
  return parseJson(Uint8Array.wrap(String.UTF8.encode(text!)));
}

/** `new{outlayer_id, source, execution_deposit, replicas?, quorum?, max_bet?}`, called by the contract account itself. */
function init(): void {
  if (predecessor() != currentAccount()) fail("new may only be called by the contract account itself");
  if (read("config") != null) fail("already initialized");
  const a = args();
  const replicas = optU64(a, "replicas", 3);
  write("config", new Obj()
    .str("outlayer_id", requireAccountId(str(a, "outlayer_id"), "outlayer_id"))
    .raw("source", stringify(field(a, "source")))
    .amount("execution_deposit", u128Field(a, "execution_deposit"))
    .num("replicas", replicas)
    .num("quorum", optU64(a, "quorum", replicas / 2 + 1))
    .amount("max_bet", a.has("max_bet") ? u128Field(a, "max_bet") : U128.from(1_000_000_000_000_000_000).mul(1_000_000))
    .done());
}

export { init as new };

/** `flip{guess: "heads" | "tails"}`: attach execution_deposit + the bet. */
export function flip(): void {
  const c = config();
  if (prepaidGas() < REQUEST_GAS + CALLBACK_GAS + 20 * TGAS) fail("attach at least " + ((REQUEST_GAS + CALLBACK_GAS + 20 * TGAS) / TGAS).toString() + " Tgas");
  const guess = str(args(), "guess");
  if (guess != "heads" && guess != "tails") fail("guess must be heads or tails");
  const executionDeposit = u128Field(c, "execution_deposit");
  const deposit = attachedDeposit();
  if (!executionDeposit.lt(deposit)) fail("attach the execution deposit " + executionDeposit.toString() + " plus a bet");
  const bet = deposit.sub(executionDeposit);
  if (u128Field(c, "max_bet").lt(bet)) fail("the bet is above max_bet");

  const id = readU64("next_flip", 1);
  writeU64("next_flip", id + 1);
  const player = predecessor();
  write("f:" + id.toString(), new Obj().num("flip_id", id).str("player", player).str("guess", guess).amount("bet", bet).str("status", "waiting").done());

  const request = new Obj()
    .raw("source", stringify(field(c, "source")))
    .str("input_data", "{\"count\":1,\"min\":0,\"max\":1000000}")
    .raw("resource_limits", "{\"max_instructions\":1000000000,\"max_memory_mb\":64,\"max_execution_seconds\":10}")
    .str("response_format", "Json")
    // what the execution does not use is refunded to the payer: the player, whose deposit it was
    .str("payer_account_id", player)
    .raw("redundancy", new Obj().num("replicas", optU64(c, "replicas", 3)).num("quorum", optU64(c, "quorum", 2)).str("aggregation", "identical").done())
    .done();
  const p = functionCall(str(c, "outlayer_id"), "request_execution", request, executionDeposit, REQUEST_GAS);
  returnPromise(then(p, currentAccount(), "on_flip", new Obj().num("flip_id", id).done(), U128.zero(), CALLBACK_GAS));
}

/** The first number anywhere in the result (the random example answers `{"numbers":[n]}`), or -1. */
function firstNumber(v: JValue): i64 {
  if (v.type == JType.Num) return I64.parseInt(v.text);
  for (let i = 0; i < v.items.length; i++) {
    const n = firstNumber(v.items[i]);
    if (n >= 0) return n;
  }
  return -1;
}

export function on_flip(): void {
  if (predecessor() != currentAccount()) fail("on_flip is private");
  const id = u64Of(field(args(), "flip_id"), "flip_id");
  const text = read("f:" + id.toString());
  if (text == null) fail("unknown flip");
  const f = parseJson(Uint8Array.wrap(String.UTF8.encode(text!)));
  const player = str(f, "player");
  const guess = str(f, "guess");
  const bet = u128Field(f, "bet");

  const result = promiseResult(0, 1);
  let n: i64 = -1;
  if (result.ok() && result.value.length > 0) n = firstNumber(parseJson(result.value));
  const o = new Obj().num("flip_id", id).str("player", player).str("guess", guess).amount("bet", bet);
  if (n < 0) {
    transfer(player, bet);
    o.str("outcome", "none").bool("won", false).amount("payout", bet).str("status", "refunded");
  } else {
    const outcome = n % 2 == 0 ? "heads" : "tails";
    const won = outcome == guess;
    const payout = won ? bet.mul(2) : U128.zero();
    transfer(player, payout);
    o.num("number", <u64>n).str("outcome", outcome).bool("won", won).amount("payout", payout).str("status", "settled");
  }
  const json = o.done();
  write("f:" + id.toString(), json);
  emitEvent("coin-flip", "1.0.0", "flip_settled", json);
  returnString(json);
}

export function get_flip(): void {
  const text = read("f:" + u64Of(field(args(), "flip_id"), "flip_id").toString());
  returnString(text == null ? "null" : text!);
}
