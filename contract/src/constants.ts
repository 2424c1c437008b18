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
