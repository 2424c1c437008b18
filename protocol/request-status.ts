/**
 * Where a request stands on chain: the `status` field of the contract's `get_request` view
 * (contract/src/request.ts STATUS_*). `pending` is the only status in which a request waits for workers.
 */
export const REQUEST_STATUSES = ['pending', 'resolved', 'unreachable', 'completed', 'cancelled'] as const
export type RequestStatus = typeof REQUEST_STATUSES[number]

export function isRequestStatus (value: unknown): value is RequestStatus {
  return typeof value === 'string' && (REQUEST_STATUSES as readonly string[]).includes(value)
}
