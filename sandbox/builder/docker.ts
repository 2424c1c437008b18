/**
 * The Docker client: dockerode against DOCKER_HOST or /var/run/docker.sock. When no engine answers we fail
 * with NO_DOCKER and say how to start one, instead of a bare ENOENT/ECONNREFUSED.
 */
import type Docker from 'dockerode'
import { BuildError } from './errors.js'

const PING_TIMEOUT_MS = 5000

function engineAddress (): string {
  return process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'
}

export const HOW_TO_START_DOCKER =
  'Start a Docker engine as root: `apt-get install -y docker.io && (dockerd >/var/log/dockerd.log 2>&1 &)`, ' +
  'or run `bash .ci/setup-machine.sh`; set DOCKER_HOST to use an engine elsewhere.'

let cached: Promise<Docker> | undefined

/** A dockerode client whose engine answered a ping; the answer is cached for the process. */
export async function connectDocker (): Promise<Docker> {
  cached ??= (async () => {
    // dockerode (~6 MB of heap) loads with the first build, not in every node that imports sandbox/builder
    const { default: DockerClient } = await import('dockerode')
    const docker = new DockerClient()
    try {
      await Promise.race([
        docker.ping(),
        new Promise((_resolve, reject) => setTimeout(() => reject(new Error(`no answer in ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS).unref())
      ])
    } catch (err) {
      cached = undefined
      throw new BuildError('NO_DOCKER', `No Docker engine answers at ${engineAddress()} (${(err as Error).message}). ${HOW_TO_START_DOCKER}`)
    }
    return docker
  })()
  return await cached
}
