/**
 * `outlayer-builder:<version>`: made once per machine (debootstrap → docker import), reused after.
 * The id that enters build keys is the image's rootfs layer digest, not Docker's image id: `docker import`
 * stamps the import time into the image config, so the image id changes on every import of the same files,
 * while the layer digest is the sha256 of the (deterministic) tar and only changes when the files do.
 */
import { createHash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import type Docker from 'dockerode'
import { connectDocker } from './docker.js'
import { BuildError } from './errors.js'
import { noProgress, timed, type OnProgress } from './progress.js'
import { debootstrap, finishRootfs, REPO_ROOT, rootfsTar } from './rootfs.js'

/** Bump when the package list, Node/AssemblyScript copy or rootfs clean-up changes. */
export const BUILDER_IMAGE_VERSION = '2'
export const BUILDER_IMAGE_REPO = 'outlayer-builder'
export const BUILDER_IMAGE = `${BUILDER_IMAGE_REPO}:${BUILDER_IMAGE_VERSION}`

export interface BuilderImage {
  /** `outlayer-builder:<version>` */
  image: string
  /** Docker's image id (`sha256:…`), what containers are created from */
  imageId: string
  /** `outlayer-builder:<version>@sha256:<layer digest>`: the content id that goes into build keys */
  contentId: string
}

export interface EnsureBuilderImageInit {
  onProgress?: OnProgress
  /** Debian mirror for debootstrap @default http://deb.debian.org/debian */
  mirror?: string
  /** where debootstrap keeps downloaded .debs @default <repo>/.cache/debootstrap */
  cacheDir?: string
}

async function describe (docker: Docker): Promise<BuilderImage | undefined> {
  try {
    const info = await docker.getImage(BUILDER_IMAGE).inspect()
    const layer = info.RootFS?.Layers?.[0]
    if (layer == null) return undefined
    return { image: BUILDER_IMAGE, imageId: info.Id, contentId: `${BUILDER_IMAGE}@${layer}` }
  } catch {
    return undefined
  }
}

async function importRootfs (docker: Docker, dir: string, onProgress: OnProgress): Promise<string> {
  const tar = rootfsTar(dir)
  const hash = createHash('sha256')
  const body = new PassThrough()
  let bytes = 0
  let reported = 0
  tar.stream.on('data', (chunk: Buffer) => {
    hash.update(chunk)
    bytes += chunk.length
    if (bytes - reported > 256 * 1024 ** 2) { reported = bytes; onProgress(`docker import: ${(bytes / 1024 ** 2).toFixed(0)} MiB sent`) }
  })
  tar.stream.pipe(body)
  const response = await docker.importImage(body as unknown as string, { repo: BUILDER_IMAGE_REPO, tag: BUILDER_IMAGE_VERSION })
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(response, err => err != null ? reject(err) : resolve()))
  await tar.done
  onProgress(`docker import: ${(bytes / 1024 ** 2).toFixed(0)} MiB, layer sha256:${hash.digest('hex')}`)
  return BUILDER_IMAGE
}

let pending: Promise<BuilderImage> | undefined

/** The builder image, made first when missing (about a minute, needs root and a Debian mirror). */
export async function ensureBuilderImage (init: EnsureBuilderImageInit = {}): Promise<BuilderImage> {
  const onProgress = init.onProgress ?? noProgress
  const docker = await connectDocker()
  const present = await describe(docker)
  if (present != null) {
    onProgress(`builder image ${present.image} present (${present.contentId.split('@')[1]!.slice(0, 19)}…)`)
    return present
  }
  // one creation per process even when several builds ask at once
  pending ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'outlayer-rootfs-'))
    try {
      await timed(onProgress, `debootstrap bookworm into ${dir}`, async () => await debootstrap({
        dir,
        mirror: init.mirror ?? 'http://deb.debian.org/debian',
        cacheDir: init.cacheDir ?? join(REPO_ROOT, '.cache', 'debootstrap'),
        onProgress
      }))
      await timed(onProgress, 'adding Node and AssemblyScript', async () => await finishRootfs(dir))
      await timed(onProgress, `docker import as ${BUILDER_IMAGE}`, async () => await importRootfs(docker, dir, onProgress))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    const made = await describe(docker)
    if (made == null) throw new BuildError('IMAGE_FAILED', `${BUILDER_IMAGE} is missing after docker import`)
    return made
  })().finally(() => { pending = undefined })
  return await pending
}
