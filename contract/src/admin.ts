// Initialisation and owner-only settings.
import { Obj, boolean, currentAccount, fail, obj, optBool, predecessor, requireAccountId, str } from "../sdk";
import { args, argsOf } from "./args";
import { Config, Pricing, isInitialized, saveConfig } from "./config";
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
  if (a.has("config")) c.applySettings(obj(a, "config"), "new.config");
  if (a.has("pricing")) c.pricing = Pricing.fromArgs(obj(a, "pricing"), "new.pricing");
  c.allowLocalSources = optBool(a, "allow_local_sources", false);
  saveConfig(c);
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

export function set_paused(): void {
  const c = requireOwner();
  c.paused = boolean(argsOf("set_paused", ["paused"]), "paused");
  saveConfig(c);
}

export function set_pricing(): void {
  const c = requireOwner();
  c.pricing = Pricing.fromArgs(args(), "set_pricing");
  saveConfig(c);
}

export function set_config(): void {
  const c = requireOwner();
  c.applySettings(args(), "set_config");
  saveConfig(c);
}
