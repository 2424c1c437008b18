// Loaded with `--import` into every process the node-memory bench starts (launcher and node): on SIGUSR2 it writes
// this process's memory, V8 heap spaces and thread count to <OUTLAYER_MEMORY_PROBE_DIR>/<pid>.json, before and
// after a full GC when node runs with --expose-gc. Never loaded by a node runner's process.
import { readdirSync, writeFileSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8'

const dir = process.env.OUTLAYER_MEMORY_PROBE_DIR
const MB = 1024 * 1024
const mb = (n) => Math.round(n / MB * 10) / 10

function sample () {
  const m = process.memoryUsage()
  const spaces = Object.fromEntries(getHeapSpaceStatistics().map(s => [s.space_name, mb(s.space_used_size)]))
  return { rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal), externalMb: mb(m.external), arrayBuffersMb: mb(m.arrayBuffers), spacesUsedMb: spaces }
}

if (dir != null) {
  process.on('SIGUSR2', () => {
    const before = sample()
    globalThis.gc?.()
    const afterGc = globalThis.gc != null ? sample() : undefined
    const threads = readdirSync(`/proc/${process.pid}/task`).length
    const file = join(dir, `${process.pid}.json`)
    writeFileSync(file + '.tmp', JSON.stringify({ pid: process.pid, argv: process.argv.slice(1), threads, before, afterGc }))
    // OUTLAYER_MEMORY_SNAPSHOT=<dir>: a heap snapshot there with each sample, to see what holds the heap
    if (process.env.OUTLAYER_MEMORY_SNAPSHOT != null) writeHeapSnapshot(join(process.env.OUTLAYER_MEMORY_SNAPSHOT, `${process.pid}-${Date.now()}.heapsnapshot`))
    renameSync(file + '.tmp', file)
  })
}
