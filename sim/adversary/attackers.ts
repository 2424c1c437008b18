/**
 * Gossip-level adversaries, built from the node's own p2p code through the adapter: sybils (unbonded identities
 * that sign a wrong attestation for every task they see), spam (valid signed task hints for requests that do not
 * exist), invalid bytes, black holes (subscribe, forward nothing) and a builder announcing a wrong wasm hash.
 * Each counts what it sent; none can touch the chain except through the contract's checks.
 */
import { generateKeyPair, sha256Hex, signAttestation, signBuildAttestation, type KeyPair } from '../../protocol/index.js'
import type { MeshNode, RawPeer, SimNodes } from '../adapter/index.js'
import type { Rng } from '../net/prng.js'
import type { AttackerGroup, AttackerKind } from '../scenario/types.js'

export interface Attacker { kind: AttackerKind, sent: () => number, stop: () => Promise<void> }

export interface AttackerComponents {
  sim: Pick<SimNodes, 'startMeshPeer' | 'startRawPeer' | 'contractId' | 'size'>
  rng: Rng
  /** real nodes each attacker connects to */
  degree: number
}

const BUILDER_IMAGE = 'outlayer-builder:2'

export async function startAttackers (groups: AttackerGroup[], c: AttackerComponents): Promise<Attacker[]> {
  const out: Attacker[] = []
  let k = 0
  for (const g of groups) {
    for (let m = 0; m < g.count; m++, k++) {
      const targets = c.rng.sample(Array.from({ length: c.sim.size }, (_, i) => i), Math.min(c.degree, c.sim.size))
      out.push(await startOne(g, k, targets, c))
    }
  }
  return out
}

async function startOne (g: AttackerGroup, k: number, targets: number[], c: AttackerComponents): Promise<Attacker> {
  let sent = 0
  const periodMs = 1000 / (g.ratePerSec ?? 5)
  const every = (fn: () => Promise<void>): NodeJS.Timeout => {
    const t = setInterval(() => { fn().then(() => { sent++ }, () => {}) }, periodMs)
    t.unref()
    return t
  }
  switch (g.kind) {
    case 'sybil': {
      const key = generateKeyPair()
      const peer = await c.sim.startMeshPeer(key, targets)
      const workerId = `sybil-${k}.test.near`
      peer.on('task', (task) => {
        if (task.contract_id !== c.sim.contractId) return
        peer.publish('attestation', sybilAttestation(c.sim.contractId, task.request_id, workerId, key)).then(() => { sent++ }, () => {})
      })
      return { kind: g.kind, sent: () => sent, stop: async () => { await peer.stop() } }
    }
    case 'spam': {
      const peer = await c.sim.startMeshPeer(generateKeyPair(), targets)
      let next = 1_000_000_000 + k * 1_000_000
      const t = every(async () => { await peer.publish('task', { contract_id: c.sim.contractId, request_id: String(next++), block_height: '1' }) })
      return stopping(g.kind, () => sent, peer, t)
    }
    case 'wrong-build': {
      const key = generateKeyPair()
      const peer = await c.sim.startMeshPeer(key, targets)
      let n = 0
      const t = every(async () => {
        const a = signBuildAttestation({ repo: 'https://github.com/sim/victim', commit: sha256Hex(new TextEncoder().encode(`c${n++}`)).slice(0, 40), build_target: 'wasm32-wasip1', builder_image: BUILDER_IMAGE, wasm_hash: sha256Hex(new TextEncoder().encode(`wrong${n}`)), size: 1234 }, key)
        await peer.publish('build', { ...a, peer_id: peer.peerId })
      })
      return stopping(g.kind, () => sent, peer, t)
    }
    case 'invalid': {
      const raw = await c.sim.startRawPeer(targets, true)
      const topics = ['tasks', 'attestations', 'builds'] as const
      let n = 0
      const t = every(async () => { await raw.publish(topics[n % 3]!, new TextEncoder().encode(`{"not":"an envelope","n":${n++}}`)) })
      return stopping(g.kind, () => sent, raw, t)
    }
    case 'non-forwarding': {
      const raw = await c.sim.startRawPeer(targets, false)
      return { kind: g.kind, sent: () => 0, stop: async () => { await raw.stop() } }
    }
  }
}

function stopping (kind: AttackerKind, sent: () => number, peer: MeshNode | RawPeer, timer: NodeJS.Timeout): Attacker {
  return { kind, sent, stop: async () => { clearInterval(timer); await peer.stop() } }
}

/** A well-formed attestation under a key no bond stands behind: the contract must ignore it. */
function sybilAttestation (contractId: string, requestId: string, workerId: string, key: KeyPair): import('../../protocol/index.js').AttestationPayload {
  const output = new TextEncoder().encode('{"numbers":[6,6,6]}')
  const instructions = 1000n
  const signature = signAttestation({ contractId, requestId: BigInt(requestId), success: true, output, error: '', instructions }, key.secretKey)
  return {
    contract_id: contractId, request_id: requestId, worker_id: workerId, success: true,
    output: Buffer.from(output).toString('base64'), output_hash: sha256Hex(output), error: '', instructions: instructions.toString(), time_ms: 1,
    result_hash: sha256Hex(new TextEncoder().encode(`sybil:${requestId}`)), signature: Buffer.from(signature).toString('base64')
  }
}
