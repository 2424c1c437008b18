/**
 * Reads the wasm a build left in its output dir. The build controls that dir, so the file may be a symlink to
 * a host path (/dev/zero would make a plain read never end), a FIFO, or huge: open it without following links
 * and check it is a regular file under the cap before reading.
 */
import { constants } from 'node:fs'
import { open } from 'node:fs/promises'
import { BuildError } from './errors.js'

const WASM_MAGIC = 0x0061736d

export async function readBuildOutput (path: string, maxBytes: number, logTail: string): Promise<Uint8Array> {
  const file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => undefined)
  if (file == null) throw new BuildError('COMPILE_FAILED', 'the build did not leave a wasm file (missing, or a symlink)', logTail)
  try {
    const st = await file.stat()
    if (!st.isFile()) throw new BuildError('COMPILE_FAILED', 'the build output is not a regular file', logTail)
    if (st.size > maxBytes) throw new BuildError('TOO_LARGE', `the wasm is ${st.size} bytes, over the cap of ${maxBytes}`, logTail)
    const bytes = new Uint8Array(st.size)
    const { bytesRead } = await file.read(bytes, 0, st.size, 0)
    const wasm = bytes.subarray(0, bytesRead)
    if (wasm.length < 8 || new DataView(wasm.buffer, wasm.byteOffset).getUint32(0) !== WASM_MAGIC) {
      throw new BuildError('COMPILE_FAILED', 'the build output is not a wasm module', logTail)
    }
    return wasm
  } finally {
    await file.close()
  }
}
