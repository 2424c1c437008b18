// Contract configuration (roles, pricing, worker economics), stored as one JSON value under "config".
import { JValue, Obj, U128, fail, onlyKeys, optBool, optU64, parseJson, read, u128Field, utf8, write, str, u64Field } from "../sdk";
import { DEFAULT_STALE_SECONDS, MAX_COMPILATION_SECONDS, MAX_EXECUTION_SECONDS, MAX_INSTRUCTIONS } from "./constants";

const KEY = "config";
/** 1e18 yocto: amounts above u64 are built as a multiple of it */
const E18: u64 = 1_000_000_000_000_000_000;
const NEAR: U128 = U128.from(E18).mul(1_000_000);

/** nearcore resumes an unanswered yield after 200 blocks: no lease or slashable window outlives it. */
const YIELD_TIMEOUT_BLOCKS: u64 = 200;

// Bounds of the settings (contract/README.md, Settings, says why each holds).
export const MIN_LEASE_BLOCKS: u64 = 1;
export const MAX_LEASE_BLOCKS: u64 = YIELD_TIMEOUT_BLOCKS;
export const MIN_SLASH_SHARE_BPS: u64 = 100;
export const MAX_SLASH_SHARE_BPS: u64 = 5000;
export const MIN_COOLDOWN_BLOCKS: u64 = YIELD_TIMEOUT_BLOCKS;
export const MAX_COOLDOWN_BLOCKS: u64 = 1_000_000;
export const MIN_STALE_SECONDS: u64 = 1;
export const MAX_STALE_SECONDS: u64 = 7 * 24 * 3600;
/** 0.01 NEAR pays the ~1 KB a worker record may take; 100 000 NEAR */
export function minBondFloor(): U128 { return NEAR.div(100); }
export function minBondCeiling(): U128 { return NEAR.mul(100_000); }
/** each fee's term of the worst-case cost, at the largest limits, is at most 100 NEAR (so the sum never overflows) */
function feeCeiling(): U128 { return NEAR.mul(100); }

function bounded(v: u64, min: u64, max: u64, what: string): u64 {
  if (v < min || v > max) fail(what + " must be " + min.toString() + ".." + max.toString());
  return v;
}

function boundedAmount(v: U128, max: U128, what: string): U128 {
  if (max.lt(v)) fail(what + " must be at most " + max.toString());
  return v;
}

export class Pricing {
  /** OutLayer's defaults: 0.001 NEAR, 1e14 per million instructions, 1e20 per ms, 1e20 per compile ms */
  baseFee: U128 = U128.from(E18).mul(1000);
  perMillionInstructions: U128 = U128.from(100_000_000_000_000);
  perMs: U128 = U128.from(E18).mul(100);
  perCompileMs: U128 = U128.from(E18).mul(100);

  toJson(): string {
    return new Obj()
      .amount("base_fee", this.baseFee)
      .amount("per_million_instructions_fee", this.perMillionInstructions)
      .amount("per_ms_fee", this.perMs)
      .amount("per_compile_ms_fee", this.perCompileMs)
      .done();
  }

  static fromJson(v: JValue): Pricing {
    const p = new Pricing();
    p.baseFee = u128Field(v, "base_fee");
    p.perMillionInstructions = u128Field(v, "per_million_instructions_fee");
    p.perMs = u128Field(v, "per_ms_fee");
    p.perCompileMs = u128Field(v, "per_compile_ms_fee");
    return p;
  }

  /** set_pricing's and new's argument: the four fees, nothing else, each within its bound. */
  static fromArgs(v: JValue, what: string): Pricing {
    onlyKeys(v, ["base_fee", "per_million_instructions_fee", "per_ms_fee", "per_compile_ms_fee"], what);
    const p = Pricing.fromJson(v);
    const cap = feeCeiling();
    boundedAmount(p.baseFee, cap, "base_fee");
    boundedAmount(p.perMillionInstructions, cap.div(MAX_INSTRUCTIONS / 1_000_000), "per_million_instructions_fee");
    boundedAmount(p.perMs, cap.div(MAX_EXECUTION_SECONDS * 1000), "per_ms_fee");
    boundedAmount(p.perCompileMs, cap.div(MAX_COMPILATION_SECONDS * 1000), "per_compile_ms_fee");
    return p;
  }
}

/** the settings set_config (and new's `config`) may change */
const SETTINGS = ["lease_blocks", "min_bond", "slash_share_bps", "bond_cooldown_blocks", "stale_seconds"];

export class Config {
  ownerId: string = "";
  operatorId: string = "";
  paused: bool = false;
  pricing: Pricing = new Pricing();
  /** blocks a lease stays active */
  leaseBlocks: u64 = 60;
  /** minimum bond to register a worker: 1 NEAR */
  minBond: U128 = U128.from(E18).mul(1_000_000);
  /** share of a disagreeing worker's bond that goes to the agreeing workers, in basis points */
  slashShareBps: u64 = 1000;
  /** blocks between unregister_worker and withdraw_bond: longer than a lease plus the yield timeout */
  bondCooldownBlocks: u64 = 400;
  staleSeconds: u64 = DEFAULT_STALE_SECONDS;
  /** http://, file:// and private-address sources are accepted: set by `new` for a localnet only, never changed */
  allowLocalSources: bool = false;

  toJson(): string {
    return new Obj()
      .str("owner_id", this.ownerId)
      .str("operator_id", this.operatorId)
      .bool("paused", this.paused)
      .raw("pricing", this.pricing.toJson())
      .num("lease_blocks", this.leaseBlocks)
      .amount("min_bond", this.minBond)
      .num("slash_share_bps", this.slashShareBps)
      .num("bond_cooldown_blocks", this.bondCooldownBlocks)
      .num("stale_seconds", this.staleSeconds)
      .bool("allow_local_sources", this.allowLocalSources)
      .done();
  }

  /** Applies the settable fields present in `v` (set_config and `new`), each within its bounds. */
  applySettings(v: JValue, what: string): void {
    onlyKeys(v, SETTINGS, what);
    this.leaseBlocks = bounded(optU64(v, "lease_blocks", this.leaseBlocks), MIN_LEASE_BLOCKS, MAX_LEASE_BLOCKS, "lease_blocks");
    if (v.has("min_bond")) {
      this.minBond = u128Field(v, "min_bond");
      if (this.minBond.lt(minBondFloor()) || minBondCeiling().lt(this.minBond)) fail("min_bond must be " + minBondFloor().toString() + ".." + minBondCeiling().toString() + " yocto");
    }
    this.slashShareBps = bounded(optU64(v, "slash_share_bps", this.slashShareBps), MIN_SLASH_SHARE_BPS, MAX_SLASH_SHARE_BPS, "slash_share_bps");
    this.bondCooldownBlocks = bounded(optU64(v, "bond_cooldown_blocks", this.bondCooldownBlocks), MIN_COOLDOWN_BLOCKS, MAX_COOLDOWN_BLOCKS, "bond_cooldown_blocks");
    this.staleSeconds = bounded(optU64(v, "stale_seconds", this.staleSeconds), MIN_STALE_SECONDS, MAX_STALE_SECONDS, "stale_seconds");
  }

  static fromJson(v: JValue): Config {
    const c = new Config();
    c.ownerId = str(v, "owner_id");
    c.operatorId = str(v, "operator_id");
    c.paused = optBool(v, "paused", false);
    c.pricing = Pricing.fromJson(v.get("pricing")!);
    c.leaseBlocks = u64Field(v, "lease_blocks");
    c.minBond = u128Field(v, "min_bond");
    c.slashShareBps = u64Field(v, "slash_share_bps");
    c.bondCooldownBlocks = u64Field(v, "bond_cooldown_blocks");
    c.staleSeconds = optU64(v, "stale_seconds", DEFAULT_STALE_SECONDS);
    c.allowLocalSources = optBool(v, "allow_local_sources", false);
    return c;
  }
}

export function isInitialized(): bool {
  return read(KEY) != null;
}

export function loadConfig(): Config {
  const text = read(KEY);
  if (text == null) fail("the contract is not initialized: call `new` first");
  return Config.fromJson(parseJson(utf8(text!)));
}

export function saveConfig(c: Config): void {
  write(KEY, c.toJson());
}
