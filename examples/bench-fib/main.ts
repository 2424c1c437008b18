// Call-heavy benchmark: recursive fib. {"n":32} → {"fib":2178309}
import { JValue, stringify } from '../lib/json'
import { readJsonInput, writeOutput } from '../lib/io'

function fib (n: i32): i64 {
  return n < 2 ? <i64>n : fib(n - 1) + fib(n - 2)
}

const n = <i32>readJsonInput().numberOr('n', 32)
writeOutput(stringify(JValue.object().set('n', JValue.number(n)).set('fib', JValue.number(<f64>fib(n)))))
