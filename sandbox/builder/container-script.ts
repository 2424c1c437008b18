/**
 * The shell a build container runs, around the project's own build: a writable copy of the source at a
 * fixed path with fixed mtimes, then a deterministic wasm-opt pass (unless the plan says no), a size check, and the copy to /out.
 * Everything that can differ between machines (paths, dates, locale, timezone) is pinned here or in the env.
 */
import type { BuildPlan } from './project.js'

/** Exit codes our script uses for its own refusals. */
export const SCRIPT_EXIT = { tooLarge: 97, noArtifact: 98 } as const

/** Features the optimiser may use: what Node 20's V8 and our executor's metering accept. */
const WASM_OPT_FEATURES = '--enable-sign-ext --enable-mutable-globals --enable-bulk-memory --enable-nontrapping-float-to-int'

const optimiseStep = `if ! wasm-opt -O2 ${WASM_OPT_FEATURES} --strip-debug --strip-producers "$ARTIFACT" -o /work/final.wasm; then
  echo "outlayer: wasm-opt refused the module; keeping it as built"
  cp "$ARTIFACT" /work/final.wasm
fi`

export function containerScript (plan: BuildPlan, maxWasmBytes: number): string {
  return `set -eu
echo "outlayer: ${plan.kind} build"
mkdir -p /work/home /work/cargo
cp -R /src /work/src
find /work/src -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
touch /work/.started
cd /work/src
${plan.script}
[ -f "$ARTIFACT" ] || { echo "outlayer: the build did not produce $ARTIFACT"; exit ${SCRIPT_EXIT.noArtifact}; }
${plan.optimise ? optimiseStep : 'cp "$ARTIFACT" /work/final.wasm'}
size=$(stat -c %s /work/final.wasm)
[ "$size" -le ${maxWasmBytes} ] || { echo "outlayer: the wasm is $size bytes, over the cap of ${maxWasmBytes}"; exit ${SCRIPT_EXIT.tooLarge}; }
cp /work/final.wasm /out/out.wasm
echo "outlayer: wasm of $size bytes"
`
}

/** Environment of every build: fixed paths, clock source, locale and offline package managers. */
export function containerEnv (commitTime: number): Record<string, string> {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: '/work/home',
    TZ: 'UTC',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    SOURCE_DATE_EPOCH: String(commitTime),
    ZERO_AR_DATE: '1',
    CARGO_HOME: '/work/cargo',
    CARGO_TARGET_DIR: '/work/target',
    CARGO_INCREMENTAL: '0',
    CARGO_TERM_COLOR: 'never',
    CARGO_NET_OFFLINE: 'true',
    RUSTFLAGS: '--remap-path-prefix=/work/src=/src --remap-path-prefix=/work/cargo=/cargo',
    npm_config_offline: 'true'
  }
}
