// Float benchmark: n×n f64 matrix multiply. {"n":200} → {"n":200,"trace":...,"sum":...}
import { JValue, stringify } from '../lib/json'
import { readJsonInput, writeOutput } from '../lib/io'

const n = <i32>readJsonInput().numberOr('n', 200)
const a = new Float64Array(n * n)
const b = new Float64Array(n * n)
const c = new Float64Array(n * n)
for (let i = 0; i < n * n; i++) {
  a[i] = <f64>(i % 17) * 0.25 - 1.5
  b[i] = <f64>(i % 13) * 0.5 + 0.125
}
for (let i = 0; i < n; i++) {
  for (let k = 0; k < n; k++) {
    const aik = a[i * n + k]
    for (let j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j]
  }
}
let trace = 0.0
let sum = 0.0
for (let i = 0; i < n; i++) trace += c[i * n + i]
for (let i = 0; i < n * n; i++) sum += c[i]
writeOutput(stringify(JValue.object().set('n', JValue.number(n)).set('trace', JValue.number(trace)).set('sum', JValue.number(sum))))
