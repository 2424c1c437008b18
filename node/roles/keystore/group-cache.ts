/**
 * The published keystore group, read once and kept until a rotation: it changes only with set/rotate_keystore_group,
 * which bump its version, so a caller that sees a newer version (the release view carries it; a member answers
 * with the version it checked against) asks for `atLeast(version)` and the group is read again. Concurrent
 * callers share one read; a failed read or "no group yet" is not kept.
 */
import type { KeystoreChain } from './chain.js'
import type { KeystoreGroup } from './group.js'

export class GroupCache {
  private entry: Promise<KeystoreGroup | null> | undefined

  constructor (private readonly chain: Pick<KeystoreChain, 'getGroup'>) {}

  async get (): Promise<KeystoreGroup | null> {
    return await (this.entry ??= this.load())
  }

  /** The cached group if its version is at least `version`, else the group read again. */
  async atLeast (version: number): Promise<KeystoreGroup | null> {
    const cached = await this.get()
    if (cached != null && cached.version >= version) return cached
    this.invalidate()
    return await this.get()
  }

  invalidate (): void {
    this.entry = undefined
  }

  private load (): Promise<KeystoreGroup | null> {
    const read = this.chain.getGroup()
    const drop = (): void => { if (this.entry === read) this.entry = undefined }
    read.then(g => { if (g == null) drop() }, drop)
    return read
  }
}
