import assert from 'node:assert/strict'
import { decodeComponent, encodeComponent, isStoredComponent } from '../../exec/component/stored.js'

describe('sandbox/exec stored components (the cache and preparation-thread format)', () => {
  const component = {
    glue: '\'use strict\';\nreturn function instantiate () { return "ünïcode" }\n',
    cores: [['component.core.wasm', new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 9])], ['component.core2.wasm', new Uint8Array(0)]] as Array<[string, Uint8Array]>
  }

  it('round-trips the glue and the cores; the decoded cores are views into the one buffer', () => {
    const bytes = encodeComponent(component)
    assert.ok(isStoredComponent(bytes))
    const back = decodeComponent(bytes)
    assert.deepEqual(back, component)
    assert.equal(back.cores[0]?.[1].buffer, bytes.buffer, 'no copy of a core')
  })

  it('refuses bytes that are not one whole stored component', () => {
    const bytes = encodeComponent(component)
    const refused = (b: Uint8Array): void => { assert.throws(() => decodeComponent(b), (err: unknown) => err instanceof Error && err.name === 'StoredComponentError') }
    refused(bytes.subarray(0, bytes.byteLength - 1))
    refused(new Uint8Array([...bytes, 0]))
    refused(new TextEncoder().encode(JSON.stringify({ glue: component.glue, cores: [] })))
    assert.equal(isStoredComponent(new TextEncoder().encode('{"glue":""}')), false, 'the older JSON format is prepared again')
  })
})
