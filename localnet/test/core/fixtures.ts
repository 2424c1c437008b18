/** Builds the AssemblyScript test contract in localnet/test/fixtures with the assemblyscript API (cached per process). */
import { readFile } from 'node:fs/promises'
import asc from 'assemblyscript/asc'

let built: Promise<Uint8Array> | undefined

export async function testContract (): Promise<Uint8Array> {
  built ??= (async () => {
    const source = await readFile(new URL('../fixtures/contract.ts', import.meta.url), 'utf8')
    const out = await asc.compileString({ 'contract.ts': source }, {
      runtime: 'stub',
      optimizeLevel: 2,
      shrinkLevel: 1,
      disable: ['bulk-memory', 'nontrapping-f2i', 'mutable-globals']
    } as Parameters<typeof asc.compileString>[1])
    if (out.error != null || out.binary == null) throw new Error(`asc failed: ${out.stderr.toString()}`)
    return out.binary
  })()
  return await built
}

export async function nearHello (): Promise<Uint8Array> {
  return new Uint8Array(await readFile(new URL('../../../node_modules/near-hello/dist/main.wasm', import.meta.url)))
}
