// Access conditions for secrets, in OutLayer's shape. The contract only checks that a condition is well formed;
// the keystore evaluates it later. Unit variants may be written "AllowAll" or {"AllowAll": {}}.
import { JType, JValue, U128, arr, fail, obj, onlyKeys, str, variant, requireAccountId } from "../sdk";

const MAX_DEPTH = 8;
const MAX_NODES = 64;
const MAX_WHITELIST = 100;

class Budget { nodes: i32 = 0; }

function checkOperator(op: string): void {
  if (op != "Gte" && op != "Lte" && op != "Gt" && op != "Lt" && op != "Eq" && op != "Ne") fail("access: operator must be Gte, Lte, Gt, Lt, Eq or Ne");
}

function checkAmount(o: JValue, key: string): void {
  const v = o.get(key);
  if (v == null || (v.type != JType.Str && v.type != JType.Num) || U128.parse(v.text) == null) fail("access: " + key + " must be a decimal amount");
}

function check(v: JValue, depth: i32, budget: Budget): void {
  if (depth > MAX_DEPTH) fail("access: conditions nest deeper than " + MAX_DEPTH.toString());
  if (++budget.nodes > MAX_NODES) fail("access: more than " + MAX_NODES.toString() + " conditions");
  const kind = variant(v, "access condition");
  if (kind == "AllowAll") {
    if (v.isObj()) { const inner = v.get("AllowAll")!; if (!inner.isNull() && !(inner.isObj() && inner.keys.length == 0)) fail("access: AllowAll takes no fields"); }
    return;
  }
  if (v.type != JType.Obj) fail("access: " + kind + " needs fields");
  if (kind == "Whitelist") {
    const o = obj(v, kind);
    onlyKeys(o, ["accounts"], kind);
    const accounts = arr(o, "accounts");
    if (accounts.length == 0 || accounts.length > MAX_WHITELIST) fail("access: Whitelist needs 1.." + MAX_WHITELIST.toString() + " accounts");
    for (let i = 0; i < accounts.length; i++) {
      if (accounts[i].type != JType.Str) fail("access: Whitelist accounts must be strings");
      requireAccountId(accounts[i].text, "access: Whitelist account");
    }
  } else if (kind == "AccountPattern") {
    const o = obj(v, kind);
    onlyKeys(o, ["pattern"], kind);
    const pattern = str(o, "pattern");
    if (pattern.length < 1 || pattern.length > 256) fail("access: AccountPattern pattern must be 1..256 characters");
  } else if (kind == "NearBalance") {
    const o = obj(v, kind);
    onlyKeys(o, ["operator", "value"], kind);
    checkOperator(str(o, "operator"));
    checkAmount(o, "value");
  } else if (kind == "FtBalance") {
    const o = obj(v, kind);
    onlyKeys(o, ["contract", "operator", "value"], kind);
    requireAccountId(str(o, "contract"), "access: FtBalance contract");
    checkOperator(str(o, "operator"));
    checkAmount(o, "value");
  } else if (kind == "NftOwned") {
    const o = obj(v, kind);
    onlyKeys(o, ["contract", "token_id"], kind);
    requireAccountId(str(o, "contract"), "access: NftOwned contract");
    if (o.has("token_id") && str(o, "token_id").length > 256) fail("access: NftOwned token_id is too long");
  } else if (kind == "DaoMember") {
    const o = obj(v, kind);
    onlyKeys(o, ["dao", "role"], kind);
    requireAccountId(str(o, "dao"), "access: DaoMember dao");
    const role = str(o, "role");
    if (role.length < 1 || role.length > 64) fail("access: DaoMember role must be 1..64 characters");
  } else if (kind == "Logic") {
    const o = obj(v, kind);
    onlyKeys(o, ["operator", "conditions"], kind);
    const op = str(o, "operator");
    if (op != "And" && op != "Or") fail("access: Logic operator must be And or Or");
    const conditions = arr(o, "conditions");
    if (conditions.length == 0) fail("access: Logic needs at least one condition");
    for (let i = 0; i < conditions.length; i++) check(conditions[i], depth + 1, budget);
  } else if (kind == "Not") {
    const o = obj(v, kind);
    onlyKeys(o, ["condition"], kind);
    const inner = o.get("condition");
    if (inner == null) fail("access: Not needs a condition");
    check(inner!, depth + 1, budget);
  } else {
    fail("access: unknown condition " + kind);
  }
}

export function validateAccess(v: JValue): void {
  check(v, 0, new Budget());
}
