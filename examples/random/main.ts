// {"count":5,"min":1,"max":100} → {"numbers":[...]}, from WASI random_get (like OutLayer's random-ark).
// Under outlayer-mesh random_get is a ChaCha20 stream keyed by the request's seed, so every worker agrees.
import { JValue, stringify } from '../lib/json'
import { readJsonInput, writeOutput } from '../lib/io'

const input = readJsonInput()
const count = <i32>input.numberOr('count', 5)
const min = <i64>input.numberOr('min', 1)
const max = <i64>input.numberOr('max', 100)
if (count < 0 || count > 10000 || max < min) {
  process.stderr.write('count must be in [0, 10000] and min ≤ max\n')
  process.exit(2)
}
const bytes = new Uint8Array(count * 8)
crypto.getRandomValues(bytes)
const span = <u64>(max - min + 1)
const numbers = JValue.array()
for (let i = 0; i < count; i++) {
  let r: u64 = 0
  for (let b = 0; b < 8; b++) r = (r << 8) | <u64>bytes[i * 8 + b]
  numbers.push(JValue.number(<f64>(min + <i64>(r % span))))
}
writeOutput(stringify(JValue.object().set('numbers', numbers)))
