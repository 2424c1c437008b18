/**
 * Fetches one wasm from one peer over `/outlayer/wasm/1.0.0`. Enforces the caller's size cap before and while
 * reading, and accepts the bytes only if their sha256 is the hash asked for.
 */
import type { PeerId } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { WASM_TRANSFER_PROTOCOL, concatBytes, sha256Hex } from '../../../protocol/index.js'
import { MeshError, type MeshErrorCode } from '../errors.js'
import type { MeshLibp2p } from '../libp2p.js'
import { CHUNK_BYTES, decodeHeader, encodeFrame, type TransferStatus } from './wire.js'

export interface FetchFromPeerArgs {
  libp2p: MeshLibp2p
  peer: PeerId
  wasmHash: string
  maxBytes: number
  signal: AbortSignal
}

const STATUS_CODE: Record<Exclude<TransferStatus, 'ok'>, MeshErrorCode> = {
  not_found: 'NOT_FOUND',
  too_large: 'TOO_LARGE',
  rate_limited: 'RATE_LIMITED',
  bad_request: 'FETCH_FAILED',
  error: 'FETCH_FAILED'
}

export async function fetchFromPeer ({ libp2p, peer, wasmHash, maxBytes, signal }: FetchFromPeerArgs): Promise<Uint8Array> {
  const stream = await libp2p.dialProtocol(peer, WASM_TRANSFER_PROTOCOL, { signal })
  try {
    const lp = lpStream(stream, { maxDataLength: CHUNK_BYTES })
    await lp.write(encodeFrame({ hash: wasmHash, max_bytes: maxBytes }), { signal })
    const header = decodeHeader((await lp.read({ signal })).subarray())
    if (header.status !== 'ok') throw new MeshError(STATUS_CODE[header.status], `peer answered ${header.status}`)
    const size = header.size!
    if (size > maxBytes) throw new MeshError('TOO_LARGE', `peer offers ${size} bytes, the cap is ${maxBytes}`)
    const chunks: Uint8Array[] = []
    let received = 0
    while (received < size) {
      const chunk = (await lp.read({ signal })).subarray()
      received += chunk.length
      if (received > size) throw new MeshError('FETCH_FAILED', `peer sent more than the ${size} bytes it announced`)
      chunks.push(chunk)
    }
    const bytes = concatBytes(...chunks)
    if (sha256Hex(bytes) !== wasmHash) throw new MeshError('HASH_MISMATCH', 'fetched bytes do not match the requested sha256')
    await stream.close({ signal })
    return bytes
  } catch (err) {
    stream.abort(err as Error)
    throw err instanceof MeshError ? err : new MeshError('FETCH_FAILED', (err as Error).message, { cause: err })
  }
}
