// Contract configuration (roles, pricing, worker economics), stored as one JSON value under "config".
import { JValue, Obj, U128, fail, optBool, optU64, parseJson, read, require, u128Field, utf8, write, str, u64Field } from "../sdk";
import { DEFAULT_STALE_SECONDS } from "./constants";

const KEY = "config";
/** 1e18 yocto: amounts above u64 are built as a multiple of it */
const E18: u64 = 1_000_000_000_000_000_000;

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
}

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
      .done();
  }

  /** Applies the settable fields present in `v` (set_config and `new`). */
  applySettings(v: JValue): void {
    this.leaseBlocks = optU64(v, "lease_blocks", this.leaseBlocks);
    if (v.has("min_bond")) this.minBond = u128Field(v, "min_bond");
    this.slashShareBps = optU64(v, "slash_share_bps", this.slashShareBps);
    this.bondCooldownBlocks = optU64(v, "bond_cooldown_blocks", this.bondCooldownBlocks);
    this.staleSeconds = optU64(v, "stale_seconds", this.staleSeconds);
    require(this.leaseBlocks >= 1 && this.leaseBlocks <= 100_000, "lease_blocks must be 1..100000");
    require(this.slashShareBps <= 10_000, "slash_share_bps must be at most 10000");
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
