/**
 * What kind of project a checked-out repo is, and the shell that builds it inside the builder image.
 * Detection runs on the host, so a repo we cannot build is refused before any container starts.
 * Precedence: outlayer.json, Cargo.toml, AssemblyScript, CMake, Makefile.
 */
import { lstatSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { BuildError } from './errors.js'

export type ProjectKind = 'outlayer-json' | 'cargo' | 'assemblyscript' | 'cmake' | 'make'

export interface BuildPlan {
  kind: ProjectKind
  /** shell run in /work/src (a writable copy of the source); leaves the wasm path in $ARTIFACT */
  script: string
  /** run `wasm-opt -O2 --strip-debug --strip-producers`; else the wasm is kept byte for byte as built */
  optimise: boolean
}

/** outlayer.json at the repo root: the repo's own build command and where its wasm ends up. */
export interface OutlayerJson {
  build: string
  artifact: string
  optimize?: boolean
}

const C_TARGET = 'clang --target=wasm32-wasi -ffile-prefix-map=/work/src=/src'

/** Exactly one .wasm under `dir` newer than the build start, else a clear failure. */
const findOne = (dir: string): string => [
  `ARTIFACT=$(find ${dir} -name '*.wasm' -type f -newer /work/.started | sort)`,
  `[ -n "$ARTIFACT" ] || { echo "outlayer: the build produced no .wasm under ${dir}"; exit 98; }`,
  `[ "$(echo "$ARTIFACT" | wc -l)" = 1 ] || { echo "outlayer: several .wasm files under ${dir}, name one in outlayer.json:"; echo "$ARTIFACT"; exit 98; }`
].join('\n')

/**
 * The checkout is untrusted and on the host: never follow its symlinks here (a link to a host file would let
 * a repo probe or read this machine); inside the container they resolve to the image's files, harmlessly.
 */
function isEntry (path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false }) != null
}

async function readRegularFile (path: string): Promise<string | undefined> {
  const st = lstatSync(path, { throwIfNoEntry: false })
  if (st == null) return undefined
  if (!st.isFile() || st.size > 1024 * 1024) throw new BuildError('INVALID_INPUT', `${path.split('/').pop()} must be a regular file under 1 MiB`)
  return await readFile(path, 'utf8')
}

async function readOutlayerJson (path: string): Promise<OutlayerJson> {
  let parsed: unknown
  const text = await readRegularFile(path) ?? ''
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new BuildError('INVALID_INPUT', `outlayer.json is not valid JSON: ${(err as Error).message}`)
  }
  const o = parsed as Partial<OutlayerJson> | null
  if (o == null || typeof o.build !== 'string' || o.build === '' || typeof o.artifact !== 'string' ||
    o.artifact.startsWith('/') || o.artifact.split('/').includes('..') || (o.optimize != null && typeof o.optimize !== 'boolean')) {
    throw new BuildError('INVALID_INPUT', 'outlayer.json must be {"build": "<shell command>", "artifact": "<relative path of the wasm>", "optimize"?: boolean}')
  }
  return { build: o.build, artifact: o.artifact, optimize: o.optimize }
}

async function isAssemblyScript (src: string): Promise<boolean> {
  if (!isEntry(join(src, 'assembly', 'index.ts'))) return false
  if (isEntry(join(src, 'asconfig.json'))) return true
  const pkg = await readRegularFile(join(src, 'package.json')).catch(() => undefined) ?? ''
  return pkg.includes('"assemblyscript"')
}

export async function planBuild (src: string, rustTarget: string): Promise<BuildPlan> {
  const has = (f: string): boolean => isEntry(join(src, f))
  if (has('outlayer.json')) {
    const o = await readOutlayerJson(join(src, 'outlayer.json'))
    return { kind: 'outlayer-json', optimise: o.optimize ?? true, script: `${o.build}\nARTIFACT=/work/src/${o.artifact}` }
  }
  if (has('Cargo.toml')) {
    return {
      kind: 'cargo',
      optimise: true,
      script: `cargo build --offline --release --target ${rustTarget}\n${findOne(`/work/target/${rustTarget}/release -maxdepth 1`)}`
    }
  }
  if (await isAssemblyScript(src)) {
    const config = has('asconfig.json') ? 'asconfig.json' : 'node_modules/@assemblyscript/wasi-shim/asconfig.json'
    return {
      kind: 'assemblyscript',
      optimise: false, // asc -O3 has optimised already, and the bytes then equal a host asc build
      script: `[ -e node_modules ] || ln -s /opt/outlayer/node_modules node_modules\nasc assembly/index.ts --config ${config} -O3 --outFile /work/as-out.wasm\nARTIFACT=/work/as-out.wasm`
    }
  }
  if (has('CMakeLists.txt')) {
    return {
      kind: 'cmake',
      optimise: true,
      script: `cmake -S . -B /work/cmake --no-warn-unused-cli -DCMAKE_SYSTEM_NAME=Generic -DCMAKE_BUILD_TYPE=Release -DCMAKE_EXECUTABLE_SUFFIX_C=.wasm -DCMAKE_EXECUTABLE_SUFFIX_CXX=.wasm \\
  -DCMAKE_C_COMPILER=clang -DCMAKE_C_COMPILER_TARGET=wasm32-wasi -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_COMPILER_TARGET=wasm32-wasi \\
  -DCMAKE_C_FLAGS=-ffile-prefix-map=/work/src=/src -DCMAKE_CXX_FLAGS=-ffile-prefix-map=/work/src=/src
cmake --build /work/cmake -j 2
${findOne('/work/cmake')}`
    }
  }
  if (has('Makefile') || has('makefile') || has('GNUmakefile')) {
    return { kind: 'make', optimise: true, script: `make -j 2 CC="${C_TARGET}" CXX="${C_TARGET.replace('clang', 'clang++')}"\n${findOne('/work/src')}` }
  }
  throw new BuildError('UNKNOWN_PROJECT', 'no build found: expected outlayer.json, Cargo.toml, an AssemblyScript project (assembly/index.ts with asconfig.json or an assemblyscript dependency), CMakeLists.txt or a Makefile at the repo root')
}
