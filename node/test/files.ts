/** Every file below a directory (the secrets tests read them all to show a secret is in none). */
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'

export async function filesUnder (dir: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) if (e.isFile()) out.push(join(e.parentPath, e.name))
  return out
}
