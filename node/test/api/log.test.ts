/** node/log.ts: JSON lines, levels from OUTLAYER_LOG_LEVEL, child loggers per module. */
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { createLogger, levelFromEnv } from '../../log.js'

function capture (): { stream: Writable, lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = []
  const stream = new Writable({ write (chunk, _enc, done) { chunks.push(String(chunk)); done() } })
  return { stream, lines: () => chunks.join('').split('\n').filter(l => l !== '').map(l => JSON.parse(l) as Record<string, unknown>) }
}

describe('node/log', () => {
  it('writes one JSON object per line with name, module and context', () => {
    const out = capture()
    const log = createLogger('outlayer:n1', { level: 'info', base: { node: 'n1' }, destination: out.stream })
    log.child({ module: 'worker' }).info({ requestId: '7' }, 'claimed')
    log.debug({}, 'hidden at info')
    const [line, ...rest] = out.lines()
    assert.equal(rest.length, 0, 'debug is below info')
    assert.equal(line?.name, 'outlayer:n1')
    assert.equal(line?.module, 'worker')
    assert.equal(line?.node, 'n1')
    assert.equal(line?.requestId, '7')
    assert.equal(line?.msg, 'claimed')
    assert.equal(line?.level, 30)
  })

  it('reads the level from OUTLAYER_LOG_LEVEL and falls back to info for an unknown one', () => {
    assert.deepEqual(levelFromEnv({}), { level: 'info' })
    assert.deepEqual(levelFromEnv({ OUTLAYER_LOG_LEVEL: 'DEBUG' }), { level: 'debug' })
    assert.deepEqual(levelFromEnv({ OUTLAYER_LOG_LEVEL: 'silent' }), { level: 'silent' })
    assert.deepEqual(levelFromEnv({ OUTLAYER_LOG_LEVEL: 'chatty' }), { level: 'info', unknown: 'chatty' })
  })

  it('serialises errors with their message and stack', () => {
    const out = capture()
    createLogger('t', { level: 'info', destination: out.stream }).warn({ err: new Error('boom') }, 'failed')
    const err = out.lines()[0]?.err as { message?: string, stack?: string }
    assert.equal(err.message, 'boom')
    assert.match(err.stack ?? '', /Error: boom/)
  })
})
