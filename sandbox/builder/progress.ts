/** Long steps report what they are doing through one optional callback; the CLI prints it to stderr. */
export type OnProgress = (message: string) => void

export const noProgress: OnProgress = () => {}

/** Runs `step`, reporting its start and how long it took. */
export async function timed<T> (onProgress: OnProgress, label: string, step: () => Promise<T>): Promise<{ value: T, seconds: number }> {
  onProgress(`${label}…`)
  const started = performance.now()
  const value = await step()
  const seconds = (performance.now() - started) / 1000
  onProgress(`${label}: done in ${seconds.toFixed(1)} s`)
  return { value, seconds }
}
