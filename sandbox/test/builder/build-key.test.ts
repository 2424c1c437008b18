import assert from 'node:assert/strict'
import { buildKey } from '../../../protocol/build-attestation.js'
import { BuildError, builderBuildKey, isBuilderContentId } from '../../builder/index.js'

describe('sandbox/builder build key (from the image content id)', () => {
  const source = { repo: 'outlayer/examples', commit: 'a'.repeat(40), build_target: 'wasm32-wasip1' }
  const contentId = `outlayer-builder:2@sha256:${'b'.repeat(64)}`

  it('is protocol buildKey over the content id', () => {
    assert.equal(builderBuildKey(source, contentId), buildKey({ ...source, builder_image: contentId }))
    assert.notEqual(builderBuildKey(source, contentId), builderBuildKey(source, `outlayer-builder:2@sha256:${'c'.repeat(64)}`))
  })

  it('refuses a bare tag or a malformed digest, so no node computes a key nobody else uses', () => {
    for (const id of ['outlayer-builder:2', 'sha256:' + 'b'.repeat(64), `outlayer-builder:2@sha256:${'b'.repeat(63)}`, '']) {
      assert.equal(isBuilderContentId(id), false, id)
      assert.throws(() => builderBuildKey(source, id), (e: unknown) => e instanceof BuildError && e.code === 'INVALID_INPUT', id)
    }
  })
})
