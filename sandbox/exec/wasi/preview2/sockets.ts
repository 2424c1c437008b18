/** wasi:sockets refused: the network handle exists, every socket or lookup it could make is access-denied. */
class Network {}
class TcpSocket {}
class UdpSocket {}
class IncomingDatagramStream {}
class OutgoingDatagramStream {}
class ResolveAddressStream {}

const denied = (): never => { throw 'access-denied' } // eslint-disable-line @typescript-eslint/only-throw-error

export function socketInterfaces (): Record<string, object> {
  const network = new Network()
  return {
    'wasi:sockets/instance-network': { instanceNetwork: () => network },
    'wasi:sockets/network': { Network },
    'wasi:sockets/tcp-create-socket': { createTcpSocket: denied },
    'wasi:sockets/udp-create-socket': { createUdpSocket: denied },
    'wasi:sockets/tcp': { TcpSocket },
    'wasi:sockets/udp': { UdpSocket, IncomingDatagramStream, OutgoingDatagramStream },
    'wasi:sockets/ip-name-lookup': { ResolveAddressStream, resolveAddresses: denied }
  }
}
