/**
 * Code sources by kind, and the short forms OutLayer callers write them in (the CLI's --source, scripts):
 *   owner/repo@commit | <git-url>@commit → GitHub (default build target)
 *   <wasm-url>#<sha256>                 → WasmUrl
 *   project:<owner>/<name>[@version]   → Project
 */
import { DEFAULT_BUILD_TARGET, normaliseRepo } from './build-attestation.js'
import { fail, type Result } from './errors.js'
import { codeSourceCheck, type CodeSource } from './request.js'

export const SOURCE_KINDS = ['GitHub', 'WasmUrl', 'Project'] as const
export type SourceKind = typeof SOURCE_KINDS[number]

export function sourceKind (source: CodeSource): SourceKind {
  if ('GitHub' in source) return 'GitHub'
  if ('WasmUrl' in source) return 'WasmUrl'
  return 'Project'
}

/** A short-form source, validated as the contract would (`path` names the input in errors). */
export function parseSource (text: string, path = 'source'): Result<CodeSource> {
  const shaped = sourceObject(text.trim())
  if (shaped == null) return fail('INVALID', `"${text}" is none of owner/repo@commit, <git-url>@commit, <wasm-url>#<sha256>, project:<id>`, path)
  return codeSourceCheck(shaped, path)
}

function sourceObject (text: string): unknown {
  if (text.startsWith('project:')) {
    const [projectId, versionKey] = splitLast(text.slice('project:'.length), '@')
    return { Project: versionKey != null ? { project_id: projectId, version_key: versionKey } : { project_id: projectId } }
  }
  const hashAt = text.lastIndexOf('#')
  if (hashAt > 0 && /^(https?|file|ipfs):\/\//.test(text)) {
    return { WasmUrl: { url: text.slice(0, hashAt), hash: text.slice(hashAt + 1).toLowerCase(), build_target: DEFAULT_BUILD_TARGET } }
  }
  const [repo, commit] = splitLast(text, '@')
  if (commit == null || repo === '') return undefined
  return { GitHub: { repo: normaliseRepo(repo), commit, build_target: DEFAULT_BUILD_TARGET } }
}

function splitLast (text: string, sep: string): [string, string | undefined] {
  const at = text.lastIndexOf(sep)
  // an '@' inside a URL's authority (user@host) is not a commit separator
  if (at < 0 || text.slice(at).includes('/')) return [text, undefined]
  return [text.slice(0, at), text.slice(at + 1)]
}
