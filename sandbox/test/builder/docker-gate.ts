/**
 * Build tests need a real Docker engine and the builder image. Without an engine they fail with the way to
 * start one, unless OUTLAYER_NO_DOCKER=1 says this machine has none on purpose (then they are skipped).
 */
import type Docker from 'dockerode'
import { ensureBuilderImage, type BuilderImage } from '../../builder/index.js'
import { connectDocker } from '../../builder/docker.js'

export async function requireBuilder (ctx: Mocha.Context): Promise<{ docker: Docker, image: BuilderImage }> {
  ctx.timeout(900_000) // the first run on a machine makes the image (debootstrap + import, about 90 s)
  let docker: Docker
  try {
    docker = await connectDocker()
  } catch (err) {
    if (process.env.OUTLAYER_NO_DOCKER === '1') ctx.skip()
    throw new Error(`these tests need a Docker engine (set OUTLAYER_NO_DOCKER=1 to skip them): ${(err as Error).message}`)
  }
  const image = await ensureBuilderImage({ onProgress: m => process.stderr.write(`    [builder-image] ${m}\n`) })
  return { docker, image }
}

/** A label for one test run's builds: other processes (a bench, another suite) build on the same engine. */
export const TEST_LABELS = { 'outlayer.test-run': `${process.pid}-${Date.now()}` }

/** This run's build containers still present (running or not): there must be none after a build, failed or not. */
export async function leftoverBuildContainers (docker: Docker): Promise<number> {
  const [key, value] = Object.entries(TEST_LABELS)[0]!
  return (await docker.listContainers({ all: true, filters: { label: [`${key}=${value}`] } })).length
}
