/** Network: peers, gossip health per topic, DHT build records with how many builders vouch, chain height and lag. */
import { api } from '../api.js'
import { h, mono, table } from '../dom.js'

interface Net {
  peer_id: string, listen_addrs: string[], peers: string[], peers_total: number
  topics: Array<{ topic: string, peers: number, received: number, accepted: number, refused: number }>
  dht: { routing_table: number, records_put: number, records_found: number, provides: number }
  builds: Array<{ build_key: string, repo: string, commit: string, wasm_hashes: Array<{ wasm_hash: string, builders: number }> }>
  chain: { height: number, indexed: number, lag: number }
}

export function networkPage (): HTMLElement {
  const out = h('div', null, 'loading…')
  api<Net>('/api/network?limit=100').then(n => {
    out.replaceChildren(
      h('div', { class: 'cards' },
        h('div', { class: 'card' }, 'chain height', h('b', null, `#${n.chain.height}`)),
        h('div', { class: 'card' }, 'indexed', h('b', null, `#${n.chain.indexed}`)),
        h('div', { class: 'card' }, 'lag', h('b', { id: 'lag' }, `${n.chain.lag} blocks`)),
        h('div', { class: 'card' }, 'peers', h('b', { id: 'peer-total' }, String(n.peers_total))),
        h('div', { class: 'card' }, 'DHT table', h('b', null, String(n.dht.routing_table)))),
      h('p', null, 'this node ', mono(n.peer_id)),
      h('h3', null, 'Gossip topics'),
      table(['topic', 'mesh peers', 'received', 'accepted', 'refused'], n.topics.map(t => [t.topic, String(t.peers), String(t.received), String(t.accepted), String(t.refused)])),
      h('h3', null, 'Peers'), table(['peer id'], n.peers.map(p => [mono(p)]), 'no peers connected'),
      h('h3', null, 'DHT build records'),
      table(['repo@commit', 'build key', 'wasm hash', 'builders vouching'], n.builds.flatMap(b => (b.wasm_hashes.length === 0 ? [{ wasm_hash: '(none found)', builders: 0 }] : b.wasm_hashes)
        .map(w => [mono(`${b.repo}@${b.commit.slice(0, 12)}`), mono(b.build_key.slice(0, 16) + '…'), mono(w.wasm_hash), String(w.builders)])), 'no GitHub sources seen yet')
    )
  }, (err: Error) => out.replaceChildren(h('p', { class: 'error' }, err.message)))
  return h('section', null, h('h2', null, 'Network'), out)
}
