// A price oracle: each token's price as the median of several JSON sources (3 recommended), fetched once per source.
// {"token": "bitcoin", "sources": [...]}          → 101.5                  (a bare number: the contract's median)
// {"tokens": ["bitcoin", "ethereum"], "sources"}  → {"bitcoin": 101.5, ...} (per-field median, or identical)
// source = {"url": "https://…?ids={tokens}", "path": "{token}.usd", "symbols"?: {"bitcoin": "XXBTZUSD"}}:
// {tokens} becomes the source's symbols, comma-joined; `path` (dotted, {token} = the source's symbol) locates the
// price in the answer, a JSON number or a numeric string. A token needs `min_sources` (default 2) prices.
import { JValue, parse, stringify, J_ARR, J_OBJ, J_STR } from '../lib/json'
import { readJsonInput, writeOutput } from '../lib/io'
import { die, fetch, median, numberAt } from '../lib/http'

const MAX_TOKENS = 10
const MAX_SOURCES = 5

class Source { url: string = ''; path: string = '{token}'; symbols: JValue | null = null }

function symbolOf (source: Source, token: string): string {
  const s = source.symbols
  if (s == null) return token
  const v = s.get(token)
  return v != null && v.kind == J_STR ? v.str : token
}

function main (): void {
  const input = readJsonInput()
  const tokens = new Array<string>()
  const single = input.get('token')
  const list = input.get('tokens')
  if (single != null && single.kind == J_STR) tokens.push(single.str)
  else if (list != null && list.kind == J_ARR) {
    for (let i = 0; i < list.items.length; i++) if (list.items[i].kind == J_STR) tokens.push(list.items[i].str)
  }
  if (tokens.length == 0 || tokens.length > MAX_TOKENS) die('give "token" or "tokens": 1 to ' + MAX_TOKENS.toString() + ' names')

  const sources = new Array<Source>()
  const given = input.get('sources')
  if (given != null && given.kind == J_ARR) {
    for (let i = 0; i < given.items.length; i++) {
      const g = given.items[i]
      const url = g.get('url')
      if (g.kind != J_OBJ || url == null || url.kind != J_STR) { die('sources[' + i.toString() + '] needs a "url"'); continue }
      const s = new Source()
      s.url = url.str
      const path = g.get('path')
      if (path != null && path.kind == J_STR) s.path = path.str
      const symbols = g.get('symbols')
      if (symbols != null && symbols.kind == J_OBJ) s.symbols = symbols
      sources.push(s)
    }
  }
  if (sources.length == 0 || sources.length > MAX_SOURCES) die('give 1 to ' + MAX_SOURCES.toString() + ' "sources"')
  const minSources = <i32>input.numberOr('min_sources', 2)

  // prices[t][s]: token t's price at source s (NaN when that source had none)
  const prices = new Array<f64[]>()
  for (let t = 0; t < tokens.length; t++) prices.push(new Array<f64>())
  for (let s = 0; s < sources.length; s++) {
    const source = sources[s]
    const symbols = new Array<string>()
    for (let t = 0; t < tokens.length; t++) symbols.push(encodeURIComponent(symbolOf(source, tokens[t])))
    const answer = fetch('GET', source.url.replaceAll('{tokens}', symbols.join(',')), [['accept', 'application/json']])
    const json = answer.ok ? parse(answer.body) : null
    if (!answer.ok) process.stderr.write('source ' + s.toString() + ': ' + answer.describe() + '\n')
    for (let t = 0; t < tokens.length; t++) {
      prices[t].push(json == null ? NaN : numberAt(json, source.path.replaceAll('{token}', symbolOf(source, tokens[t]))))
    }
  }

  const out = JValue.object()
  for (let t = 0; t < tokens.length; t++) {
    const found = prices[t].filter(x => isFinite(x)).length
    if (found < minSources) die(tokens[t] + ': ' + found.toString() + ' of ' + sources.length.toString() + ' sources gave a price, ' + minSources.toString() + ' needed')
    out.set(tokens[t], JValue.number(median(prices[t])))
  }
  writeOutput(single != null ? stringify(out.items[0]) : stringify(out))
}

main()
