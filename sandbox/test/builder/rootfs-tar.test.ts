import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { rootfsTar } from '../../builder/rootfs.js'
import { tempRoot } from './git-fixtures.js'

async function tarHash (dir: string): Promise<string> {
  const tar = rootfsTar(dir)
  const hash = createHash('sha256')
  const ended = new Promise(resolve => tar.stream.on('end', resolve))
  tar.stream.on('data', (c: Buffer) => hash.update(c))
  await ended
  await tar.done
  return hash.digest('hex')
}

function tree (dir: string, mtime: number): void {
  mkdirSync(join(dir, 'usr/bin'), { recursive: true })
  // written in another order each time: the tar sorts names
  const files: Array<[string, string]> = [['usr/bin/b', 'bee'], ['usr/bin/a', 'ay'], ['etc-file', 'x']]
  for (const [p, text] of mtime % 2 === 0 ? files : files.reverse()) writeFileSync(join(dir, p), text)
  symlinkSync('usr/bin/a', join(dir, 'link'))
  for (const p of ['usr/bin/a', 'usr/bin/b', 'etc-file', 'usr/bin', 'usr']) utimesSync(join(dir, p), mtime, mtime)
}

describe('sandbox/builder builder rootfs tar', () => {
  let root: string
  before(() => { root = tempRoot('rootfs') })
  after(() => { rmSync(root, { recursive: true, force: true }) })

  it('is byte-stable: the same files give the same layer digest whatever their mtimes and creation order', async () => {
    tree(join(root, 'one'), 1_000_000)
    tree(join(root, 'two'), 2_000_001)
    assert.equal(await tarHash(join(root, 'one')), await tarHash(join(root, 'two')))
    writeFileSync(join(root, 'two', 'usr/bin/a'), 'changed')
    assert.notEqual(await tarHash(join(root, 'one')), await tarHash(join(root, 'two')))
  })
})
