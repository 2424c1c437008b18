/**
 * The dashboard at GET /: one self-contained HTML page (no external assets, so it works offline and on
 * air-gapped machines) that polls ./status and renders it. Text is always set with textContent, never
 * innerHTML, because peer ids and sources come from the network. `?refresh=<ms>` sets the poll interval.
 */
import { createHash } from 'node:crypto'

const SCRIPT = `
'use strict'
const $ = (id) => document.getElementById(id)
const params = new URLSearchParams(location.search)
const refreshMs = Math.max(250, Number(params.get('refresh')) || 2000)
let lastOk = 0

function row (tbody, cells) {
  const tr = document.createElement('tr')
  for (const c of cells) {
    const td = document.createElement('td')
    td.textContent = c.text
    if (c.cls) td.className = c.cls
    tr.appendChild(td)
  }
  tbody.appendChild(tr)
}

function fill (id, items, toCells, emptyText, columns) {
  const tbody = $(id)
  tbody.replaceChildren()
  if (items.length === 0) row(tbody, [{ text: emptyText, cls: 'empty' }])
  for (const item of items) row(tbody, toCells(item))
  tbody.querySelectorAll('td.empty').forEach((td) => { td.colSpan = columns })
}

function ago (ms) {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000))
  return s < 60 ? s + 's ago' : s < 3600 ? Math.floor(s / 60) + 'm ago' : Math.floor(s / 3600) + 'h ago'
}

function render (st) {
  $('peer-id').textContent = st.peerId
  $('network').textContent = st.network
  $('roles').textContent = st.roles.join(', ')
  $('account').textContent = st.accountId + ' → ' + st.contractId
  $('chain-height').textContent = st.chain.height == null ? '—' : '#' + st.chain.height
  $('peer-count').textContent = String(st.peers.length)
  $('lease-count').textContent = String(st.leases.length)
  const active = st.jobs.filter((j) => !['resolved', 'failed', 'skipped', 'expired'].includes(j.state))
  $('job-count').textContent = active.length + ' / ' + st.jobs.length
  fill('peers', st.peers, (p) => [{ text: p.peerId, cls: 'mono' }, { text: p.addr || '' , cls: 'mono' }], 'no peers connected', 2)
  fill('leases', st.leases, (l) => [
    { text: l.requestId },
    { text: '#' + l.expiresAtBlock + (st.chain.height == null ? '' : ' (in ' + (l.expiresAtBlock - st.chain.height) + ' blocks)') }
  ], 'no leases held', 2)
  const jobs = st.jobs.slice().sort((a, b) => b.updatedAtMs - a.updatedAtMs).slice(0, 100)
  fill('jobs', jobs, (j) => [
    { text: j.requestId },
    { text: j.state, cls: 'state state-' + j.state },
    { text: j.source || '', cls: 'mono' },
    { text: ago(j.updatedAtMs) },
    { text: j.reason || '' }
  ], 'no jobs yet', 5)
}

function setConnection (ok, detail) {
  const el = $('connection')
  el.className = ok ? 'live' : 'offline'
  el.textContent = ok ? 'live' : 'offline: ' + detail + ' (retrying)'
}

async function poll () {
  try {
    const res = await fetch('./status', { cache: 'no-store' })
    if (!res.ok) throw new Error('HTTP ' + res.status)
    render(await res.json())
    lastOk = Date.now()
    setConnection(true)
  } catch (err) {
    setConnection(false, err.message)
  } finally {
    $('updated').textContent = lastOk === 0 ? 'never' : new Date(lastOk).toLocaleTimeString()
    setTimeout(poll, refreshMs)
  }
}
poll()
`

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #0f1419; color: #d8dee9 }
header { padding: 12px 20px; background: #1a2129; display: flex; gap: 24px; align-items: baseline; flex-wrap: wrap }
h1 { font-size: 18px; margin: 0 }
h2 { font-size: 15px; margin: 20px 0 6px }
main { padding: 0 20px 20px }
.mono, #peer-id { font-family: ui-monospace, monospace; font-size: 12px; word-break: break-all }
.cards { display: flex; gap: 12px; margin-top: 16px; flex-wrap: wrap }
.card { background: #1a2129; padding: 10px 16px; border-radius: 6px; min-width: 120px }
.card b { display: block; font-size: 22px }
table { border-collapse: collapse; width: 100%; background: #1a2129 }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #26303b }
td.empty { color: #7b8794; font-style: italic }
footer { margin-top: 20px; color: #7b8794 } a { color: #88c0d0 }
.live { color: #8fbf7f } .offline { color: #e06c75 }
.state-resolved { color: #8fbf7f } .state-failed, .state-expired { color: #e06c75 } .state-claimed, .state-executed, .state-attested { color: #e5c07b }
`

const BODY = `
<header>
  <h1>outlayer node</h1>
  <span>peer <span id="peer-id">…</span></span>
  <span>network <b id="network">…</b></span>
  <span>roles <b id="roles">…</b></span>
  <span id="account"></span>
  <span><span id="connection">connecting…</span> · updated <span id="updated">never</span></span>
</header>
<main>
  <div class="cards">
    <div class="card">chain height<b id="chain-height">—</b></div>
    <div class="card">peers<b id="peer-count">0</b></div>
    <div class="card">leases<b id="lease-count">0</b></div>
    <div class="card">jobs active / total<b id="job-count">0</b></div>
  </div>
  <h2>Peers</h2>
  <table><thead><tr><th>peer id</th><th>address</th></tr></thead><tbody id="peers"></tbody></table>
  <h2>Leases</h2>
  <table><thead><tr><th>request</th><th>expires</th></tr></thead><tbody id="leases"></tbody></table>
  <h2>Jobs</h2>
  <table><thead><tr><th>request</th><th>state</th><th>source</th><th>updated</th><th>reason</th></tr></thead><tbody id="jobs"></tbody></table>
  <footer><a href="./status">status JSON</a> · <a href="./metrics">Prometheus metrics</a> · <a href="./health">health</a></footer>
</main>
`

export const DASHBOARD_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>outlayer node</title><style>${STYLE}</style></head>
<body>${BODY}<script>${SCRIPT}</script></body></html>
`

const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`

/** Allows exactly our inline script and style and requests to this origin; nothing else loads. */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  `script-src ${hash(SCRIPT)}`,
  `style-src ${hash(STYLE)}`,
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')
