import { strict as assert } from 'node:assert'
import { resultHash, responseError } from '../../../protocol/index.js'
import { AdmissionError, ExecutorError, INSTRUMENTER_VERSION, PreparationError } from '../../../sandbox/exec/index.js'
import { ADMISSION_REFUSED_INSTRUMENTER, admissionRefusalOf } from '../../roles/worker/admission.js'

describe('roles/worker/admission', () => {
  it('an AdmissionError is one refusal per code: a trap with 0 fuel under the executor\'s version, the detail left out', () => {
    const a = admissionRefusalOf(new AdmissionError('too_complex', 'preparation cost 3000001 > 3000000 at function 99'))!
    const b = admissionRefusalOf(new AdmissionError('too_complex', 'another wording of the same verdict'))!
    assert.equal(a.result_hash, b.result_hash, 'replicas agree whatever the detail says')
    assert.deepEqual([a.status, a.trap, a.fuel_used, a.stdout.length, a.instrumenter_version], ['trap', 'admission:too_complex', 0n, 0, `admission-refused/${INSTRUMENTER_VERSION}`])
    assert.equal(ADMISSION_REFUSED_INSTRUMENTER, a.instrumenter_version)
    assert.equal(a.result_hash, resultHash({ ...a, status: 'trap' }))
    assert.equal(responseError({ status: 'trap', exit_code: null, trap: a.trap }), 'trap(admission:too_complex)')
    assert.notEqual(admissionRefusalOf(new AdmissionError('bad_manifest', 'x'))!.result_hash, a.result_hash)
  })

  it('local failures and other errors are not refusals: nothing to attest', () => {
    for (const err of [new PreparationError('PREPARE_TIMEOUT', 'past 1 ms'), new PreparationError('PREPARE_OUT_OF_MEMORY', 'heap'), new ExecutorError('BAD_OPTIONS', 'x'), Object.assign(new Error('refused'), { retryable: false }), 'a string']) {
      assert.equal(admissionRefusalOf(err), undefined, String(err))
    }
  })
})
