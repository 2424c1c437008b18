import { strict as assert } from 'node:assert'
import type { AssignmentView } from '../../chain/index.js'
import { phaseClosedAt } from '../../roles/resolver/resolver.js'

const assignment = (blocks: number[], r = 3): AssignmentView => ({
  assigned: Array.from({ length: r }, (_, i) => `w${i}.test.near`),
  backups: [],
  commit_deadline: 130,
  close_at: 160,
  commits: blocks.map((block, slot) => ({ worker_id: `w${slot}.test.near`, slot, commit: '00'.repeat(32), block })),
  phase: 'revealing'
})

describe('resolver grace: counted from the block the commit phase closed', () => {
  it('is the block of the last of R commits when all R committed', () => {
    assert.equal(phaseClosedAt(assignment([101, 104, 102]), 150), 104)
  })
  it('is the first block past close_at when fewer than R committed', () => {
    assert.equal(phaseClosedAt(assignment([101, 104]), 170), 161)
  })
  it('falls back to this node\'s height when the view carries no commit blocks', () => {
    assert.equal(phaseClosedAt(assignment([0, 0, 0]), 150), 150)
  })
})
