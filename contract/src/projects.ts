// Projects in OutLayer's shape: `<owner>/<name>` with versions keyed by wasm hash (WasmUrl) or commit (GitHub),
// so a `Project` source resolves to a concrete source.
import {
  IndexedSet, JValue, Obj, blockHeight, fail, field, jsonArray, optBool, optU64, parseJson, predecessor,
  returnString, str, utf8, PrefixedMap, storageUsage
} from "../sdk";
import { argsOf } from "./args";
import { MAX_PROJECT_ID, MAX_VERSION_KEY, capped } from "./limits";
import { emit } from "./events";
import { concreteSource, versionKeyOf } from "./source";
import { chargeStorage } from "./storage-fee";

function projects(): PrefixedMap { return new PrefixedMap("p:"); }
function versions(): PrefixedMap { return new PrefixedMap("pv:"); }

function versionIndex(projectId: string): IndexedSet {
  return new IndexedSet("pl:" + projectId + ":");
}

function checkName(name: string): void {
  if (name.length < 1 || name.length > 64) fail("project name must be 1..64 characters");
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || c == 45;
    if (!ok) fail("project name may only hold A-Z a-z 0-9 _ -");
  }
}

function projectJson(id: string, owner: string, name: string, active: string, createdAt: u64): string {
  return new Obj().str("project_id", id).str("owner", owner).str("name", name)
    .str("active_version", active).num("created_at", createdAt).done();
}

function loadProject(id: string): JValue {
  const text = projects().get(id);
  if (text == null) fail("project " + id + " does not exist");
  return parseJson(utf8(text!));
}

function addVersion(projectId: string, sourceJson: string, key: string): void {
  const vkey = projectId + "|" + key;
  if (versions().has(vkey)) fail("version " + key + " already exists in " + projectId);
  versions().set(vkey, new Obj().str("version_key", key).raw("source", sourceJson).num("added_at", blockHeight()).done());
  versionIndex(projectId).add(key);
}

function setActive(p: JValue, key: string): void {
  const id = str(p, "project_id");
  if (!versions().has(id + "|" + key)) fail("version " + key + " does not exist in " + id);
  projects().set(id, projectJson(id, str(p, "owner"), str(p, "name"), key, optU64(p, "created_at", 0)));
}

export class ResolvedSource {
  constructor(public source: string, public versionKey: string) {}
}

export function resolveProjectSource(projectId: string, versionKey: string | null): ResolvedSource {
  const p = loadProject(projectId);
  const key = versionKey != null ? versionKey! : str(p, "active_version");
  const v = versions().get(projectId + "|" + key);
  if (v == null) fail("version " + key + " does not exist in " + projectId);
  const parsed = parseJson(utf8(v!));
  return new ResolvedSource(concreteSource(field(parsed, "source")), key);
}

export function create_project(): void {
  const before = storageUsage();
  const a = argsOf("create_project", ["name", "source"]);
  const name = str(a, "name");
  checkName(name);
  const owner = predecessor();
  const id = owner + "/" + name;
  if (projects().has(id)) fail("project " + id + " already exists");
  const source = field(a, "source");
  const key = versionKeyOf(source);
  addVersion(id, concreteSource(source), key);
  projects().set(id, projectJson(id, owner, name, key, blockHeight()));
  const cost = chargeStorage(before);
  emit("project_created", new Obj().str("project_id", id).str("version_key", key).amount("storage_cost", cost).done());
  returnString(new Obj().str("project_id", id).str("version_key", key).done());
}

function projectIdArg(a: JValue): string {
  return capped(str(a, "project_id"), MAX_PROJECT_ID, "project_id");
}

function ownedProject(a: JValue): JValue {
  const id = predecessor() + "/" + str(a, "name");
  return loadProject(id);
}

export function add_version(): void {
  const before = storageUsage();
  const a = argsOf("add_version", ["name", "source", "set_active"]);
  const p = ownedProject(a);
  const id = str(p, "project_id");
  const source = field(a, "source");
  const key = versionKeyOf(source);
  addVersion(id, concreteSource(source), key);
  if (optBool(a, "set_active", true)) setActive(p, key);
  const cost = chargeStorage(before);
  emit("project_version_added", new Obj().str("project_id", id).str("version_key", key).amount("storage_cost", cost).done());
}

export function set_active_version(): void {
  const a = argsOf("set_active_version", ["name", "version_key"]);
  const p = ownedProject(a);
  setActive(p, capped(str(a, "version_key"), MAX_VERSION_KEY, "version_key"));
}

export function get_project(): void {
  const text = projects().get(projectIdArg(argsOf("get_project", ["project_id"])));
  returnString(text == null ? "null" : text!);
}

export function get_version(): void {
  const a = argsOf("get_version", ["project_id", "version_key"]);
  const text = versions().get(projectIdArg(a) + "|" + capped(str(a, "version_key"), MAX_VERSION_KEY, "version_key"));
  returnString(text == null ? "null" : text!);
}

export function list_versions(): void {
  const a = argsOf("list_versions", ["project_id", "from_index", "limit"]);
  const id = projectIdArg(a);
  const keys = versionIndex(id).page(optU64(a, "from_index", 0), optU64(a, "limit", 50));
  const out = new Array<string>();
  for (let i = 0; i < keys.length; i++) {
    const v = versions().get(id + "|" + keys[i]);
    if (v != null) out.push(v!);
  }
  returnString(jsonArray(out));
}
