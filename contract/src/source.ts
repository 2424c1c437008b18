// Code sources as OutLayer spells them, checked with the same rules as protocol/request.ts codeSourceCheck,
// so every source we put in an event passes the workers' validateExecutionRequest.
import { JValue, Obj, fail, fromHex, obj, onlyKeys, optStr, str, variant } from "../sdk";
import { loadConfig } from "./config";
import { MAX_COMMIT, MAX_PROJECT_ID, MAX_REPO, MAX_URL, MAX_VERSION_KEY, capped } from "./limits";
import { urlRefusal } from "./url";

function isBuildTarget(t: string): bool {
  return t == "wasm32-wasi" || t == "wasm32-wasip1" || t == "wasm32-wasip2" || t == "wasm32-unknown-unknown";
}

function isCommitChar(c: i32): bool {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 46 || c == 95 || c == 47 || c == 45;
}

/** What a localnet deployment (`allow_local_sources`) also takes: the test servers and files of its machine. */
function hasUrlScheme(url: string): bool {
  return url.startsWith("https://") || url.startsWith("http://") || url.startsWith("file://") || url.startsWith("ipfs://");
}

/** `owner/name`, which the builder fetches from https://github.com/owner/name */
function isRepoShorthand(repo: string): bool {
  const slash = repo.indexOf("/");
  if (slash < 1 || slash == repo.length - 1 || repo.indexOf("/", slash + 1) >= 0) return false;
  for (let i = 0; i < repo.length; i++) {
    const c = repo.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 46 || c == 95 || c == 47;
    if (!ok) return false;
  }
  return true;
}

function checkWasmUrl(url: string): void {
  if (url.length < 1 || url.length > MAX_URL) fail("WasmUrl url must be 1.." + MAX_URL.toString() + " characters");
  const refusal = urlRefusal(url);
  if (refusal == null || (hasUrlScheme(url) && loadConfig().allowLocalSources)) return;
  fail("WasmUrl url " + refusal! + ": only https URLs of public hosts are fetched");
}

function checkRepo(repo: string): void {
  if (repo.length < 1 || repo.length > MAX_REPO) fail("GitHub repo must be 1.." + MAX_REPO.toString() + " characters");
  if (!repo.includes("://") && isRepoShorthand(repo)) return;
  const refusal = repo.includes("://") ? urlRefusal(repo) : "must be owner/name or an https URL";
  if (refusal == null || loadConfig().allowLocalSources) return;
  fail("GitHub repo " + refusal! + ": only owner/name or https URLs of public hosts are fetched");
}

function checkBuildTarget(o: JValue): string | null {
  if (!o.has("build_target")) return null;
  const t = str(o, "build_target");
  if (!isBuildTarget(t)) fail("unsupported build_target \"" + t + "\"");
  return t;
}

/** A GitHub or WasmUrl source, validated and re-serialised canonically. Project sources are resolved by the caller. */
export function concreteSource(v: JValue): string {
  const kind = variant(v, "source");
  if (kind == "GitHub") {
    const o = obj(v, "GitHub");
    onlyKeys(o, ["repo", "commit", "build_target"], "GitHub source");
    const repo = str(o, "repo");
    const commit = str(o, "commit");
    checkRepo(repo);
    if (commit.length < 1 || commit.length > MAX_COMMIT) fail("GitHub commit must be 1.." + MAX_COMMIT.toString() + " characters");
    for (let i = 0; i < commit.length; i++) if (!isCommitChar(commit.charCodeAt(i))) fail("GitHub commit has a bad character");
    const out = new Obj().str("repo", repo).str("commit", commit).optStr("build_target", checkBuildTarget(o));
    return new Obj().raw("GitHub", out.done()).done();
  }
  if (kind == "WasmUrl") {
    const o = obj(v, "WasmUrl");
    onlyKeys(o, ["url", "hash", "build_target"], "WasmUrl source");
    const url = str(o, "url");
    const hash = str(o, "hash");
    checkWasmUrl(url);
    if (fromHex(hash, 32) == null) fail("WasmUrl hash must be 64 lowercase hex characters (sha256)");
    const out = new Obj().str("url", url).str("hash", hash).optStr("build_target", checkBuildTarget(o));
    return new Obj().raw("WasmUrl", out.done()).done();
  }
  if (kind == "Project") fail("a project version must be a GitHub or WasmUrl source");
  fail("unknown source \"" + kind + "\": expected GitHub, WasmUrl or Project");
  return "";
}

/** The key a version is stored under: the wasm hash of a WasmUrl, the commit of a GitHub source. */
export function versionKeyOf(v: JValue): string {
  const kind = variant(v, "source");
  if (kind == "WasmUrl") return str(obj(v, "WasmUrl"), "hash");
  return str(obj(v, "GitHub"), "commit");
}

export class ProjectRef {
  constructor(public projectId: string, public versionKey: string | null) {}
}

/** The Project variant of a request source, or null for a concrete source. */
export function projectRef(v: JValue): ProjectRef | null {
  if (variant(v, "source") != "Project") return null;
  const o = obj(v, "Project");
  onlyKeys(o, ["project_id", "version_key"], "Project source");
  const id = capped(str(o, "project_id"), MAX_PROJECT_ID, "project_id");
  return new ProjectRef(id, o.has("version_key") ? capped(optStr(o, "version_key", ""), MAX_VERSION_KEY, "version_key") : null);
}
