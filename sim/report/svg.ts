/**
 * Minimal SVG charts rendered as strings in Node (no browser, no library): a line/step chart with axes and a
 * legend, and a bar chart. Every chart is a <svg class="plot" data-plot="…"> of a fixed size, so a test can find
 * and measure each one.
 */
export interface Series { name: string, points: Array<[number, number]>, color: string, step?: boolean }

const W = 560
const H = 300
const M = { left: 64, right: 16, top: 28, bottom: 44 }

export function esc (s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

function ticks (min: number, max: number, n = 5): number[] {
  if (!(max > min)) return [min]
  const raw = (max - min) / n
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map(m => m * mag).find(s => s >= raw) ?? raw
  const out: number[] = []
  for (let v = Math.ceil(min / step) * step; v <= max + 1e-9; v += step) out.push(Number(v.toPrecision(12)))
  return out
}

function fmt (v: number): string {
  if (Math.abs(v) >= 1e9) return `${(v / 1e9).toFixed(1)}G`
  if (Math.abs(v) >= 1e6) return `${(v / 1e6).toFixed(1)}M`
  if (Math.abs(v) >= 1e4) return `${(v / 1e3).toFixed(0)}k`
  return Number.isInteger(v) ? String(v) : v.toFixed(2)
}

function frame (id: string, title: string, body: string): string {
  return `<svg class="plot" data-plot="${esc(id)}" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}">` +
    `<rect width="${W}" height="${H}" fill="#fff"/><text x="${W / 2}" y="18" text-anchor="middle" font-size="14" font-weight="600">${esc(title)}</text>${body}</svg>`
}

function empty (id: string, title: string, why: string): string {
  return frame(id, title, `<text x="${W / 2}" y="${H / 2}" text-anchor="middle" font-size="13" fill="#777">${esc(why)}</text>`)
}

export function lineChart (id: string, title: string, series: Series[], axes: { x: string, y: string, yMin?: number }): string {
  const pts = series.flatMap(s => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
  if (pts.length === 0) return empty(id, title, 'no data in this run')
  const xs = pts.map(p => p[0]); const ys = pts.map(p => p[1])
  const x0 = Math.min(...xs); const x1 = Math.max(...xs) > x0 ? Math.max(...xs) : x0 + 1
  const y0 = axes.yMin ?? Math.min(0, ...ys); const y1 = Math.max(...ys) > y0 ? Math.max(...ys) : y0 + 1
  const pw = W - M.left - M.right; const ph = H - M.top - M.bottom
  const sx = (x: number): number => M.left + (x - x0) / (x1 - x0) * pw
  const sy = (y: number): number => M.top + ph - (y - y0) / (y1 - y0) * ph
  let body = ''
  for (const t of ticks(y0, y1)) body += `<line x1="${M.left}" x2="${W - M.right}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" stroke="#eee"/><text x="${M.left - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end" font-size="11">${fmt(t)}</text>`
  for (const t of ticks(x0, x1)) body += `<text x="${sx(t).toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle" font-size="11">${fmt(t)}</text>`
  body += `<line x1="${M.left}" x2="${W - M.right}" y1="${M.top + ph}" y2="${M.top + ph}" stroke="#333"/><line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + ph}" stroke="#333"/>`
  body += `<text x="${M.left + pw / 2}" y="${H - 8}" text-anchor="middle" font-size="12">${esc(axes.x)}</text>`
  body += `<text transform="translate(14 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(axes.y)}</text>`
  series.forEach((s, i) => {
    const p = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
    if (p.length === 0) return
    let d = `M${sx(p[0]![0]).toFixed(1)},${sy(p[0]![1]).toFixed(1)}`
    for (let k = 1; k < p.length; k++) {
      if (s.step === true) d += `H${sx(p[k]![0]).toFixed(1)}`
      d += `${s.step === true ? 'V' : 'L'}${s.step === true ? sy(p[k]![1]).toFixed(1) : `${sx(p[k]![0]).toFixed(1)},${sy(p[k]![1]).toFixed(1)}`}`
    }
    body += `<path class="series" d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`
    body += `<rect x="${M.left + 8 + i * 150}" y="${M.top + 2}" width="10" height="10" fill="${s.color}"/><text x="${M.left + 22 + i * 150}" y="${M.top + 11}" font-size="11">${esc(s.name)}</text>`
  })
  return frame(id, title, body)
}

export interface Bar { label: string, value: number, color: string }

export function barChart (id: string, title: string, bars: Bar[], yLabel: string): string {
  if (bars.length === 0) return empty(id, title, 'no data in this run')
  const max = Math.max(1, ...bars.map(b => b.value))
  const pw = W - M.left - M.right; const ph = H - M.top - M.bottom
  const bw = pw / bars.length
  let body = ''
  for (const t of ticks(0, max)) {
    const y = M.top + ph - t / max * ph
    body += `<line x1="${M.left}" x2="${W - M.right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#eee"/><text x="${M.left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end" font-size="11">${fmt(t)}</text>`
  }
  bars.forEach((b, i) => {
    const h = b.value / max * ph
    const x = M.left + i * bw + bw * 0.1
    body += `<rect class="bar" x="${x.toFixed(1)}" y="${(M.top + ph - h).toFixed(1)}" width="${(bw * 0.8).toFixed(1)}" height="${Math.max(0, h).toFixed(1)}" fill="${b.color}"><title>${esc(`${b.label}: ${b.value}`)}</title></rect>`
    if (bars.length <= 24) body += `<text x="${(x + bw * 0.4).toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle" font-size="10">${esc(b.label)}</text>`
    if (bars.length <= 12) body += `<text x="${(x + bw * 0.4).toFixed(1)}" y="${(M.top + ph - h - 4).toFixed(1)}" text-anchor="middle" font-size="11">${fmt(b.value)}</text>`
  })
  body += `<line x1="${M.left}" x2="${W - M.right}" y1="${M.top + ph}" y2="${M.top + ph}" stroke="#333"/>`
  body += `<text transform="translate(14 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(yLabel)}</text>`
  return frame(id, title, body)
}

/** [value, fraction ≤ value] pairs of sorted samples, for a CDF step line. */
export function cdf (sorted: readonly number[]): Array<[number, number]> {
  return sorted.map((v, i) => [v, (i + 1) / sorted.length])
}
