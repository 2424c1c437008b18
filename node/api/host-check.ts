/**
 * DNS rebinding defence (issue 17 §7): a page on evil.example that rebinds its name to 127.0.0.1 reaches
 * this server with `Host: evil.example:7700`. We answer only the names the node is known by: loopback names
 * with our port, and the hosts the operator configured; everything else gets 421 Misdirected Request.
 */

/** Accepts a Host header value when it names this server. Case-insensitive; the port must be ours. */
export function hostMatcher (port: number, configured: readonly string[] = []): (host: string | undefined) => boolean {
  const allowed = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, ...configured].map(h => h.toLowerCase()))
  return (host) => host != null && allowed.has(host.trim().toLowerCase())
}
