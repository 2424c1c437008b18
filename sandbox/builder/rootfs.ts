/**
 * Makes the builder root filesystem: debootstrap (minbase, bookworm) with the compilers, plus the host's own
 * Node binary and the AssemblyScript packages from our node_modules (pinned by package-lock; nothing is
 * fetched from a registry), then a tar with sorted names and fixed mtimes so the same files give the same
 * layer digest.
 */
import { spawn } from 'node:child_process'
import { chmod, cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { BuildError } from './errors.js'
import type { OnProgress } from './progress.js'

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Debian packages of the image. Changing this list means bumping BUILDER_IMAGE_VERSION. */
export const BUILDER_PACKAGES = [
  'libc6-dev', 'rustc', 'libstd-rust-dev-wasm32', 'lld', 'cargo', 'git', 'clang', 'wasi-libc',
  // compiler-rt builtins for wasm32 (64-bit division, soft float helpers), or C links fail
  'libclang-rt-14-dev-wasm32', 'binaryen', 'make', 'cmake'
]

/** Copied from our node_modules into /opt/outlayer/node_modules (assemblyscript carries its own binaryen). */
const NODE_PACKAGES = ['assemblyscript', 'long', '@assemblyscript/wasi-shim']

/** mtime of every file in the image tar. */
const IMAGE_EPOCH = 1_700_000_000

export interface RootfsInit {
  dir: string
  mirror: string
  cacheDir: string
  onProgress: OnProgress
}

function run (cmd: string, args: string[], onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    const tail: string[] = []
    const collect = (line: string): void => { tail.push(line); if (tail.length > 20) tail.shift(); onLine(line) }
    createInterface({ input: child.stdout }).on('line', collect)
    createInterface({ input: child.stderr }).on('line', collect)
    child.on('error', err => reject(new BuildError('IMAGE_FAILED', `${cmd}: ${err.message}`)))
    child.on('close', code => code === 0
      ? resolve()
      : reject(new BuildError('IMAGE_FAILED', `${cmd} exited with ${code}`, tail.join('\n'))))
  })
}

export async function debootstrap ({ dir, mirror, cacheDir, onProgress }: RootfsInit): Promise<void> {
  if (process.getuid?.() !== 0) throw new BuildError('IMAGE_FAILED', 'making the builder image needs root (debootstrap)')
  await mkdir(cacheDir, { recursive: true })
  let unpacked = 0
  await run('debootstrap', ['--variant=minbase', `--cache-dir=${cacheDir}`, `--include=${BUILDER_PACKAGES.join(',')}`,
    'bookworm', dir, mirror], line => {
    if (line.startsWith('I: Unpacking') || line.startsWith('I: Configuring')) {
      if (++unpacked % 25 === 0) onProgress(`debootstrap: ${unpacked} package steps (${line.slice(3)})`)
    } else if (line.startsWith('I: ') || line.startsWith('E: ') || line.startsWith('W: ')) {
      onProgress(`debootstrap: ${line}`)
    }
  })
}

/** Node and AssemblyScript, and removal of files that differ from run to run (logs, caches, dates). */
export async function finishRootfs (dir: string): Promise<void> {
  await chmod(dir, 0o755) // mkdtemp made it 0700, and the root's mode is in the tar
  await cp(process.execPath, join(dir, 'usr/local/bin/node'))
  await chmod(join(dir, 'usr/local/bin/node'), 0o755)
  for (const pkg of NODE_PACKAGES) {
    await cp(join(REPO_ROOT, 'node_modules', pkg), join(dir, 'opt/outlayer/node_modules', pkg), { recursive: true, dereference: true })
  }
  await writeFile(join(dir, 'usr/local/bin/asc'), '#!/bin/sh\nexec node /opt/outlayer/node_modules/assemblyscript/bin/asc.js "$@"\n', { mode: 0o755 })
  for (const junk of ['var/log', 'var/cache/apt', 'var/lib/apt/lists', 'var/cache/ldconfig/aux-cache', 'etc/machine-id', 'tmp', 'debootstrap']) {
    await rm(join(dir, junk), { recursive: true, force: true })
  }
  await mkdir(join(dir, 'tmp'), { mode: 0o1777 })
  await chmod(join(dir, 'tmp'), 0o1777)
  // debootstrap copies these from the host
  await writeFile(join(dir, 'etc/hostname'), 'outlayer-builder\n')
  await writeFile(join(dir, 'etc/resolv.conf'), '')
  // shadow files carry the day the image was made (last password change): pin it
  for (const f of ['etc/shadow', 'etc/shadow-']) {
    const text = await readFile(join(dir, f), 'utf8').catch(() => undefined)
    if (text != null) await writeFile(join(dir, f), text.replace(/^([^:\n]*:[^:\n]*:)\d+:/gm, '$10:'))
  }
}

/** A tar of the rootfs with a stable byte layout: sorted names, fixed mtimes, numeric owners. */
export function rootfsTar (dir: string): { stream: Readable, done: Promise<void> } {
  const child = spawn('tar', ['-C', dir, '--sort=name', `--mtime=@${IMAGE_EPOCH}`, '--numeric-owner', '--format=gnu', '-cf', '-', '.'],
    { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-2000) })
  const done = new Promise<void>((resolve, reject) => child.on('close', code => code === 0
    ? resolve()
    : reject(new BuildError('IMAGE_FAILED', `tar exited with ${code}`, stderr))))
  return { stream: child.stdout, done }
}
