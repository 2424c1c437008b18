// JSON benchmark: build a document of `items` records, then stringify and parse it `rounds` times.
// {"items":2000,"rounds":10} → {"bytes":...,"checksum":...}
import { JValue, parse, stringify } from '../lib/json'
import { readJsonInput, writeOutput } from '../lib/io'

const input = readJsonInput()
const items = <i32>input.numberOr('items', 2000)
const rounds = <i32>input.numberOr('rounds', 10)
let doc = JValue.array()
for (let i = 0; i < items; i++) {
  doc.push(JValue.object()
    .set('id', JValue.number(i))
    .set('name', JValue.string('item-' + i.toString()))
    .set('price', JValue.number(<f64>i * 1.25))
    .set('tags', JValue.array().push(JValue.string('a')).push(JValue.string('b\n"q"')))
    .set('ok', JValue.boolean(i % 2 == 0)))
}
let text = ''
let checksum: u32 = 0
for (let r = 0; r < rounds; r++) {
  text = stringify(doc)
  const back = parse(text)
  if (back == null) { process.stderr.write('round trip failed\n'); process.exit(1); break }
  doc = back
  for (let i = 0; i < text.length; i += 7) checksum = checksum * 31 + <u32>text.charCodeAt(i)
}
writeOutput(stringify(JValue.object().set('bytes', JValue.number(text.length)).set('checksum', JValue.number(checksum))))
