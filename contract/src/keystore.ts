// The threshold keystore group (issue 12): its public key, threshold and members, read by every keystore node,
// worker and `outlayer secrets put`. The owner sets the first group once (nothing else can vouch for it yet);
// after that only t of the current members, signing the new record jointly with their node keys, replace it:
// the owner alone can no longer point new secrets at a key it controls.
import {
  JType, JValue, Obj, arr, blockHeight, currentAccount, ed25519Verify, fail, fromHex, jsonArray, obj, onlyKeys,
  parseJson, read, readU64, requireAccountId, returnString, str, u64Of, utf8, write, writeU64, field, sha256
} from "../sdk";
import { args } from "./args";
import { emit } from "./events";
import { requireOwner } from "./guards";
import { decodePublicKey } from "./workers";

const GROUP_KEY = "ks:group";
const VERSION_KEY = "ks:version";
const MAX_MEMBERS = 16;

function hex32(o: JValue, key: string): string {
  const text = str(o, key);
  if (fromHex(text, 32) == null) fail("keystore: " + key + " must be 64 lowercase hex characters");
  return text;
}

function isPeerIdChar(c: i32): bool {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** The group as the contract writes it (this exact text is what members sign, node/roles/keystore/group.ts). */
function canonicalGroup(g: JValue): string {
  onlyKeys(g, ["group_key", "threshold", "members"], "keystore group");
  const groupKey = hex32(g, "group_key");
  const members = arr(g, "members");
  if (members.length < 2 || members.length > MAX_MEMBERS) fail("keystore: 2.." + MAX_MEMBERS.toString() + " members");
  const threshold = u64Of(field(g, "threshold"), "threshold");
  if (threshold < 2 || threshold > <u64>members.length) fail("keystore: threshold must be 2..members");
  const out = new Array<string>(members.length);
  const seen = new Set<string>();
  for (let i = 0; i < members.length; i++) {
    const m = members[i];
    if (m.type != JType.Obj) fail("keystore: members must be objects");
    onlyKeys(m, ["account_id", "peer_id", "public_key", "verifying_share"], "keystore member");
    const account = requireAccountId(str(m, "account_id"), "keystore member account_id");
    if (seen.has(account)) fail("keystore: member " + account + " is listed twice");
    seen.add(account);
    const peer = str(m, "peer_id");
    if (peer.length < 1 || peer.length > 128) fail("keystore: peer_id must be 1..128 characters");
    for (let j = 0; j < peer.length; j++) if (!isPeerIdChar(peer.charCodeAt(j))) fail("keystore: peer_id must be base58");
    const publicKey = str(m, "public_key");
    decodePublicKey(publicKey);
    out[i] = new Obj().str("account_id", account).str("peer_id", peer).str("public_key", publicKey)
      .str("verifying_share", hex32(m, "verifying_share")).done();
  }
  return new Obj().str("group_key", groupKey).num("threshold", threshold).raw("members", jsonArray(out)).done();
}

/** What t current members sign to replace the group: sha256 of this text (utf8). */
function rotationMessage(version: u64, canonical: string): Uint8Array {
  return sha256(utf8("outlayer-mesh/keystore-group/v1\0" + currentAccount() + "\0" + version.toString() + "\0" + canonical));
}

function save(canonical: string, version: u64, by: string): void {
  writeU64(VERSION_KEY, version);
  write(GROUP_KEY, new Obj().num("version", version).raw("group", canonical).num("updated_at", blockHeight()).done());
  emit("keystore_group_set", new Obj().num("version", version).str("by", by).raw("group", canonical).done());
}

/** `set_keystore_group{group}`: the owner, once, for the initial group. */
export function set_keystore_group(): void {
  const c = requireOwner();
  if (read(GROUP_KEY) != null) fail("keystore: a group is set; replace it with rotate_keystore_group (signed by its members)");
  const a = args();
  onlyKeys(a, ["group"], "set_keystore_group");
  save(canonicalGroup(obj(a, "group")), 1, c.ownerId);
}

/** `rotate_keystore_group{group, signatures:[{account_id, signature(hex)}]}`: anyone, with t current members' signatures. */
export function rotate_keystore_group(): void {
  const text = read(GROUP_KEY);
  if (text == null) fail("keystore: no group yet; the owner sets the first one");
  const current = obj(parseJson(utf8(text!)), "group");
  const a = args();
  onlyKeys(a, ["group", "signatures"], "rotate_keystore_group");
  const canonical = canonicalGroup(obj(a, "group"));
  const version = readU64(VERSION_KEY, 1) + 1;
  const message = rotationMessage(version, canonical);
  const members = arr(current, "members");
  const signatures = arr(a, "signatures");
  const signed = new Set<string>();
  for (let i = 0; i < signatures.length; i++) {
    const s = signatures[i];
    if (s.type != JType.Obj) fail("keystore: signatures must be objects");
    const account = str(s, "account_id");
    const sig = fromHex(str(s, "signature"), 64);
    if (sig == null) fail("keystore: signature must be 128 hex characters");
    let member: JValue | null = null;
    for (let j = 0; j < members.length; j++) if (str(members[j], "account_id") == account) member = members[j];
    if (member == null) fail("keystore: " + account + " is not a current member");
    if (!ed25519Verify(sig!, message, decodePublicKey(str(member!, "public_key")))) fail("keystore: the signature of " + account + " does not verify");
    signed.add(account);
  }
  const threshold = u64Of(field(current, "threshold"), "threshold");
  if (<u64>signed.size < threshold) fail("keystore: " + signed.size.toString() + " member signatures, " + threshold.toString() + " needed");
  save(canonical, version, "members");
}

/** The published group's version, 0 before the first one. */
export function groupVersion(): u64 {
  return readU64(VERSION_KEY, 0);
}

/** `get_keystore_group{}` → {version, group{group_key, threshold, members[]}, updated_at} or null. */
export function get_keystore_group(): void {
  const text = read(GROUP_KEY);
  returnString(text == null ? "null" : text!);
}
