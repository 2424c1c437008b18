/**
 * Runs one build in a fresh container: no network, source read-only, a tmpfs work dir, a non-root user,
 * no capabilities, memory/cpu/pids/time limits, and an output dir watched for size. The container is
 * always removed, whatever happens.
 */
import { PassThrough } from 'node:stream'
import type Docker from 'dockerode'
import { watchDirSize } from './dir-size.js'
import { LogTail } from './log-tail.js'
import { BUILD_USER, type BuildLimits } from './options.js'

export interface RunContainerInit {
  docker: Docker
  imageId: string
  srcDir: string
  outDir: string
  script: string
  env: Record<string, string>
  limits: BuildLimits
  onLine?: (line: string) => void
  signal?: AbortSignal
  /** added to the `outlayer.build` label */
  labels?: Record<string, string>
}

export interface ContainerOutcome {
  exitCode: number
  oomKilled: boolean
  timedOut: boolean
  aborted: boolean
  /** the output dir grew past the wasm cap while the build ran */
  outputTooLarge: boolean
  log: LogTail
}

export async function runBuildContainer (init: RunContainerInit): Promise<ContainerOutcome> {
  const { docker, limits } = init
  const log = new LogTail(undefined, init.onLine)
  const container = await docker.createContainer({
    Image: init.imageId,
    Cmd: ['/bin/sh', '-c', init.script],
    User: BUILD_USER,
    WorkingDir: '/', // not /work: Docker would re-create it root-owned over the tmpfs mode
    Env: Object.entries(init.env).map(([k, v]) => `${k}=${v}`),
    NetworkDisabled: true,
    Labels: { ...init.labels, 'outlayer.build': '1' },
    HostConfig: {
      NetworkMode: 'none',
      Binds: [`${init.srcDir}:/src:ro`, `${init.outDir}:/out:rw`],
      Tmpfs: {
        '/work': `rw,exec,nosuid,nodev,size=${limits.workBytes},mode=1777`,
        '/tmp': 'rw,nosuid,nodev,size=64m,mode=1777'
      },
      ReadonlyRootfs: true,
      Memory: limits.memoryBytes,
      MemorySwap: limits.memoryBytes,
      NanoCpus: Math.round(limits.cpus * 1e9),
      PidsLimit: limits.pids,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      // we read the output through attach; the engine's own copy of a chatty build must not fill the disk
      LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '1' } }
    }
  })
  let timedOut = false
  let aborted = false
  let outputTooLarge = false
  const kill = (): void => { container.kill().catch(() => {}) }
  const timer = setTimeout(() => { timedOut = true; kill() }, limits.timeoutMs)
  const onAbort = (): void => { aborted = true; kill() }
  init.signal?.addEventListener('abort', onAbort)
  const stopWatching = watchDirSize(init.outDir, limits.maxWasmBytes + 1024 * 1024, () => { outputTooLarge = true; kill() })
  try {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true })
    const sink = new PassThrough()
    sink.on('data', (chunk: Buffer) => log.write(chunk))
    docker.modem.demuxStream(stream, sink, sink)
    const ended = new Promise<void>(resolve => { stream.on('end', resolve); stream.on('close', resolve) })
    await container.start()
    if (init.signal?.aborted === true) onAbort()
    const { StatusCode } = await container.wait() as { StatusCode: number }
    // the attach stream may still hold the last lines when wait() returns
    await Promise.race([ended, new Promise(resolve => setTimeout(resolve, 1000).unref())])
    const state = (await container.inspect()).State
    return { exitCode: StatusCode, oomKilled: state.OOMKilled, timedOut, aborted, outputTooLarge, log }
  } finally {
    clearTimeout(timer)
    init.signal?.removeEventListener('abort', onAbort)
    stopWatching()
    await container.remove({ force: true }).catch(() => {})
  }
}
