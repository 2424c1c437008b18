// Encrypted secrets, stored per (owner, accessor, profile) for the keystore, which comes later. The caller pays
// for the storage; deleting refunds what was paid.
import {
  JValue, Obj, U128, field, fromBase64, obj, onlyKeys, optStr, parseJson, predecessor, read, remove, requireAccountId,
  returnString, str, stringify, storageUsage, transfer, u128Field, utf8, write, blockHeight, fail, variant, fromHex,
  sha256, toHex, u64le, concat
} from "../sdk";
import { validateAccess } from "./access";
import { argsOf } from "./args";
import { MAX_BRANCH, MAX_PROFILE, MAX_PROJECT_ID, MAX_REPO, capped } from "./limits";
import { emit } from "./events";
import { chargeStorage } from "./storage-fee";

const MAX_SECRETS_BYTES = 64 * 1024;
/** a Whitelist of 100 accounts of 64 characters takes ~6.6 KB; the cap keeps store_secrets far below 300 Tgas */
const MAX_ACCESS_BYTES = 16 * 1024;

/**
 * The accessor in one canonical JSON form (`{"Repo":{"repo":…,"branch":…}}`, `{"WasmHash":{"hash":…}}`,
 * `{"Project":{"project_id":…}}`): JSON quoting keeps every part apart, so `repo "a@b"` and `repo "a", branch "b"`
 * are different accessors.
 */
function accessorKey(v: JValue): string {
  const kind = variant(v, "accessor");
  const o = obj(v, kind);
  const canonical = new Obj();
  if (kind == "Repo") {
    onlyKeys(o, ["repo", "branch"], "Repo accessor");
    const repo = str(o, "repo");
    if (repo.length < 1 || repo.length > MAX_REPO) fail("accessor: repo must be 1.." + MAX_REPO.toString() + " characters");
    canonical.str("repo", repo);
    if (o.has("branch")) {
      const branch = str(o, "branch");
      if (branch.length < 1 || branch.length > MAX_BRANCH) fail("accessor: branch must be 1.." + MAX_BRANCH.toString() + " characters");
      canonical.str("branch", branch);
    }
  } else if (kind == "WasmHash") {
    onlyKeys(o, ["hash"], "WasmHash accessor");
    const hash = str(o, "hash");
    if (fromHex(hash, 32) == null) fail("accessor: hash must be 64 lowercase hex characters");
    canonical.str("hash", hash);
  } else if (kind == "Project") {
    onlyKeys(o, ["project_id"], "Project accessor");
    canonical.str("project_id", capped(str(o, "project_id"), MAX_PROJECT_ID, "accessor: project_id"));
  } else {
    fail("accessor must be Repo, WasmHash or Project");
  }
  return new Obj().raw(kind, canonical.done()).done();
}

function checkProfile(profile: string): string {
  if (profile.length < 1 || profile.length > MAX_PROFILE) fail("profile must be 1.." + MAX_PROFILE.toString() + " characters");
  return profile;
}

/**
 * The storage key of one (owner, accessor, profile): the sha256 of the three, each length-prefixed, so no two
 * different triples share a key whatever characters (`|`, `@`, `:`) their parts hold.
 */
function key(owner: string, accessor: string, profile: string): string {
  const parts = [owner, accessor, profile];
  const framed = new Array<Uint8Array>();
  for (let i = 0; i < parts.length; i++) {
    const bytes = utf8(parts[i]);
    framed.push(u64le(<u64>bytes.length));
    framed.push(bytes);
  }
  return "s:" + toHex(sha256(concat(framed)));
}

function fixedWidth(amount: U128): string {
  const digits = amount.toString();
  // 39 digits hold any u128
  return "000000000000000000000000000000000000000".substring(0, 39 - digits.length) + digits;
}

/** `accessor` and `access` as JSON text */
function secretRecord(owner: string, accessor: string, profile: string, secrets: string, access: string, deposit: U128): string {
  return new Obj().str("owner", owner).raw("accessor", accessor).str("profile", profile)
    .str("encrypted_secrets_base64", secrets).raw("access", access)
    .str("storage_deposit", fixedWidth(deposit)).num("updated_at", blockHeight()).done();
}

export function store_secrets(): void {
  const before = storageUsage();
  const a = argsOf("store_secrets", ["accessor", "profile", "encrypted_secrets_base64", "access"]);
  const owner = predecessor();
  const accessor = field(a, "accessor");
  const profile = checkProfile(str(a, "profile"));
  const k = key(owner, accessorKey(accessor), profile);
  const secrets = str(a, "encrypted_secrets_base64");
  const decoded = fromBase64(secrets);
  if (decoded == null || decoded.length == 0) fail("encrypted_secrets_base64 must be non-empty base64");
  if (decoded!.length > MAX_SECRETS_BYTES) fail("encrypted secrets are limited to " + MAX_SECRETS_BYTES.toString() + " bytes");
  const access = field(a, "access");
  validateAccess(access);
  const accessJson = stringify(access);
  if (accessJson.length > MAX_ACCESS_BYTES) fail("access conditions are limited to " + MAX_ACCESS_BYTES.toString() + " bytes of JSON");
  const accessorJson = stringify(accessor);

  // replacing a record: its old bytes were paid for already, so only growth is charged. The deposit is written
  // at a fixed width, so rewriting it after the charge does not change the record's size.
  const previous = read(k);
  const paid = previous == null ? U128.zero() : u128Field(parseJson(utf8(previous!)), "storage_deposit");
  write(k, secretRecord(owner, accessorJson, profile, secrets, accessJson, paid));
  const charged = chargeStorage(before);
  write(k, secretRecord(owner, accessorJson, profile, secrets, accessJson, paid.add(charged)));
  emit("secrets_stored", new Obj().str("owner", owner).raw("accessor", accessorJson).str("profile", profile)
    .amount("storage_cost", charged).done());
}

export function delete_secrets(): void {
  const a = argsOf("delete_secrets", ["accessor", "profile"]);
  const owner = predecessor();
  const k = key(owner, accessorKey(field(a, "accessor")), checkProfile(str(a, "profile")));
  const previous = read(k);
  if (previous == null) fail("no secrets stored for this accessor and profile");
  const paid = u128Field(parseJson(utf8(previous!)), "storage_deposit");
  remove(k);
  transfer(owner, paid);
  emit("secrets_deleted", new Obj().str("owner", owner).raw("accessor", stringify(field(a, "accessor"))).str("profile", str(a, "profile"))
    .amount("refunded", paid).done());
}

/** `get_secrets{accessor, profile, owner}` → the record or null. */
export function get_secrets(): void {
  const a = argsOf("get_secrets", ["accessor", "profile", "owner"]);
  const owner = requireAccountId(str(a, "owner"), "owner");
  const text = read(key(owner, accessorKey(field(a, "accessor")), checkProfile(optStr(a, "profile", "default"))));
  returnString(text == null ? "null" : text!);
}
