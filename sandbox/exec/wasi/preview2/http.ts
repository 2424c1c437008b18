/**
 * wasi:http for components. Until the run has an HTTP policy (sandbox/exec/http/), every outgoing request is
 * refused with HTTP-request-denied; the resource classes exist because the glue names them.
 */
class Fields {}
class FutureIncomingResponse {}
class FutureTrailers {}
class IncomingBody {}
class IncomingRequest {}
class IncomingResponse {}
class OutgoingBody {}
class OutgoingRequest {}
class OutgoingResponse {}
class RequestOptions {}
class ResponseOutparam {}

const denied = (): never => { throw { tag: 'HTTP-request-denied' } } // eslint-disable-line @typescript-eslint/only-throw-error

export function httpInterfaces (): Record<string, object> {
  return {
    'wasi:http/types': {
      Fields, FutureIncomingResponse, FutureTrailers, IncomingBody, IncomingRequest, IncomingResponse,
      OutgoingBody, OutgoingRequest, OutgoingResponse, RequestOptions, ResponseOutparam,
      httpErrorCode: () => undefined
    },
    'wasi:http/outgoing-handler': { handle: denied }
  }
}
