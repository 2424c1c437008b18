/**
 * report.html: one self-contained file (inline CSS and SVG, no script, no network), readable offline. The plots
 * are the ones the issue lists; PLOTS names them so the chromium test can check that every one is there.
 */
import type { RunReport } from '../runner/types.js'
import { barChart, cdf, esc, lineChart } from './svg.js'

export const PLOTS = ['latency-blocks', 'latency-ms', 'gossip-cdf', 'gossip-time', 'per-node-messages', 'per-node-bytes', 'outcomes', 'slashes', 'resources'] as const

const C = { main: '#2563eb', base: '#9ca3af', p99: '#dc2626', ok: '#16a34a', bad: '#dc2626', warn: '#d97706', muted: '#6b7280' }

const num = (v: number | null | undefined, digits = 0): string => v == null || !Number.isFinite(v) ? '—' : v.toFixed(digits)

export function renderReportHtml (r: RunReport): string {
  const f = r.figures
  const s = f.safety
  const perNode = f.perNode
  const plots: Record<typeof PLOTS[number], string> = {
    'latency-blocks': lineChart('latency-blocks', 'Request → callback, blocks (CDF)', [{ name: 'requests', points: cdf(f.latencyBlocks.samples), color: C.main, step: true }], { x: 'blocks', y: 'fraction of requests', yMin: 0 }),
    'latency-ms': lineChart('latency-ms', 'Request → callback, ms (CDF)', [{ name: 'requests', points: cdf(f.latencyMs.samples), color: C.main, step: true }], { x: 'ms (wall clock)', y: 'fraction of requests', yMin: 0 }),
    'gossip-cdf': lineChart('gossip-cdf', 'Gossip dissemination latency (CDF)', [
      { name: 'outlayer nodes', points: cdf(f.gossip.samplesMs), color: C.main, step: true },
      ...(f.baseline != null ? [{ name: 'bare gossipsub', points: cdf(f.baseline.samplesMs), color: C.base, step: true }] : [])
    ], { x: 'ms from publish to first receipt', y: 'fraction of deliveries', yMin: 0 }),
    'gossip-time': lineChart('gossip-time', 'Gossip dissemination over time', [
      { name: 'p50 ms', points: f.gossipTimeline.map(b => [b.second, b.p50Ms]), color: C.main },
      { name: 'p99 ms', points: f.gossipTimeline.map(b => [b.second, b.p99Ms]), color: C.p99 },
      { name: 'deliveries / s ÷ 10', points: f.gossipTimeline.map(b => [b.second, b.messages / 10]), color: C.base }
    ], { x: 'second of the run (publish time)', y: 'ms', yMin: 0 }),
    'per-node-messages': barChart('per-node-messages', 'Gossip messages per node (accepted + published)', perNode.map(n => ({ label: `n${n.node}`, value: n.accepted + n.published, color: n.byzantine != null ? C.bad : C.main })), 'messages'),
    'per-node-bytes': barChart('per-node-bytes', 'Bytes per node (in + out, simulated links)', perNode.map(n => ({ label: `n${n.node}`, value: n.bytes ?? 0, color: n.byzantine != null ? C.bad : C.main })), 'bytes'),
    outcomes: barChart('outcomes', 'Request outcomes', [
      { label: 'resumed ok', value: s.outcomes.filter(o => o === 'resumed-correct').length, color: C.ok },
      { label: 'WRONG resume', value: s.wrongResumes, color: C.bad },
      { label: 'failed', value: s.outcomes.filter(o => o === 'resumed-failed').length, color: C.warn },
      { label: 'unverified', value: s.outcomes.filter(o => o === 'resumed-unverified').length, color: C.muted },
      { label: 'refunded', value: s.refunded, color: C.warn },
      { label: 'pending', value: s.pending, color: C.muted }
    ], 'requests'),
    slashes: barChart('slashes', 'Slashes by reason, and refunds', [
      ...(['disagreed', 'withheld', 'equivocated'] as const).flatMap(reason => [
        { label: `byzantine ${reason}`, value: f.slashes.byReason[reason].byzantine, color: C.ok },
        { label: `honest ${reason}`, value: f.slashes.byReason[reason].honest, color: C.bad }
      ]),
      { label: 'refunded requests', value: s.refunded, color: C.warn }
    ], 'count'),
    resources: lineChart('resources', 'CPU and RSS of the run (this process)', [
      { name: 'RSS MiB', points: r.resources.map(x => [x.ms / 1000, x.rssBytes / 2 ** 20]), color: C.main },
      { name: 'CPU %', points: r.resources.map(x => [x.ms / 1000, x.cpuPercent]), color: C.p99 }
    ], { x: 'seconds', y: 'MiB / %', yMin: 0 })
  }
  const row = (k: string, v: string): string => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`
  const table = [
    row('scenario', `${r.scenario.name} — ${r.scenario.description}`),
    row('mode', r.mode === 'scale' ? 'scale: simulated links, plaintext, yamux' : 'real stack: TCP on 127.0.0.1, noise, yamux'),
    row('seed', String(r.seed)),
    row('nodes / R / Q', `${r.scenario.nodes} / ${r.scenario.replicas} / ${r.scenario.quorum}`),
    row('requests', `${s.requests} at ${r.scenario.ratePerSec}/s, ${r.scenario.blockTimeMs} ms blocks`),
    row('wrong resumes', String(s.wrongResumes)),
    row('resumed / refunded / pending', `${s.resumed} / ${s.refunded} / ${s.pending}`),
    row('request → callback, blocks p50 / p99', `${num(f.latencyBlocks.p50)} / ${num(f.latencyBlocks.p99)}`),
    row('gossip delivery ratio', num(f.gossip.deliveryRatio, 3)),
    row('gossip p50 / p99 ms', `${num(f.gossip.p50Ms)} / ${num(f.gossip.p99Ms)}`),
    row('bare gossipsub p50 / p99 ms', f.baseline != null ? `${num(f.baseline.p50Ms)} / ${num(f.baseline.p99Ms)}` : '— (real mode)'),
    row('gossip p99 ratio (ours / bare)', num(f.gossipP99Ratio, 2)),
    row('duplicates per delivered message', num(f.gossip.duplicatesPerDelivery, 2)),
    row('bytes per node per request', f.bytesPerNodePerRequest != null ? num(f.bytesPerNodePerRequest) : '— (real mode)'),
    row('RSS per node', `${num(f.rssPerNodeBytes / 2 ** 20, 1)} MiB (peak process ${num(f.peakRssBytes / 2 ** 20)} MiB)`),
    row('byzantine workers', r.plan.byzantine.map(b => `n${b.node}: ${b.behaviour}${b.fromRequest > 0 ? ` from request ${b.fromRequest}` : ''}`).join(', ') || 'none'),
    row('attackers', f.attackers.map(a => `${a.kind} (${a.sent} sent)`).join(', ') || 'none'),
    row('faults fired', r.fired.map(e => `${e.action.type}@+${e.block}b`).join(', ') || 'none'),
    ...(r.partial != null ? [row('partial report', r.partial)] : []),
    ...(r.errors.length > 0 ? [row('errors during the run', r.errors.map(e => `+${num(e.atMs / 1000, 1)} s ${e.where}: ${e.message}`).join('; '))] : []),
    row('wall time', `${num(r.wallMs / 1000, 1)} s`),
    row('versions', `node ${r.versions.node}, libp2p ${r.versions.libp2p}, gossipsub ${r.versions.gossipsub}`)
  ].join('')
  const requests = r.requests.map(q => `<tr class="${q.outcome === 'resumed-wrong' ? 'bad' : ''}"><td>${q.index}</td><td>${esc(q.requestId)}</td><td>${esc(q.outcome)}</td><td>${q.blocks ?? '—'}</td><td>${q.ms ?? '—'}</td><td>${esc(q.byzantineWorkers.join(' '))}</td></tr>`).join('')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>outlayer sim — ${esc(r.scenario.name)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#111}h1{font-size:20px}table{border-collapse:collapse;margin:12px 0}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left}
.plots{display:flex;flex-wrap:wrap;gap:16px}.plots svg{border:1px solid #ddd}tr.bad td{background:#fee2e2}.note{color:#555;max-width:900px}</style></head>
<body><h1>outlayer sim — ${esc(r.scenario.name)}</h1>
<table class="summary">${table}</table>
<div class="plots">${PLOTS.map(p => plots[p]).join('\n')}</div>
<h2>What may differ between runs of the same seed</h2><ul class="note">${r.nondeterminism.map(n => `<li>${esc(n)}</li>`).join('')}</ul>
<h2>Requests</h2><table class="requests"><tr><th>#</th><th>id</th><th>outcome</th><th>blocks</th><th>ms</th><th>byzantine in resolution</th></tr>${requests}</table>
</body></html>
`
}
