/** The wasm32-wasip2 wrap (sandbox/builder/component-target.ts), without Docker: what it keeps, wraps and refuses. */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { ensureExamples } from '../../../scripts/build-examples.js'
import { toComponent } from '../../builder/component-target.js'
import { BuildError } from '../../builder/index.js'
import { wasmKind } from '../../exec/index.js'

const EMPTY_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00])

describe('sandbox/builder: wasm32-wasip2 by the preview1 adapter', function () {
  this.timeout(120_000)
  let echo: Uint8Array
  before(async () => { echo = new Uint8Array(await readFile((await ensureExamples()).echo)) })

  it('wraps a wasip1 command, and keeps a component the project built itself', async () => {
    const component = await toComponent(echo, 4 << 20, '')
    assert.equal(wasmKind(component), 'component')
    assert.deepEqual(await toComponent(component, 4 << 20, ''), component)
    assert.deepEqual(await toComponent(echo, 4 << 20, ''), component, 'the same module gives the same component')
  })

  it('refuses a module that is not a WASI command, and a component over the size cap, with the log tail', async () => {
    await assert.rejects(toComponent(EMPTY_MODULE, 4 << 20, 'log'), (err: unknown) =>
      err instanceof BuildError && err.code === 'COMPILE_FAILED' && /not a WASI command the preview1 adapter can wrap/.test(err.message) && err.logTail === 'log')
    await assert.rejects(toComponent(echo, echo.length + 1000, ''), (err: unknown) =>
      err instanceof BuildError && err.code === 'TOO_LARGE' && /with the adapter, over the cap/.test(err.message))
  })
})
