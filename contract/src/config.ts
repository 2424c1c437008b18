// Contract configuration (roles, pricing, worker economics), stored as one JSON value under "config".
import { JValue, Obj, U128, fail, optBool, optU64, parseJson, read, require, u128Field, utf8, write, str, u64Field } from "../sdk";
import { DEFAULT_STALE_SECONDS, MAX_COMMIT_WINDOW_BLOCKS } from "./constants";

const KEY = "config";
/** 1e18 yocto: amounts above u64 are built as a multiple of it */
const E18: u64 = 1_000_000_000_000_000_000;

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
      .done();
  }

  /** Applies the settable fields present in `v` (set_config and `new`). */
  applySettings(v: JValue): void {
    this.commitWindowBlocks = optU64(v, "commit_window_blocks", this.commitWindowBlocks);
    this.withholdShareBps = optU64(v, "withhold_share_bps", this.withholdShareBps);
    this.equivocationShareBps = optU64(v, "equivocation_share_bps", this.equivocationShareBps);
    if (v.has("min_bond")) this.minBond = u128Field(v, "min_bond");
    this.slashShareBps = optU64(v, "slash_share_bps", this.slashShareBps);
    this.bondCooldownBlocks = optU64(v, "bond_cooldown_blocks", this.bondCooldownBlocks);
    this.staleSeconds = optU64(v, "stale_seconds", this.staleSeconds);
    // both windows must end well before nearcore's 200-block yield timeout, leaving time to resolve
    require(this.commitWindowBlocks >= 1 && this.commitWindowBlocks <= MAX_COMMIT_WINDOW_BLOCKS, "commit_window_blocks must be 1.." + MAX_COMMIT_WINDOW_BLOCKS.toString());
    require(this.withholdShareBps <= 10_000, "withhold_share_bps must be at most 10000");
    require(this.equivocationShareBps <= 10_000, "equivocation_share_bps must be at most 10000");
    require(this.slashShareBps <= 10_000, "slash_share_bps must be at most 10000");
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
