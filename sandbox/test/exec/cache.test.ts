/**
 * The prepared-module cache: an entry is used only when it checks (its key, length and sha256), so a corrupt,
 * edited or renamed entry is prepared again, never run; a directory others may write is refused. One preparation
 * thread serves the whole file (binaryen loads once); the runs are on fresh executors, from the cache.
 */
import assert from 'node:assert/strict'
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import { createExecutor } from '../../exec/index.js'
import { cacheKey, readCached } from '../../exec/cache.js'
import { PreparePool } from '../../exec/prepare-pool.js'
import { Preparer } from '../../exec/prepare.js'
import { command, tempDir, text, wabtReady } from './helpers.js'

const say = (word: string): Uint8Array => command(`(call $out (i32.const 1) (i32.const 1024) (i32.const ${word.length}))`, { data: word })
const keyOf = (wasm: Uint8Array): string => cacheKey(createHash('sha256').update(wasm).digest('hex'))

describe('sandbox/exec prepared-module cache', function () {
  this.timeout(300_000)
  const dir = tempDir('cache')
  const pool = new PreparePool()
  let yes: Uint8Array
  let no: Uint8Array
  before(async () => {
    await wabtReady
    yes = say('yes')
    no = say('no!')
  })
  after(async () => { await pool.close(); dir.remove() })

  /** a fresh executor (nothing in memory) on the dir: what it prints for `wasm` */
  async function run (wasm: Uint8Array, cacheDir = dir.path): Promise<string> {
    const ex = createExecutor({ workers: 1, cacheDir })
    try { return text((await ex.execute(wasm)).stdout) } finally { await ex.close() }
  }
  /** prepares with nothing in memory: from the entry when it checks, else in the preparation thread */
  const prepare = async (wasm: Uint8Array): Promise<unknown> => await new Preparer(dir.path, pool).prepare(wasm)
  const entry = (wasm: Uint8Array): string => join(dir.path, `${keyOf(wasm)}.wasm`)

  it('writes one entry per module under its key, and a fresh executor runs from it', async () => {
    await prepare(yes)
    await prepare(no)
    assert.deepEqual((await readdir(dir.path)).sort(), [`${keyOf(no)}.wasm`, `${keyOf(yes)}.wasm`].sort())
    assert.ok(await readCached(dir.path, keyOf(yes)) != null)
    assert.deepEqual([await run(yes), await run(no)], ['yes', 'no!'])
  })

  it('never uses an edited, renamed or truncated entry: the module is prepared again and the entry rewritten', async () => {
    const good = await readFile(entry(yes))
    const tampered: Array<[string, Uint8Array]> = [
      // the other module's valid entry under this module's name: its header names another key
      ['renamed', await readFile(entry(no))],
      // one payload byte changed: the sha256 no longer matches
      ['edited', Uint8Array.from(good, (b, i) => i === good.length - 5 ? b ^ 0xff : b)],
      ['truncated', good.subarray(0, good.length - 10)],
      ['not an entry', new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])]
    ]
    for (const [what, bytes] of tampered) {
      await writeFile(entry(yes), bytes)
      assert.equal(await readCached(dir.path, keyOf(yes)), null, `${what}: reads as a miss`)
      await assert.rejects(readFile(entry(yes)), { code: 'ENOENT' }, `${what}: and is deleted`)
      await writeFile(entry(yes), bytes)
      await prepare(yes)
      assert.deepEqual(await readFile(entry(yes)), good, `${what}: prepared again`)
    }
    await writeFile(entry(yes), await readFile(entry(no)))
    assert.equal(await run(yes), 'yes', 'an executor runs the module asked for, not the entry it found')
  })

  it('refuses a cache directory others may write, with CACHE_UNSAFE', async () => {
    const open = join(dir.path, 'open')
    await mkdir(open)
    await chmod(open, 0o777)
    const ex = createExecutor({ workers: 1, cacheDir: open })
    try {
      await assert.rejects(ex.execute(yes), (err: Error & { code?: string }) => err.name === 'ExecutorError' && err.code === 'CACHE_UNSAFE' && /others/.test(err.message))
    } finally { await ex.close() }
  })
})
