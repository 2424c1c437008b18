/** The dashboard's entry: a hash router over the six pages, a nav that wraps on a phone. */
import { h, mount } from './dom.js'
import { executionPage } from './pages/execution.js'
import { executionsPage } from './pages/executions.js'
import { networkPage } from './pages/network.js'
import { playgroundPage } from './pages/playground.js'
import { secretsPage } from './pages/secrets.js'
import { workersPage } from './pages/workers.js'

const NAV = [['executions', 'Executions'], ['workers', 'Workers'], ['network', 'Network'], ['secrets', 'Secrets'], ['playground', 'Playground']] as const

function render (): void {
  const [path = '', query = ''] = location.hash.replace(/^#\/?/, '').split('?')
  const [page = 'executions', arg] = path.split('/')
  const params = new URLSearchParams(query)
  const view = page === 'execution' && arg != null ? executionPage(arg)
    : page === 'workers' ? workersPage()
      : page === 'network' ? networkPage()
        : page === 'secrets' ? secretsPage()
          : page === 'playground' ? playgroundPage()
            : executionsPage(params)
  mount(document.body,
    h('header', null, h('h1', null, 'outlayer-mesh'),
      h('nav', null, NAV.map(([id, label]) => h('a', { href: `#/${id}`, class: page === id || (id === 'executions' && page === 'execution') ? 'active' : null }, label)),
        h('a', { href: '/node' }, 'Node'), h('a', { href: '/openapi.json' }, 'API'))),
    h('main', null, view))
}

window.addEventListener('hashchange', render)
render()
