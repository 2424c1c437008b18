/**
 * A one-line progress bar on stderr (redrawn in place on a TTY, a line every 10 % otherwise). `bar: false` keeps
 * the event lines (faults fired, setup steps) and drops the bar.
 */
export interface Progress { update: (done: number, total: number, detail: string) => void, log: (line: string) => void, end: () => void }

export function progressBar (stream: NodeJS.WriteStream = process.stderr, bar = true): Progress {
  const enabled = bar
  const tty = stream.isTTY === true
  let lastDecile = -1
  let drawn = false
  const width = 30
  return {
    update: (done, total, detail) => {
      if (!enabled) return
      const f = total > 0 ? Math.min(1, done / total) : 1
      const bar = '█'.repeat(Math.round(f * width)).padEnd(width, '░')
      const line = `sim [${bar}] ${done}/${total} ${detail}`
      if (tty) { stream.write(`\r\x1b[2K${line}`); drawn = true; return }
      const decile = Math.floor(f * 10)
      if (decile !== lastDecile) { lastDecile = decile; stream.write(`${line}\n`) }
    },
    log: (line) => {
      stream.write(`${tty && drawn ? '\r\x1b[2K' : ''}sim: ${line}\n`)
      drawn = false
    },
    end: () => { if (enabled && tty && drawn) stream.write('\n') }
  }
}
