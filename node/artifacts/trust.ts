/**
 * The builder trust policy: a wasm fetched for a git source is trusted only when at least k distinct builders
 * signed a build attestation for that build key with that hash. Attestations that do not verify, or name
 * another build key, do not count; one builder counts once however many records it signed.
 */
import { verifyBuildAttestation, type BuildAttestation } from '../../protocol/index.js'

/** The hash ≥ k distinct builders vouch for (the largest group), or undefined. */
export function trustedHash (attestations: readonly BuildAttestation[], buildKey: string, k: number): string | undefined {
  const builders = new Map<string, Set<string>>()
  for (const a of attestations) {
    if (a.build_key !== buildKey || !verifyBuildAttestation(a)) continue
    builders.set(a.wasm_hash, (builders.get(a.wasm_hash) ?? new Set()).add(a.builder))
  }
  let best: [string, number] | undefined
  for (const [hash, set] of builders) if (best == null || set.size > best[1]) best = [hash, set.size]
  return best != null && best[1] >= Math.max(1, k) ? best[0] : undefined
}
