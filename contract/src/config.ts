// Contract configuration (roles, pricing, worker economics), stored as one JSON value under "config".
import { JValue, Obj, U128, fail, onlyKeys, optBool, optU64, parseJson, read, u128Field, utf8, write, str, u64Field } from "../sdk";
import { DEFAULT_STALE_SECONDS, MAX_COMMIT_WINDOW_BLOCKS, MAX_INSTRUCTIONS } from "./constants";

const KEY = "config";
/** 1e18 yocto: amounts above u64 are built as a multiple of it */
const E18: u64 = 1_000_000_000_000_000_000;
const NEAR: U128 = U128.from(E18).mul(1_000_000);

/** nearcore resumes an unanswered yield after 200 blocks: no lease or slashable window outlives it. */
const YIELD_TIMEOUT_BLOCKS: u64 = 200;

// Bounds of the settings (contract/README.md, Settings, says why each holds).
/** both commit windows (2 × this) end before the yield timeout, leaving blocks to resolve (constants.ts) */
export const MIN_COMMIT_WINDOW_BLOCKS: u64 = 1;
/** 0: a missed commit costs nothing (backups fill the slot); at most half a bond for one missed commit */
export const MIN_WITHHOLD_SHARE_BPS: u64 = 0;
export const MAX_WITHHOLD_SHARE_BPS: u64 = 5000;
/** two signed results of one request are proof of cheating: at least a tenth, up to the whole bond */
export const MIN_EQUIVOCATION_SHARE_BPS: u64 = 1000;
export const MAX_EQUIVOCATION_SHARE_BPS: u64 = 10_000;
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
  /** 0.001 NEAR and 1e14 per million instructions (OutLayer's), 0.01 NEAR per build, 0.003 NEAR to the resolver */
  baseFee: U128 = U128.from(E18).mul(1000);
  perMillionInstructions: U128 = U128.from(100_000_000_000_000);
  /** fixed per request whose source is built (GitHub, or a Project version built from GitHub): no build time is attested */
  compileFee: U128 = U128.from(E18).mul(10_000);
  /** paid to whoever calls resolve_execution successfully: it pays that transaction's gas */
  resolveFee: U128 = U128.from(E18).mul(3000);

  toJson(): string {
    return new Obj()
      .amount("base_fee", this.baseFee)
      .amount("per_million_instructions_fee", this.perMillionInstructions)
      .amount("compile_fee", this.compileFee)
      .amount("resolve_fee", this.resolveFee)
      .done();
  }

  static fromJson(v: JValue): Pricing {
    const p = new Pricing();
    p.baseFee = u128Field(v, "base_fee");
    p.perMillionInstructions = u128Field(v, "per_million_instructions_fee");
    p.compileFee = u128Field(v, "compile_fee");
    p.resolveFee = u128Field(v, "resolve_fee");
    return p;
  }

  /** set_pricing's and new's argument: the four fees, nothing else, each within its bound. */
  static fromArgs(v: JValue, what: string): Pricing {
    onlyKeys(v, ["base_fee", "per_million_instructions_fee", "compile_fee", "resolve_fee"], what);
    const p = Pricing.fromJson(v);
    const cap = feeCeiling();
    boundedAmount(p.baseFee, cap, "base_fee");
    boundedAmount(p.perMillionInstructions, cap.div(MAX_INSTRUCTIONS / 1_000_000), "per_million_instructions_fee");
    boundedAmount(p.compileFee, cap, "compile_fee");
    boundedAmount(p.resolveFee, cap, "resolve_fee");
    return p;
  }
}

/** the settings set_config (and new's `config`) may change */
export const SETTINGS = [
  "commit_window_blocks", "withhold_share_bps", "equivocation_share_bps", "min_bond", "slash_share_bps",
  "bond_cooldown_blocks", "stale_seconds"
];
/** new's `config` also names the network bound into every digest; set_config never changes it */
const NEW_SETTINGS = SETTINGS.concat(["network_id"]);
export const MAX_NETWORK_ID: i32 = 32;

/** 1..32 of [a-z0-9-_.]: the id is hashed into every digest, and nodes compare it byte for byte. */
export function requireNetworkId(id: string): string {
  if (id.length < 1 || id.length > MAX_NETWORK_ID) fail("network_id must be 1.." + MAX_NETWORK_ID.toString() + " characters");
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c == 0x2d || c == 0x5f || c == 0x2e;
    if (!ok) fail("network_id may hold only a-z, 0-9, '-', '_' and '.'");
  }
  return id;
}

export class Config {
  ownerId: string = "";
  operatorId: string = "";
  paused: bool = false;
  pricing: Pricing = new Pricing();
  /** bound into every digest (protocol/README.md): fixed at `new`, never changed */
  networkId: string = "";
  /** blocks after the request during which a primary owns its slot; backups may commit for as long again */
  commitWindowBlocks: u64 = 30;
  /** share of the bond an assigned primary loses for not committing (to the payer), basis points */
  withholdShareBps: u64 = 500;
  /** share of the bond a worker loses for signing two results of one request (kept by the contract), basis points */
  equivocationShareBps: u64 = 5000;
  /** minimum bond to register a worker: 1 NEAR */
  minBond: U128 = U128.from(E18).mul(1_000_000);
  /** share of a disagreeing worker's bond that goes to the agreeing workers, in basis points */
  slashShareBps: u64 = 1000;
  /** blocks between unregister_worker and withdraw_bond: longer than a request can stay open (yield timeout) */
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
      .str("network_id", this.networkId)
      .num("commit_window_blocks", this.commitWindowBlocks)
      .num("withhold_share_bps", this.withholdShareBps)
      .num("equivocation_share_bps", this.equivocationShareBps)
      .amount("min_bond", this.minBond)
      .num("slash_share_bps", this.slashShareBps)
      .num("bond_cooldown_blocks", this.bondCooldownBlocks)
      .num("stale_seconds", this.staleSeconds)
      .bool("allow_local_sources", this.allowLocalSources)
      .done();
  }

  /** Applies the settable fields present in `v` (set_config: SETTINGS; `new`: also network_id), each within its bounds. */
  applySettings(v: JValue, what: string, atNew: bool = false): void {
    onlyKeys(v, atNew ? NEW_SETTINGS : SETTINGS, what);
    this.commitWindowBlocks = bounded(optU64(v, "commit_window_blocks", this.commitWindowBlocks), MIN_COMMIT_WINDOW_BLOCKS, MAX_COMMIT_WINDOW_BLOCKS, "commit_window_blocks");
    this.withholdShareBps = bounded(optU64(v, "withhold_share_bps", this.withholdShareBps), MIN_WITHHOLD_SHARE_BPS, MAX_WITHHOLD_SHARE_BPS, "withhold_share_bps");
    this.equivocationShareBps = bounded(optU64(v, "equivocation_share_bps", this.equivocationShareBps), MIN_EQUIVOCATION_SHARE_BPS, MAX_EQUIVOCATION_SHARE_BPS, "equivocation_share_bps");
    if (v.has("min_bond")) {
      this.minBond = u128Field(v, "min_bond");
      if (this.minBond.lt(minBondFloor()) || minBondCeiling().lt(this.minBond)) fail("min_bond must be " + minBondFloor().toString() + ".." + minBondCeiling().toString() + " yocto");
    }
    this.slashShareBps = bounded(optU64(v, "slash_share_bps", this.slashShareBps), MIN_SLASH_SHARE_BPS, MAX_SLASH_SHARE_BPS, "slash_share_bps");
    this.bondCooldownBlocks = bounded(optU64(v, "bond_cooldown_blocks", this.bondCooldownBlocks), MIN_COOLDOWN_BLOCKS, MAX_COOLDOWN_BLOCKS, "bond_cooldown_blocks");
    this.staleSeconds = bounded(optU64(v, "stale_seconds", this.staleSeconds), MIN_STALE_SECONDS, MAX_STALE_SECONDS, "stale_seconds");
    if (atNew && v.has("network_id")) this.networkId = requireNetworkId(str(v, "network_id"));
  }

  static fromJson(v: JValue): Config {
    const c = new Config();
    c.ownerId = str(v, "owner_id");
    c.operatorId = str(v, "operator_id");
    c.paused = optBool(v, "paused", false);
    c.pricing = Pricing.fromJson(v.get("pricing")!);
    c.networkId = str(v, "network_id");
    c.commitWindowBlocks = u64Field(v, "commit_window_blocks");
    c.withholdShareBps = u64Field(v, "withhold_share_bps");
    c.equivocationShareBps = u64Field(v, "equivocation_share_bps");
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
