// Code sources as OutLayer spells them, checked with the same rules as protocol/request.ts codeSourceCheck,
// so every source we put in an event passes the workers' validateExecutionRequest.
import { JValue, Obj, fail, fromHex, obj, onlyKeys, optStr, str, variant } from "../sdk";

function isBuildTarget(t: string): bool {
  return t == "wasm32-wasi" || t == "wasm32-wasip1" || t == "wasm32-wasip2" || t == "wasm32-unknown-unknown";
}

function isCommitChar(c: i32): bool {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 46 || c == 95 || c == 47 || c == 45;
}

function hasUrlScheme(url: string): bool {
  return url.startsWith("https://") || url.startsWith("http://") || url.startsWith("file://") || url.startsWith("ipfs://");
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
    if (repo.length < 1 || repo.length > 256) fail("GitHub repo must be 1..256 characters");
    if (commit.length < 1 || commit.length > 64) fail("GitHub commit must be 1..64 characters");
    for (let i = 0; i < commit.length; i++) if (!isCommitChar(commit.charCodeAt(i))) fail("GitHub commit has a bad character");
    const out = new Obj().str("repo", repo).str("commit", commit).optStr("build_target", checkBuildTarget(o));
    return new Obj().raw("GitHub", out.done()).done();
  }
  if (kind == "WasmUrl") {
    const o = obj(v, "WasmUrl");
    onlyKeys(o, ["url", "hash", "build_target"], "WasmUrl source");
    const url = str(o, "url");
    const hash = str(o, "hash");
    if (url.length < 1 || url.length > 2048 || !hasUrlScheme(url)) fail("WasmUrl url must be an http(s), file or ipfs URL of at most 2048 characters");
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
  const id = str(o, "project_id");
  return new ProjectRef(id, o.has("version_key") ? optStr(o, "version_key", "") : null);
}
