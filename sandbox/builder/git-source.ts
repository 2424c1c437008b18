/**
 * Gets the source of (repo, ref) onto the host: the ref is resolved to a commit with `git ls-remote`
 * (a full 40-hex sha is taken as is, with no network), only that commit is fetched (shallow, falling back to a full fetch for
 * servers that refuse a sha), checked out into a directory with no .git, and verified to be that commit.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { BuildError } from './errors.js'
import { git, GitFailure } from './git.js'
import { dirSize, watchDirSize } from './dir-size.js'
import type { OnProgress } from './progress.js'

const FULL_SHA = /^[0-9a-f]{40}$/

/** A full commit sha (either case): resolveCommit takes it as is, with no network. */
export function isFullSha (ref: string): boolean {
  return FULL_SHA.test(ref.toLowerCase())
}

export interface FetchSourceInit {
  /** a URL or path git understands (already normalised and, for a remote, pinned by guardGitRemote) */
  url: string
  /** guardGitRemote's `-c` options for this url @default [] */
  gitConfig?: string[]
  /** full 40-hex commit sha (see resolveCommit) */
  commit: string
  /** scratch dir: gets `git/` and `src/` */
  dir: string
  maxRepoBytes: number
  timeoutMs: number
  onProgress: OnProgress
  signal?: AbortSignal
}

export interface FetchedSource {
  commit: string
  /** checked-out tree, without .git */
  srcDir: string
  /** committer time, seconds since the epoch: the build's SOURCE_DATE_EPOCH */
  commitTime: number
}

/** Picks the commit a branch or tag name points to from `git ls-remote` output (annotated tags peeled). */
export function pickRef (lsRemote: string, ref: string): string | undefined {
  const refs = new Map(lsRemote.trim().split('\n').filter(l => l !== '').map(l => {
    const [sha, name] = l.split('\t')
    return [name!, sha!] as const
  }))
  const names = ref.startsWith('refs/') ? [ref] : [`refs/heads/${ref}`, `refs/tags/${ref}`, ref === 'HEAD' ? 'HEAD' : '']
  for (const name of names) {
    const sha = refs.get(`${name}^{}`) ?? refs.get(name)
    if (sha != null) return sha
  }
  return undefined
}

function tail (err: unknown): string {
  return err instanceof GitFailure ? err.stderr.trim().split('\n').slice(-10).join('\n') : String(err)
}

function checkInput (url: string, ref: string): void {
  if (ref === '' || ref.startsWith('-') || /[\s~^:?*[\\]|\.\./.test(ref)) throw new BuildError('INVALID_INPUT', `not a commit, branch or tag: ${JSON.stringify(ref)}`)
  if (url === '' || url.startsWith('-')) throw new BuildError('INVALID_INPUT', `not a git URL: ${JSON.stringify(url)}`)
}

async function listRefs (url: string, config: string[], timeoutMs: number, signal?: AbortSignal): Promise<string> {
  try {
    return await git({ args: ['ls-remote', '--', url], config, timeoutMs, ...(signal != null ? { signal } : {}) })
  } catch (err) {
    if (signal?.aborted === true) throw new BuildError('ABORTED', 'the build was aborted while resolving the ref')
    throw new BuildError('REPO_NOT_FOUND', `cannot read the git repo ${url}`, tail(err))
  }
}

/** A full sha as is (no network); a branch or tag through `git ls-remote`. */
export async function resolveCommit ({ url, gitConfig = [], ref, timeoutMs, signal }: { url: string, gitConfig?: string[], ref: string, timeoutMs: number, signal?: AbortSignal }): Promise<string> {
  checkInput(url, ref)
  if (FULL_SHA.test(ref.toLowerCase())) return ref.toLowerCase()
  const commit = pickRef(await listRefs(url, gitConfig, timeoutMs, signal), ref)
  if (commit == null) throw new BuildError('COMMIT_NOT_FOUND', `${url} has no branch or tag ${JSON.stringify(ref)} (a commit must be a full 40-hex sha)`)
  return commit
}

export async function fetchSource ({ url, gitConfig = [], commit, dir, maxRepoBytes, timeoutMs, onProgress, signal }: FetchSourceInit): Promise<FetchedSource> {
  checkInput(url, commit)
  if (!FULL_SHA.test(commit)) throw new BuildError('INVALID_INPUT', `not a full commit sha: ${JSON.stringify(commit)}`)
  const gitDir = join(dir, 'git')
  const srcDir = join(dir, 'src')
  await mkdir(srcDir, { recursive: true })
  const g = ['--git-dir', gitDir]
  await git({ args: ['init', '--bare', '--template=', '-q', gitDir], timeoutMs })
  // one size watcher for the fetch and the checkout, so a repo cannot fill the disk
  let tooLarge = false
  let killCurrent = (): void => {}
  const stopWatching = watchDirSize(dir, maxRepoBytes, () => { tooLarge = true; killCurrent() })
  const guarded = async (args: string[]): Promise<string> => await git({ args, config: gitConfig, timeoutMs, signal, onSpawn: kill => { killCurrent = kill } })
    .catch(err => {
      if (signal?.aborted === true) throw new BuildError('ABORTED', 'the build was aborted while fetching')
      if (tooLarge) throw new BuildError('TOO_LARGE', `${url} at ${commit} is over the repo cap of ${maxRepoBytes} bytes`)
      throw err
    })
  // the watcher polls, so a fast fetch or checkout can finish between two looks: measure once more after each
  const checkSize = async (): Promise<void> => {
    if (tooLarge || await dirSize(dir) > maxRepoBytes) throw new BuildError('TOO_LARGE', `${url} at ${commit} is over the repo cap of ${maxRepoBytes} bytes`)
  }
  try {
    onProgress(`fetching ${commit.slice(0, 12)} from ${url}`)
    try {
      await guarded([...g, 'fetch', '-q', '--depth', '1', '--no-tags', '--no-recurse-submodules', '--', url, commit])
    } catch (err) {
      if (err instanceof BuildError) throw err
      await listRefs(url, gitConfig, timeoutMs, signal)
      // a server that only serves advertised refs: take them all, then look for the commit
      await guarded([...g, 'fetch', '-q', '--no-tags', '--no-recurse-submodules', '--', url, '+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*'])
        .catch(e => { if (e instanceof BuildError) throw e; throw new BuildError('REPO_NOT_FOUND', `cannot fetch from ${url}`, tail(e)) })
    }
    await checkSize()
    const type = await git({ args: [...g, 'cat-file', '-t', commit], timeoutMs }).catch(() => '')
    if (type.trim() !== 'commit') throw new BuildError('COMMIT_NOT_FOUND', `${url} has no commit ${commit}`)
    await guarded([...g, '--work-tree', srcDir, 'checkout', '-q', '-f', '--detach', commit])
    await checkSize()
    const head = (await git({ args: [...g, 'rev-parse', 'HEAD'], timeoutMs })).trim()
    if (head !== commit) throw new BuildError('COMMIT_NOT_FOUND', `checked out ${head}, expected ${commit}`)
    const commitTime = Number((await git({ args: [...g, 'show', '-s', '--format=%ct', commit], timeoutMs })).trim())
    return { commit, srcDir, commitTime }
  } finally {
    stopWatching()
  }
}
