/** Runs `node bin/outlayer.mjs ...` as a user would, collecting its output and exit code. */
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

export async function runCli (args: string[], opts: { env?: Record<string, string> } = {}): Promise<CliResult> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'outlayer.mjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', resolve)
  })
  return { code, stdout, stderr }
}
