// Protocol constants: OutLayer's caps and defaults (see protocol/request.ts LIMITS), event names, gas.
import { TGAS } from "../sdk";

export const EVENT_STANDARD = "near-outlayer";
export const EVENT_VERSION = "1.0.0";

/** OutLayer keeps the yield's data id in register 37; we do the same. */
export const DATA_ID_REGISTER: u64 = 37;
export const CALLBACK_METHOD = "on_execution_response";
export const CALLBACK_GAS: u64 = 50 * TGAS;
/** request_execution itself needs well under 20 Tgas (contract/README.md, Gas) */
export const MIN_REQUEST_GAS: u64 = CALLBACK_GAS + 20 * TGAS;

export const MAX_INSTRUCTIONS: u64 = 500_000_000_000;
export const MAX_EXECUTION_SECONDS: u64 = 180;
export const MAX_COMPILATION_SECONDS: u64 = 300;
export const MAX_MEMORY_MB: u64 = 1024;
export const DEFAULT_INSTRUCTIONS: u64 = 1_000_000_000;
export const DEFAULT_MEMORY_MB: u64 = 128;
export const DEFAULT_EXECUTION_SECONDS: u64 = 60;
export const MAX_REPLICAS: i32 = 7;

/** Inputs this large or larger stay in state: the event must fit nearcore's 16 KiB log line. */
export const INLINE_INPUT_BYTES: i32 = 10 * 1024;
/** The biggest output whose submit, resolve and callback each stay well inside 300 Tgas (contract/README.md, Gas). */
export const MAX_OUTPUT_BYTES: i32 = 256 * 1024;
/** Errors are short (`exit(3)`, `trap(...)`); a long one could overflow the callback's 16 KiB of logs. */
export const MAX_ERROR_BYTES: i32 = 1024;
/** nearcore's max_yield_payload_size: outputs that do not fit go into state and the resume carries a reference. */
export const MAX_YIELD_PAYLOAD: i32 = 1024;

/** nearcore's storage staking price, which OutLayer charges for projects and secrets (yocto per byte). */
export const STORAGE_PRICE_PER_BYTE: u64 = 10_000_000_000_000_000_000;
/** How long before the request's predecessor may cancel it and get everything back. */
export const DEFAULT_STALE_SECONDS: u64 = 600;

/** A request's two commit windows (2 × this) end before nearcore's 200-block yield timeout with 50 blocks to resolve. */
export const MAX_COMMIT_WINDOW_BLOCKS: u64 = 75;
/** Eligible workers the assignment draws from; a full pool admits a bigger bond by evicting the smallest (pool.ts). */
export const MAX_POOL: i32 = 128;
/** Uploaded output blobs one request may hold (each paid by its uploader, refunded when the request ends). */
export const MAX_BLOBS: i32 = 8;
/** What a finished request keeps forever (its receipt): charged to the payer at this size. */
export const RECEIPT_BYTES: u64 = 300;
/** State a request writes after request_execution (R commits, the resolution, slashes), locked from its deposit. */
export const COMMIT_ALLOWANCE_BYTES: u64 = 200;
export const RESOLUTION_ALLOWANCE_BYTES: u64 = 2048;
