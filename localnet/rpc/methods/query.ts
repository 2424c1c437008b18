/** `query`: account, access keys, view calls, state and code, at a finality or block id. */
import type { RpcMethod } from '../context.js'
import { invalidParams } from '../errors.js'
import { asObject, base64Field, blockRef, stringField } from '../params.js'

export const query: RpcMethod = (params, { chain }) => {
  if (Array.isArray(params)) throw invalidParams('the legacy path form of `query` is not supported; send { request_type, ... }')
  const p = asObject(params)
  const ref = blockRef(p, chain)
  const requestType = stringField(p, 'request_type')
  switch (requestType) {
    case 'view_account':
      return chain.viewAccount(stringField(p, 'account_id'), ref)
    case 'view_access_key':
      return chain.viewAccessKey(stringField(p, 'account_id'), stringField(p, 'public_key'), ref)
    case 'view_access_key_list':
      return chain.viewAccessKeyList(stringField(p, 'account_id'), ref)
    case 'call_function': {
      const result = chain.callView(stringField(p, 'account_id'), stringField(p, 'method_name'), base64Field(p, 'args_base64', { optional: true }), ref)
      // nearcore writes the returned bytes as a JSON array of numbers
      return { ...result, result: Array.from(result.result) }
    }
    case 'view_state':
      return chain.viewState(stringField(p, 'account_id'), base64Field(p, 'prefix_base64', { optional: true }), ref)
    case 'view_code':
      return chain.viewCode(stringField(p, 'account_id'), ref)
    default:
      throw invalidParams(`unknown variant \`${requestType}\` of \`request_type\``)
  }
}
