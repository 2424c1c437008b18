/**
 * Plaintext connection "encryption" for scale mode: each side sends its public key (protobuf, length-prefixed)
 * and the connection continues unencrypted. It authenticates nothing (a peer can claim any key), which is fine
 * inside one simulated process and is why it is never used outside sim/. Saves the noise handshake and the
 * ChaCha20 of every byte, which is most of the CPU of 1,000 nodes on one machine.
 */
import { publicKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { serviceCapabilities, type ConnectionEncrypter, type MessageStream, type PrivateKey, type SecureConnectionOptions, type SecuredConnection } from '@libp2p/interface'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import { SimError } from '../errors.js'

export const PLAINTEXT_PROTOCOL = '/plaintext/2.0.0'

class Plaintext implements ConnectionEncrypter {
  readonly protocol = PLAINTEXT_PROTOCOL
  readonly [Symbol.toStringTag] = '@outlayer/sim-plaintext'
  readonly [serviceCapabilities] = ['@libp2p/connection-encryption']

  constructor (private readonly components: { privateKey: PrivateKey }) {}

  async secureOutbound (connection: MessageStream, options?: SecureConnectionOptions): Promise<SecuredConnection> {
    return await this.exchange(connection, options)
  }

  async secureInbound (connection: MessageStream, options?: SecureConnectionOptions): Promise<SecuredConnection> {
    return await this.exchange(connection, options)
  }

  private async exchange (connection: MessageStream, options?: SecureConnectionOptions): Promise<SecuredConnection> {
    const lp = lpStream(connection, { maxDataLength: 1024 })
    const [, remote] = await Promise.all([
      lp.write(publicKeyToProtobuf(this.components.privateKey.publicKey), options),
      lp.read(options)
    ])
    const remotePeer = peerIdFromPublicKey(publicKeyFromProtobuf(remote.subarray()))
    if (options?.remotePeer != null && !options.remotePeer.equals(remotePeer)) {
      throw new SimError('WRONG_PEER', `expected peer ${options.remotePeer.toString()}, got ${remotePeer.toString()}`)
    }
    return { connection: lp.unwrap(), remotePeer }
  }
}

export function plaintext (): (components: { privateKey: PrivateKey }) => ConnectionEncrypter {
  return (components) => new Plaintext(components)
}
