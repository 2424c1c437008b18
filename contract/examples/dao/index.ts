// A Sputnik-v2-shaped DAO for localnet tests of DaoMember: get_policy answers {roles:[{name, kind, permissions,
// vote_policy}], …} with kinds "Everyone", {"Group": [accounts]} and {"Member": "balance"}; the owner (standing in
// for a passed proposal) adds and removes group members.
import { IndexedSet, JType, Obj, arr, fail, jsonArray, quote, read, requireAccountId, returnString, str, write } from "../../sdk";
import { args, initOnce, requireOwner } from "../shared";

const groupOf = (role: string): IndexedSet => new IndexedSet("g:" + role + ":");

function checkRole(role: string): string {
  if (role.length < 1 || role.length > 64) fail("role must be 1..64 characters");
  return role;
}

/** `new{owner_id, roles:[name…]}`: Group roles, empty; an "all" role of kind Everyone is always there. */
function init(): void {
  initOnce();
  const a = args();
  write("owner", requireAccountId(str(a, "owner_id"), "owner_id"));
  const roles = arr(a, "roles");
  const names = new Array<string>(roles.length);
  for (let i = 0; i < roles.length; i++) {
    if (roles[i].type != JType.Str) fail("roles are names");
    names[i] = quote(checkRole(roles[i].text));
  }
  write("roles", jsonArray(names));
}
export { init as new };

function roleNames(): string[] {
  const text = read("roles")!;
  const inner = text.substring(1, text.length - 1);
  if (inner.length == 0) return [];
  const parts = inner.split(",");
  for (let i = 0; i < parts.length; i++) parts[i] = parts[i].substring(1, parts[i].length - 1);
  return parts;
}

/** `add_member{role, member_id}` / `remove_member{role, member_id}`: the owner. */
export function add_member(): void {
  requireOwner();
  const a = args();
  const role = str(a, "role");
  if (!roleNames().includes(role)) fail("no role " + role);
  groupOf(role).add(requireAccountId(str(a, "member_id"), "member_id"));
}

export function remove_member(): void {
  requireOwner();
  const a = args();
  groupOf(str(a, "role")).delete(str(a, "member_id"));
}

const VOTE_POLICY = "{\"weight_kind\":\"RoleWeight\",\"quorum\":\"0\",\"threshold\":[1,2]}";

/** `get_policy{}` → Sputnik v2 Policy */
export function get_policy(): void {
  const names = roleNames();
  const roles = new Array<string>();
  for (let i = 0; i < names.length; i++) {
    const members = groupOf(names[i]).page(0, 100);
    const quoted = new Array<string>(members.length);
    for (let j = 0; j < members.length; j++) quoted[j] = quote(members[j]);
    roles.push(new Obj().str("name", names[i]).raw("kind", "{\"Group\":" + jsonArray(quoted) + "}")
      .raw("permissions", "[\"*:*\"]").raw("vote_policy", "{}").done());
  }
  roles.push(new Obj().str("name", "all").raw("kind", "\"Everyone\"").raw("permissions", "[\"*:AddProposal\"]").raw("vote_policy", "{}").done());
  returnString(new Obj().raw("roles", jsonArray(roles)).raw("default_vote_policy", VOTE_POLICY)
    .str("proposal_bond", "100000000000000000000000").str("proposal_period", "604800000000000")
    .str("bounty_bond", "100000000000000000000000").str("bounty_forgiveness_period", "86400000000000").done());
}
