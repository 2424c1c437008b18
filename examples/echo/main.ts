// {"message": ...} → {"echo": ..., "processed_by": "outlayer-mesh"}
import { JValue, stringify } from '../lib/json'
import { readJsonInput, writeOutput } from '../lib/io'

const input = readJsonInput()
const out = JValue.object()
  .set('echo', input.getOrNull('message'))
  .set('processed_by', JValue.string('outlayer-mesh'))
writeOutput(stringify(out))
