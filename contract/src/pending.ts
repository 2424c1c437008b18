// Requests still waiting for a result, pageable for get_pending_requests.
import { IndexedSet } from "../sdk";

/** A function, not a global: globals built at load time would need a wasm start function. */
export function pendingRequests(): IndexedSet {
  return new IndexedSet("pq");
}
