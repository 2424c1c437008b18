// Input caps of every method, in one place: the JSON reader's caps for arguments and the longest string each
// field takes. They bound every method's gas (contract/README.md, Gas); a refusal names the cap it hit.
import { JsonLimits, fail } from "../sdk";

/** nearcore's max_transaction_size is 1.5 MiB; a cross-contract call's arguments are capped here to the same. */
export const MAX_ARGS_BYTES: i32 = 1536 * 1024;
/** as written in the arguments (escapes count): a 256 KiB output in base64 is 349 528 characters */
export const MAX_ARG_STRING_BYTES: i32 = 384 * 1024;
/** input_data, decoded: get_request returns it inline, quoted, in well under 300 Tgas (contract/README.md, Gas) */
export const MAX_INPUT_BYTES: i32 = 256 * 1024;
/** get_pending_requests returns at most this many (node/chain/watcher.ts pages by 50): each may carry a 10 KiB inline input */
export const MAX_PENDING_PAGE: u64 = 50;
/**
 * settle_unreachable reads an inline output only to tell a median candidate (a number, at most 64 bytes) from a
 * non-number; past this, the reveal names its output by output_hash (counted as a possible candidate). Without the
 * cap seven inline 150 KiB outputs cost 275 Tgas, too close to 300 for a method that must always fit.
 */
export const MAX_SETTLE_INLINE_OUTPUT: i32 = 1024;
/**
 * per_field reads every candidate's output (src/per-field.ts): one bigger than this is no candidate. It is also
 * settle_unreachable's inline cap, so every output that rule can judge is judged the same way in both methods.
 */
export const MAX_PER_FIELD_OUTPUT: i32 = MAX_SETTLE_INLINE_OUTPUT;
/** access conditions nest 8 deep, each level three JSON containers: 32 leaves them room. */
export const MAX_ARG_DEPTH: i32 = 32;
/** params is the only open object; no method takes more keys than this. */
export const MAX_ARG_KEYS: i32 = 256;
/** the longest array a method takes is a Whitelist (100 accounts) */
export const MAX_ARG_ITEMS: i32 = 256;

/**
 * Batches (batch.ts) are bound by nearcore's 16 KiB of logs per receipt before gas: each commit logs at most
 * ~330 bytes (result_committed or batch_item_skipped with 64-character ids), each resolve at most ~2 KB
 * (execution_resolved with 7 workers and an error of MAX_BATCH_ERROR_BYTES, plus 3 slashing events).
 */
export const MAX_BATCH_COMMITS: i32 = 32;
export const MAX_BATCH_RESOLVES: i32 = 8;
/** a batch's arguments: 8 resolves of 7 reveals, each with its own response, take ~32 KiB */
export const MAX_BATCH_ARGS_BYTES: i32 = 64 * 1024;
/** an output a batched resolve returns (inline or stored): its UTF-8 check is linear, so bigger ones go one by one */
export const MAX_BATCH_OUTPUT_BYTES: i32 = 16 * 1024;
/** an attested error in a batched resolve, as its event writes it (quoted): it is logged once per item */
export const MAX_BATCH_ERROR_BYTES: i32 = 256;

export const ARGS_LIMITS = new JsonLimits(MAX_ARG_DEPTH, MAX_ARG_KEYS, MAX_ARG_ITEMS, MAX_ARG_STRING_BYTES, MAX_ARGS_BYTES);

/** NEAR account ids are 2..64 characters (sdk/account.ts checks them). */
export const MAX_ACCOUNT_ID: i32 = 64;
export const MAX_URL: i32 = 2048;
export const MAX_REPO: i32 = 256;
export const MAX_COMMIT: i32 = 64;
export const MAX_PROFILE: i32 = 64;
export const MAX_BRANCH: i32 = 256;
/** `<account>/<name>`: 64 + 1 + 64 */
export const MAX_PROJECT_ID: i32 = 129;
export const MAX_VERSION_KEY: i32 = 128;
/** params as the request stores it (stringified): OutLayer's params are a few flags; every view re-reads them */
export const MAX_PARAMS_BYTES: i32 = 1024;

/** `s` unless it is longer than `max` characters. */
export function capped(s: string, max: i32, what: string): string {
  if (s.length > max) fail(what + " must be at most " + max.toString() + " characters");
  return s;
}
