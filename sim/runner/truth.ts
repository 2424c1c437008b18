/**
 * The ground truth for "wrong resume": every honest output and every lie any simulated worker produced, by the
 * request's seed. A resumed output is wrong when it is a recorded lie or differs from the recorded honest output.
 */
import { sha256Hex } from '../../protocol/index.js'

/** The contract returns a Text output as the caller sees it; compare what survives that (utf-8, trimmed). */
function key (bytes: Uint8Array): string {
  return sha256Hex(new TextEncoder().encode(new TextDecoder().decode(bytes).trim()))
}

export type Verdict = 'correct' | 'wrong' | 'unknown'

export class GroundTruth {
  private readonly honest = new Map<string, Set<string>>()
  private readonly lies = new Map<string, Set<string>>()

  record (seed: string, kind: 'honest' | 'lie', stdout: Uint8Array): void {
    const map = kind === 'honest' ? this.honest : this.lies
    let set = map.get(seed)
    if (set == null) map.set(seed, set = new Set())
    set.add(key(stdout))
  }

  verdict (seed: string, output: Uint8Array): Verdict {
    const hash = key(output)
    if (this.lies.get(seed)?.has(hash) === true) return 'wrong'
    const honest = this.honest.get(seed)
    if (honest == null || honest.size === 0) return 'unknown'
    return honest.has(hash) ? 'correct' : 'wrong'
  }
}
