import assert from 'node:assert/strict'
import { createServer, get, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { addressClass, AddressRefusedError, checkHost, checkUrl, pinnedLookup, type AddressClass, type AddressRefusedCode } from '../../net/index.js'

async function refused (code: AddressRefusedCode, p: Promise<unknown>, what: string): Promise<AddressRefusedError> {
  const err = await p.then(() => undefined, (e: unknown) => e)
  assert.ok(err instanceof AddressRefusedError, `${what}: expected AddressRefusedError ${code}, got ${String(err)}`)
  assert.equal(err.code, code, `${what}: ${err.message}`)
  return err
}

describe('sandbox/net address guard (SSRF)', () => {
  it('classifies every non-public range and passes public unicast', () => {
    const cases: Array<[string, AddressClass | undefined]> = [
      ['127.0.0.1', 'loopback'], ['127.255.0.9', 'loopback'], ['::1', 'loopback'],
      ['10.1.2.3', 'private'], ['172.16.0.1', 'private'], ['172.31.255.255', 'private'], ['192.168.1.1', 'private'],
      ['169.254.1.1', 'link-local'], ['fe80::1', 'link-local'],
      ['169.254.169.254', 'metadata'], ['fd00:ec2::254', 'metadata'],
      ['100.64.0.1', 'cgnat'], ['100.127.255.254', 'cgnat'],
      ['fc00::1', 'unique-local'], ['fd12:3456::1', 'unique-local'],
      ['0.0.0.0', 'unspecified'], ['0.1.2.3', 'unspecified'], ['::', 'unspecified'],
      ['::ffff:127.0.0.1', 'ipv4-embedded'], ['::ffff:8.8.8.8', 'ipv4-embedded'], ['64:ff9b::a00:1', 'ipv4-embedded'], ['2002:7f00:1::', 'ipv4-embedded'],
      ['224.0.0.1', 'multicast'], ['239.1.1.1', 'multicast'], ['ff02::1', 'multicast'],
      ['255.255.255.255', 'reserved'], ['192.0.2.1', 'reserved'], ['2001:db8::1', 'reserved'],
      ['8.8.8.8', undefined], ['1.1.1.1', undefined], ['172.32.0.1', undefined], ['100.128.0.1', undefined], ['2606:4700::1111', undefined]
    ]
    for (const [ip, cls] of cases) assert.equal(addressClass(ip), cls, ip)
    assert.throws(() => addressClass('localhost'), TypeError)
  })

  it('refuses private literals in every spelling the URL parser accepts, before any connect', async () => {
    for (const url of ['http://127.0.0.1:8080/x', 'http://2130706433/', 'http://0x7f.1/', 'https://[::1]/', 'http://[::ffff:127.0.0.1]/',
      'http://169.254.169.254/latest/meta-data/', 'http://[fd00:ec2::254]/', 'http://10.0.0.1/', 'http://100.64.1.1/', 'http://0.0.0.0:7700/',
      'git://192.168.0.1/repo', 'http://[fe80::1]/']) {
      await refused('PRIVATE_ADDRESS', checkUrl(url), url)
    }
  })

  it('refuses names that resolve to a private address, and a name with one private address among public ones', async () => {
    await refused('PRIVATE_ADDRESS', checkUrl('http://localhost:7700/status'), 'localhost')
    const mixed = async (): Promise<Array<{ address: string, family: 4 | 6 }>> => [{ address: '8.8.8.8', family: 4 }, { address: '10.0.0.5', family: 4 }]
    await refused('PRIVATE_ADDRESS', checkHost('mixed.example', { resolve: mixed }), 'mixed')
  })

  it('refuses what does not resolve, or not in time, and what is not an http, https or git URL', async () => {
    await refused('UNRESOLVABLE', checkHost('no-such-host.invalid'), '.invalid')
    const never = async (): Promise<never> => await new Promise<never>(() => {})
    await refused('UNRESOLVABLE', checkHost('slow.example', { resolve: never, resolveTimeoutMs: 50 }), 'slow')
    await refused('UNRESOLVABLE', checkHost('empty.example', { resolve: async () => [] }), 'empty')
    for (const url of ['file:///etc/passwd', 'ftp://8.8.8.8/', 'not a url', 'ext::sh -c id']) await refused('BAD_URL', checkUrl(url), url)
  })

  it('accepts public addresses with their port, and 127.0.0.1 only under the explicit test allowance', async () => {
    const c = await checkUrl('https://8.8.8.8/x')
    assert.deepEqual({ address: c.address, family: c.family, port: c.port }, { address: '8.8.8.8', family: 4, port: 443 })
    assert.equal((await checkUrl('git://[2606:4700::1111]/r')).port, 9418)
    assert.equal((await checkUrl('http://127.0.0.1:9/x', { testOnlyAllow: ['127.0.0.1'] })).address, '127.0.0.1')
    await refused('PRIVATE_ADDRESS', checkUrl('http://127.0.0.2:9/x', { testOnlyAllow: ['127.0.0.1'] }), 'allowance is exact')
  })

  describe('pinning (no DNS rebinding between check and connect)', () => {
    let server: Server
    let port: number
    before(async () => {
      server = createServer((_req, res) => res.end('pinned'))
      await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
      port = (server.address() as AddressInfo).port
    })
    after(async () => await new Promise<void>(resolve => server.close(() => resolve())))

    it('connects to the checked address without resolving the name again', async () => {
      // the first answer is checked; a rebinding resolver would answer differently next time, but is never asked
      let asked = 0
      const rebinding = async (): Promise<Array<{ address: string, family: 4 | 6 }>> => {
        asked++
        return [{ address: asked === 1 ? '127.0.0.1' : '169.254.169.254', family: 4 }]
      }
      const checked = await checkUrl(`http://rebind.test:${port}/`, { resolve: rebinding, testOnlyAllow: ['127.0.0.1'] })
      const body = await new Promise<string>((resolve, reject) => {
        get(checked.url, { lookup: pinnedLookup(checked) }, res => {
          let text = ''
          res.on('data', (c: Buffer) => { text += c.toString() })
          res.on('end', () => resolve(text))
        }).on('error', reject)
      })
      assert.equal(body, 'pinned')
      assert.equal(asked, 1, 'the name was resolved once, by the check')
    })

    it('a pinned lookup refuses any other name (a redirect target must be checked on its own)', async () => {
      const checked = await checkHost('127.0.0.1', { testOnlyAllow: ['127.0.0.1'] })
      const err = await new Promise<Error>(resolve => {
        get(`http://other.test:${port}/`, { lookup: pinnedLookup(checked) }, () => resolve(new Error('connected'))).on('error', resolve)
      })
      assert.equal(err.name, 'AddressRefusedError', err.message)
    })
  })
})
