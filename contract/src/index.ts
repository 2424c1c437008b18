// The outlayer contract's methods. Every export here is a NEAR method (no arguments: input comes from the host).
export { new_ as new, set_owner, set_operator, set_paused, set_pricing, set_config } from "./admin";
export { request_execution } from "./execution";
export { register_worker, unregister_worker, withdraw_bond, get_worker, list_workers } from "./workers";
export { commit_result, get_assignment } from "./assignment";
export { resolve_execution } from "./resolve";
export { commit_results, resolve_executions } from "./batch";
export { reveal_result } from "./reveal";
export { settle_unreachable } from "./unreachable";
export { submit_execution_output } from "./blobs";
export { report_equivocation } from "./equivocation";
export { on_execution_response } from "./callback";
export { cancel_stale_execution, emergency_cancel_execution } from "./cancel";
export { get_request, get_pending_requests, get_pricing, get_config, estimate_execution_cost, get_max_limits, get_stats } from "./views";
export { get_attestation_digest } from "./attestation";
export { create_project, add_version, set_active_version, get_project, get_version, list_versions } from "./projects";
export { store_secrets, delete_secrets, get_secrets } from "./secrets";
export { set_keystore_group, rotate_keystore_group, get_keystore_group } from "./keystore";
export { get_release_view } from "./release-view";
