import type { Command } from 'commander'
import { ensureBuilderImage } from '../../../sandbox/builder/index.js'

export function register (program: Command): void {
  program.command('builder-image')
    .description('make the outlayer-builder Docker image (debootstrap + docker import); skips when present')
    .option('--mirror <url>', 'Debian mirror for debootstrap', 'http://deb.debian.org/debian')
    .option('--json', 'print {image, imageId, contentId} as JSON')
    .action(async (opts: { mirror: string, json?: boolean }) => {
      const started = performance.now()
      const image = await ensureBuilderImage({ mirror: opts.mirror, onProgress: m => process.stderr.write(`${m}\n`) })
      const seconds = (performance.now() - started) / 1000
      process.stdout.write(opts.json === true
        ? `${JSON.stringify({ ...image, seconds })}\n`
        : `${image.image} ${image.imageId}\ncontent id (in build keys): ${image.contentId}\n`)
    })
}
