/**
 * A request's git URL made safe to hand to git on the host (SSRF, issue 17 §6): the host is checked by
 * sandbox/net's guard BEFORE git runs, and git is pinned to the checked address so it never resolves the name
 * again. git:// gets the address in place of the name (the git protocol has no certificates to match);
 * http(s):// keeps the name (TLS and virtual hosts need it) and gets curl's `--resolve` entry for it. Redirects
 * (and with them dumb-http alternates) are off, so a server cannot send git somewhere unchecked.
 */
import { checkUrl, AddressRefusedError, type AddressGuardInit } from '../net/index.js'
import { BuildError } from './errors.js'

export interface GitRemote {
  /** what git is given */
  url: string
  /** `-c` options for every git command that talks to this remote */
  config: string[]
}

const NO_REDIRECTS = ['-c', 'http.followRedirects=false']

function bracketed (address: string, family: 4 | 6): string {
  return family === 6 ? `[${address}]` : address
}

/** Local repos (file://, paths) are not network fetches: buildFromGit allows them only when told to. */
export async function guardGitRemote (url: string, guard: AddressGuardInit = {}): Promise<GitRemote> {
  if (/^file:\/\//i.test(url) || url.startsWith('/')) return { url, config: [] }
  let checked
  try {
    checked = await checkUrl(url, guard)
  } catch (err) {
    if (err instanceof AddressRefusedError) throw new BuildError('ADDRESS_REFUSED', `not fetching ${url}: ${err.message}`, undefined, { cause: err })
    throw err
  }
  const { url: parsed, address, family, port } = checked
  if (parsed.protocol === 'git:') {
    const pinned = new URL(parsed.href)
    pinned.hostname = bracketed(address, family)
    pinned.port = String(port)
    return { url: pinned.href, config: NO_REDIRECTS }
  }
  const literal = checked.host === address
  return {
    url: parsed.href,
    config: literal ? NO_REDIRECTS : [...NO_REDIRECTS, '-c', `http.curloptResolve=${parsed.hostname}:${port}:${bracketed(address, family)}`]
  }
}
