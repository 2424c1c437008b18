/**
 * npm run bench:build — for each example (the AssemblyScript examples/ programs and the Rust random-ark crate),
 * built from a local git repo in the builder image: a cold build, a second cold build in a fresh container (same
 * hash = reproducible), and an artifact-cache hit for the same build key; the ratio is cold / hit.
 * Also says whether the Docker-built AssemblyScript wasm is byte-identical to the host's `npm run build:examples`.
 * Prints a summary and writes bench/results/build.json.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { cpus } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildFromGit, ensureBuilderImage, type BuildResult } from '../sandbox/builder/index.js'
import { outlayerJson, RUST_RANDOM, type RepoFiles } from '../sandbox/test/builder/fixture-sources.js'
import { makeRepo, tempRoot } from '../sandbox/test/builder/git-fixtures.js'
import { EXAMPLES } from './build-examples.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const log = (line: string): void => { process.stderr.write(`bench:build ${line}\n`) }
const round = (x: number, digits = 3): number => Number(x.toFixed(digits))

/** examples/<name> and examples/lib as a repo, built with the same asc flags as scripts/build-examples.ts. */
function exampleFiles (name: string): RepoFiles {
  const files: RepoFiles = {}
  for (const dir of [name, 'lib']) {
    for (const f of readdirSync(join(root, 'examples', dir))) files[`${dir}/${f}`] = readFileSync(join(root, 'examples', dir, f), 'utf8')
  }
  const asc = `ln -s /opt/outlayer/node_modules node_modules && asc ${name}/main.ts --config ./node_modules/@assemblyscript/wasi-shim/asconfig.json -O3 --runtime incremental --noColors -o out.wasm`
  return { ...files, 'outlayer.json': JSON.stringify({ ...JSON.parse(outlayerJson(asc)['outlayer.json']!), optimize: false }) }
}

async function timedBuild (init: Parameters<typeof buildFromGit>[0]): Promise<BuildResult & { wall: number }> {
  const t0 = performance.now()
  const r = await buildFromGit(init)
  return { ...r, wall: (performance.now() - t0) / 1000 }
}

async function main (): Promise<void> {
  const imageStarted = performance.now()
  const image = await ensureBuilderImage({ onProgress: log })
  const imageSeconds = (performance.now() - imageStarted) / 1000
  const work = tempRoot('bench-build')
  const rows: Array<Record<string, unknown>> = []
  try {
    const sources: Array<[string, RepoFiles]> = [...EXAMPLES.map(n => [n, exampleFiles(n)] as [string, RepoFiles]), ['random-ark (Rust)', RUST_RANDOM]]
    for (const [name, files] of sources) {
      const repo = makeRepo(join(work, 'repos'), name.replace(/\W+/g, '-'), files)
      const dataDir = join(work, `data-${rows.length}`)
      const cold = await timedBuild({ repo: repo.url, commit: repo.commit, dataDir, useCache: false, allowLocalRepos: true })
      const again = await timedBuild({ repo: repo.url, commit: repo.commit, dataDir: `${dataDir}-again`, useCache: false, allowLocalRepos: true })
      const hit = await timedBuild({ repo: repo.url, commit: repo.commit, dataDir, allowLocalRepos: true })
      if (!hit.cached) throw new Error(`${name}: the third build was not a cache hit`)
      const hostBuild = join(root, 'examples', 'build', `${name}.wasm`)
      const hostHash = existsSync(hostBuild) ? createHash('sha256').update(readFileSync(hostBuild)).digest('hex') : null
      const row = {
        name,
        size: cold.size,
        wasm_hash: cold.wasm_hash,
        cold_s: round(cold.wall),
        cold_again_s: round(again.wall),
        cache_hit_s: round(hit.wall),
        ratio_cold_to_hit: round(cold.wall / hit.wall, 1),
        reproducible: cold.wasm_hash === again.wasm_hash,
        same_as_host_build: hostHash == null ? null : hostHash === cold.wasm_hash
      }
      log(`${name}: cold ${row.cold_s} s, again ${row.cold_again_s} s, cache hit ${row.cache_hit_s} s (×${row.ratio_cold_to_hit}), reproducible ${row.reproducible}, same as host ${row.same_as_host_build}`)
      rows.push(row)
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  const result = {
    bench: 'build',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version },
    builder_image: image.contentId,
    ensure_builder_image_s: round(imageSeconds),
    examples: rows
  }
  await mkdir(join(root, 'bench', 'results'), { recursive: true })
  await writeFile(join(root, 'bench', 'results', 'build.json'), `${JSON.stringify(result, null, 2)}\n`)
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
}

await main()
