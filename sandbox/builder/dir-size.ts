/** Size caps on directories that something untrusted is writing to (a git fetch, a build's output). */
import { lstat, readdir } from 'node:fs/promises'
import { join } from 'node:path'

/** Bytes under `dir` (files and symlinks themselves, never followed); 0 when it does not exist. */
export async function dirSize (dir: string): Promise<number> {
  let total = 0
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  for (const e of entries) {
    const p = join(dir, e.name)
    if (e.isDirectory()) total += await dirSize(p)
    else total += (await lstat(p).catch(() => ({ size: 0 }))).size
  }
  return total
}

/** Polls `dir` until stopped; calls `onExceed(size)` once when it grows past `maxBytes`. */
export function watchDirSize (dir: string, maxBytes: number, onExceed: (size: number) => void, intervalMs = 250): () => void {
  let stopped = false
  let busy = false
  const timer = setInterval(() => {
    if (busy || stopped) return
    busy = true
    dirSize(dir).then(size => {
      if (!stopped && size > maxBytes) { stopped = true; clearInterval(timer); onExceed(size) }
    }).catch(() => {}).finally(() => { busy = false })
  }, intervalMs)
  timer.unref()
  return () => { stopped = true; clearInterval(timer) }
}
