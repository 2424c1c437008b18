/** A NodeStatus the API tests serve, and a mutable holder so a test can change what the node reports. */
import type { NodeStatus } from '../../api/types.js'

export function sampleStatus (overrides: Partial<NodeStatus> = {}): NodeStatus {
  return {
    peerId: '12D3KooWSamplePeer',
    network: 'localnet',
    roles: ['worker', 'resolver'],
    accountId: 'worker0.test.near',
    contractId: 'outlayer.test.near',
    listenAddrs: ['/ip4/127.0.0.1/tcp/40001'],
    peers: [{ peerId: '12D3KooWOtherPeerA', addr: '/ip4/127.0.0.1/tcp/40002' }, { peerId: '12D3KooWOtherPeerB' }],
    chain: { height: 1234, updatedAtMs: Date.now() },
    leases: [{ requestId: '7', expiresAtBlock: 1250 }],
    jobs: [
      { requestId: '7', state: 'claimed', source: 'github.com/o/r@abc123', updatedAtMs: Date.now() },
      { requestId: '6', state: 'resolved', updatedAtMs: Date.now() - 5000 }
    ],
    ...overrides
  }
}
