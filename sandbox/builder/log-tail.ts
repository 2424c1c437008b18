/** The last lines of a build log, kept for errors and results; long lines are cut. */
import { LOG_TAIL_LINES } from './options.js'

const MAX_LINE = 400

export class LogTail {
  private readonly lines: string[] = []
  private partial = ''

  constructor (private readonly keep = LOG_TAIL_LINES, private readonly onLine?: (line: string) => void) {}

  write (chunk: Buffer | string): void {
    const parts = (this.partial + chunk.toString()).split('\n')
    this.partial = parts.pop() ?? ''
    if (this.partial.length > MAX_LINE * 4) { this.push(this.partial); this.partial = '' }
    for (const line of parts) this.push(line)
  }

  private push (raw: string): void {
    const line = raw.replace(/\r/g, '').slice(0, MAX_LINE)
    this.lines.push(line)
    if (this.lines.length > this.keep) this.lines.shift()
    this.onLine?.(line)
  }

  text (): string {
    if (this.partial !== '') { this.push(this.partial); this.partial = '' }
    return this.lines.join('\n')
  }
}

/**
 * Builds run with --network none, so a build that tried the network fails with one of these tool messages
 * (curl/git, cargo offline, npm, DNS). Matching tool output is the only signal we have for this failure.
 */
const NETWORK_SIGNS = [
  /Could not resolve host/i,
  /Temporary failure in name resolution/i,
  /Network is unreachable/i,
  /getaddrinfo (ENOTFOUND|EAI_AGAIN)/i,
  /you're using offline mode/i,
  /attempting to make an HTTP request, but --offline was specified/i,
  /failed to download from/i,
  /no matching package named .* found[\s\S]*offline/i
]

export function triedNetwork (log: string): boolean {
  return NETWORK_SIGNS.some(re => re.test(log))
}
