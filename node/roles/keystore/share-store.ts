/**
 * The member's share on disk: `<dataDir>/keystore/share.json`, written atomically (temp file + rename). The
 * scalar is sealed under the node key (protocol/secrets at-rest); everything else in the file is public. A
 * resharing keeps the new share in `share.next.json` (slot 'next') until the new group is confirmed on chain;
 * then it replaces share.json (promoteShare) or, for a member leaving, share.json is erased (eraseShare).
 * Erasing overwrites the file with zeros before unlinking it (best effort: a journaling or copy-on-write disk
 * may keep old blocks, which still open only under this node's key).
 */
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { openShare, sealShare, type KeystoreShare } from '../../../protocol/secrets/index.js'
import { KeystoreError } from './errors.js'

interface ShareFile {
  version: 1
  identifier: string
  threshold: number
  members: number
  group_key: string
  verifying_shares: Record<string, string>
  sealed_share: string
}

export type ShareSlot = 'current' | 'next'
const fileOf = (dataDir: string, slot: ShareSlot = 'current'): string => join(dataDir, 'keystore', slot === 'current' ? 'share.json' : 'share.next.json')

export async function saveShare (dataDir: string, nodeSeed: Uint8Array, k: KeystoreShare, slot: ShareSlot = 'current'): Promise<void> {
  const file: ShareFile = {
    version: 1,
    identifier: k.identifier,
    threshold: k.threshold,
    members: k.members,
    group_key: bytesToHex(k.groupKey),
    verifying_shares: Object.fromEntries(Object.entries(k.verifyingShares).map(([id, p]) => [id, bytesToHex(p)])),
    sealed_share: bytesToHex(sealShare(nodeSeed, k.groupKey, k.identifier, k.share))
  }
  await mkdir(join(dataDir, 'keystore'), { recursive: true })
  const tmp = `${fileOf(dataDir, slot)}.${process.pid}.tmp`
  await writeFile(tmp, JSON.stringify(file, null, 2), { mode: 0o600 })
  await rename(tmp, fileOf(dataDir, slot))
}

/** Zeroes the slot's file in place and removes it; nothing to do when there is none. */
export async function eraseShare (dataDir: string, slot: ShareSlot = 'current'): Promise<void> {
  const path = fileOf(dataDir, slot)
  const size = await stat(path).then(s => s.size, () => -1)
  if (size < 0) return
  const f = await open(path, 'r+')
  try { await f.write(new Uint8Array(size), 0, size, 0); await f.sync() } finally { await f.close() }
  await rm(path, { force: true })
}

/** The confirmed resharing: the old share erased, the new one in its place. */
export async function promoteShare (dataDir: string): Promise<void> {
  await eraseShare(dataDir, 'current')
  await rename(fileOf(dataDir, 'next'), fileOf(dataDir, 'current'))
}

/** The stored share, opened; null when there is none; NO_SHARE when it is unreadable or not ours. */
export async function loadShare (dataDir: string, nodeSeed: Uint8Array, slot: ShareSlot = 'current'): Promise<KeystoreShare | null> {
  let text: string
  try { text = await readFile(fileOf(dataDir, slot), 'utf8') } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new KeystoreError('NO_SHARE', `reading the share: ${(err as Error).message}`, { cause: err })
  }
  try {
    const f = JSON.parse(text) as ShareFile
    const groupKey = hexToBytes(f.group_key)
    return {
      identifier: f.identifier,
      threshold: f.threshold,
      members: f.members,
      groupKey,
      verifyingShares: Object.fromEntries(Object.entries(f.verifying_shares).map(([id, p]) => [id, hexToBytes(p)])),
      share: openShare(nodeSeed, groupKey, f.identifier, hexToBytes(f.sealed_share))
    }
  } catch (err) {
    throw new KeystoreError('NO_SHARE', `the stored share does not open under this node key: ${(err as Error).message}`, { cause: err })
  }
}
