/** CPU and RSS of this process, sampled on an interval, for the report's resource plot and peak figures. */
export interface ResourceSample { ms: number, rssBytes: number, heapBytes: number, cpuPercent: number }

export class ResourceSampler {
  readonly samples: ResourceSample[] = []
  private timer: NodeJS.Timeout | undefined
  private last = process.cpuUsage()
  private lastAt = performance.now()
  private readonly started = performance.now()

  start (intervalMs = 1000): void {
    this.sample()
    this.timer = setInterval(() => { this.sample() }, intervalMs)
    this.timer.unref()
  }

  stop (): void { clearInterval(this.timer); this.sample() }

  private sample (): void {
    const now = performance.now()
    const cpu = process.cpuUsage(this.last)
    const elapsedUs = Math.max(1, (now - this.lastAt) * 1000)
    const mem = process.memoryUsage()
    this.samples.push({ ms: Math.round(now - this.started), rssBytes: mem.rss, heapBytes: mem.heapUsed, cpuPercent: Math.round((cpu.user + cpu.system) / elapsedUs * 100) })
    this.last = process.cpuUsage()
    this.lastAt = now
  }

  peakRss (): number { return Math.max(0, ...this.samples.map(s => s.rssBytes)) }
}
