/**
 * Runs a list of jobs in this process and prints one JSON line per job: the determinism tests start it in
 * separate processes with different V8 tiers (--no-liftoff, --liftoff-only) and compare the lines.
 * argv: <cacheDir> <jobs.json>, where jobs.json is [{ wasm: path, opts: {input?, fuel?, seed?, memoryMb?} }].
 */
import { readFileSync } from 'node:fs'
import { createExecutor } from '../../exec/index.js'

interface ChildJob { wasm: string, opts: { input?: string, fuel?: string, seed?: string, memoryMb?: number } }

const [cacheDir, jobsFile] = process.argv.slice(2)
if (cacheDir == null || jobsFile == null) throw new Error('usage: child-run.ts <cacheDir> <jobs.json>')
const jobs = JSON.parse(readFileSync(jobsFile, 'utf8')) as ChildJob[]
const executor = createExecutor({ workers: 1, cacheDir })
try {
  for (const job of jobs) {
    const { fuel, ...rest } = job.opts
    const r = await executor.execute(new Uint8Array(readFileSync(job.wasm)), { ...rest, ...(fuel != null ? { fuel: BigInt(fuel) } : {}) })
    process.stdout.write(`${JSON.stringify({ status: r.status, fuel_used: r.fuel_used.toString(), result_hash: r.result_hash, stdout: Buffer.from(r.stdout).toString('hex') })}\n`)
  }
} finally {
  await executor.close()
}
