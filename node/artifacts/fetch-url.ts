/**
 * Downloads a `WasmUrl` source: http(s) or file, size-capped while streaming, and accepted only when its sha256 is
 * the hash the requester pinned. The URL is the requester's choice, so nothing about it is trusted but the hash.
 */
import { readFile, stat } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { sha256Hex } from '../../protocol/index.js'
import { ArtifactError } from './errors.js'

export interface FetchUrlArgs {
  url: string
  /** the pinned sha256 (hex) */
  hash: string
  maxBytes: number
  signal?: AbortSignal
}

async function download (url: string, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array> {
  if (url.startsWith('file://')) {
    const path = fileURLToPath(url)
    if ((await stat(path)).size > maxBytes) throw new ArtifactError('WASM_UNAVAILABLE', `${url} is larger than ${maxBytes} bytes`)
    return new Uint8Array(await readFile(path))
  }
  if (!/^https?:\/\//.test(url)) throw new ArtifactError('SOURCE_UNSUPPORTED', `cannot download ${url.slice(0, 80)}: only http, https and file URLs`)
  const res = await fetch(url, { signal: signal ?? AbortSignal.timeout(60_000), redirect: 'follow' })
  if (!res.ok || res.body == null) throw new ArtifactError('WASM_UNAVAILABLE', `GET ${url} answered HTTP ${res.status}`)
  const chunks: Uint8Array[] = []
  let total = 0
  for await (const chunk of res.body) {
    total += chunk.length
    if (total > maxBytes) throw new ArtifactError('WASM_UNAVAILABLE', `${url} is larger than ${maxBytes} bytes`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

export async function fetchPinnedWasm ({ url, hash, maxBytes, signal }: FetchUrlArgs): Promise<Uint8Array> {
  let bytes: Uint8Array
  try {
    bytes = await download(url, maxBytes, signal)
  } catch (err) {
    if (err instanceof ArtifactError) throw err
    throw new ArtifactError('WASM_UNAVAILABLE', `cannot download ${url}: ${(err as Error).message}`, { cause: err })
  }
  const got = sha256Hex(bytes)
  if (got !== hash) throw new ArtifactError('WASM_HASH_MISMATCH', `${url} has sha256 ${got}, the request pinned ${hash}`)
  return bytes
}
