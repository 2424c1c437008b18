// Initialisation and owner-only settings.
import { Obj, boolean, currentAccount, fail, obj, optBool, predecessor, requireAccountId, str } from "../sdk";
import { argsOf } from "./args";
import { Config, Pricing, SETTINGS, isInitialized, loadConfig, saveConfig } from "./config";
import { emit } from "./events";
import { requireOwner } from "./guards";

/**
 * `new{owner_id, operator_id?, config?, pricing?, allow_local_sources?}`: only the contract account itself, only
 * once (deploy + init in one batch). `allow_local_sources` (localnet only) can never be changed afterwards.
 */
export function new_(): void {
  if (predecessor() != currentAccount()) fail("new may only be called by the contract account itself");
  if (isInitialized()) fail("the contract is already initialized");
  const a = argsOf("new", ["owner_id", "operator_id", "config", "pricing", "allow_local_sources"]);
  const c = new Config();
  c.ownerId = requireAccountId(str(a, "owner_id"), "owner_id");
  c.operatorId = a.has("operator_id") ? requireAccountId(str(a, "operator_id"), "operator_id") : currentAccount();
  if (a.has("config")) c.applySettings(obj(a, "config"), "new.config", true);
  if (c.networkId.length == 0) c.networkId = networkOf(currentAccount());
  if (a.has("pricing")) c.pricing = Pricing.fromArgs(obj(a, "pricing"), "new.pricing");
  c.allowLocalSources = optBool(a, "allow_local_sources", false);
  saveConfig(c);
}

/** The network a contract id lives on, unless `new` names it (localnets name theirs). */
function networkOf(contractId: string): string {
  if (contractId.endsWith(".testnet")) return "testnet";
  if (contractId.endsWith(".near")) return "mainnet";
  return "localnet";
}

export function set_owner(): void {
  const c = requireOwner();
  c.ownerId = requireAccountId(str(argsOf("set_owner", ["owner_id"]), "owner_id"), "owner_id");
  saveConfig(c);
  emit("owner_changed", new Obj().str("owner_id", c.ownerId).done());
}

export function set_operator(): void {
  const c = requireOwner();
  c.operatorId = requireAccountId(str(argsOf("set_operator", ["operator_id"]), "operator_id"), "operator_id");
  saveConfig(c);
  emit("operator_changed", new Obj().str("operator_id", c.operatorId).done());
}

/** The owner or the operator: pausing is all the operator can do (it cannot resolve or move funds). */
export function set_paused(): void {
  const c = loadConfig();
  const caller = predecessor();
  if (caller != c.ownerId && caller != c.operatorId) fail("only the owner or the operator may pause");
  c.paused = boolean(argsOf("set_paused", ["paused"]), "paused");
  saveConfig(c);
}

export function set_pricing(): void {
  const c = requireOwner();
  c.pricing = Pricing.fromArgs(argsOf("set_pricing", ["base_fee", "per_million_instructions_fee", "compile_fee", "resolve_fee"]), "set_pricing");
  saveConfig(c);
}

export function set_config(): void {
  const c = requireOwner();
  c.applySettings(argsOf("set_config", SETTINGS), "set_config");
  saveConfig(c);
}
