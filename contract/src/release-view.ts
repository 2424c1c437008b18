// The keystore's one read per release (issue 12): the request, the worker record, the secrets record and the
// keystore group's version, all read in one view at one block. A keystore node checks a release request with
// this instead of four views (node/roles/keystore/checks.ts); each part is exactly what its own view answers.
import { Obj, blockHeight, field, requireAccountId, returnString, str, u64Of } from "../sdk";
import { argsOf } from "./args";
import { groupVersion } from "./keystore";
import { secretsText } from "./secrets";
import { requestText } from "./views";
import { workerText } from "./workers";

/**
 * `get_release_view{request_id, worker_id, owner, accessor, profile}` →
 * `{request, worker, secrets, keystore_version, block_height}` (request as get_pending_requests shows it, worker as get_worker,
 * secrets as get_secrets{owner, accessor, profile}, each null when absent).
 */
export function get_release_view(): void {
  const a = argsOf("get_release_view", ["request_id", "worker_id", "owner", "accessor", "profile"]);
  // the input is left out, as get_pending_requests does: no check reads it, and it may be 256 KiB
  const request = requestText(u64Of(field(a, "request_id"), "request_id"), false);
  const worker = workerText(requireAccountId(str(a, "worker_id"), "worker_id"));
  returnString(new Obj().raw("request", request).raw("worker", worker).raw("secrets", secretsText(a))
    .num("keystore_version", groupVersion()).num("block_height", blockHeight()).done());
}
