/**
 * The one place a build key is computed from the builder image: always from the image's content id
 * (`outlayer-builder:<version>@sha256:<layer digest>`, see builder-image.ts), never from the tag. The builder
 * that signs a build record and the worker that looks the record up must use the same key, and a tag names
 * different files on different machines while the digest names exactly one rootfs.
 */
import { buildKey } from '../../protocol/build-attestation.js'
import { BuildError } from './errors.js'

const CONTENT_ID = /^[a-z0-9][a-z0-9._/-]*:[A-Za-z0-9._-]+@sha256:[0-9a-f]{64}$/

/** True for `<repo>:<tag>@sha256:<64 hex>`, the shape BuilderImage.contentId has. */
export function isBuilderContentId (id: string): boolean {
  return CONTENT_ID.test(id)
}

export interface BuildSource {
  repo: string
  /** full 40-hex sha */
  commit: string
  build_target: string
}

/**
 * build_key of (repo, commit, target) built in the image whose content id is given. Throws INVALID_INPUT for a
 * bare tag such as `outlayer-builder:2`, so a caller cannot silently compute a key nobody else uses.
 */
export function builderBuildKey (source: BuildSource, builderContentId: string): string {
  if (!isBuilderContentId(builderContentId)) {
    throw new BuildError('INVALID_INPUT', `not a builder image content id (<repo>:<tag>@sha256:<digest>): ${JSON.stringify(builderContentId.slice(0, 120))}`)
  }
  return buildKey({ ...source, builder_image: builderContentId })
}
