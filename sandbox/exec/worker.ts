/** Run thread: receives a compiled module and a request, runs it, posts the result back. One job at a time. */
import { parentPort } from 'node:worker_threads'
import { finish } from './outcome.js'
import { runComponentJob } from './component/run.js'
import { runJob, type JobRequest } from './job.js'
import type { JobProgram } from './program.js'

export interface JobMessage { program: JobProgram, request: JobRequest }

if (parentPort == null) throw new Error('sandbox/exec/worker.ts must run as a worker thread')
const port = parentPort

port.on('message', (msg: JobMessage) => {
  const started = performance.now()
  let result
  try {
    result = msg.program.kind === 'module' ? runJob(msg.program.module, msg.request) : runComponentJob(msg.program, msg.request)
  } catch (err) {
    result = finish({ status: 'host_error', message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) })
  }
  result.wall_ms = performance.now() - started
  port.postMessage({ reply: result }, [result.stdout.buffer as ArrayBuffer, result.stderr.buffer as ArrayBuffer].filter((b, i, all) => all.indexOf(b) === i))
})
port.postMessage({ ready: true })
