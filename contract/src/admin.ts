// Initialisation and owner-only settings.
import { Obj, boolean, currentAccount, fail, obj, optStr, predecessor, requireAccountId, str } from "../sdk";
import { args } from "./args";
import { Config, Pricing, isInitialized, loadConfig, saveConfig } from "./config";
import { emit } from "./events";
import { requireOwner } from "./guards";

/** `new{owner_id, operator_id?, config?, pricing?}`: only the contract account itself, only once (deploy + init in one batch). */
export function new_(): void {
  if (predecessor() != currentAccount()) fail("new may only be called by the contract account itself");
  if (isInitialized()) fail("the contract is already initialized");
  const a = args();
  const c = new Config();
  c.ownerId = requireAccountId(str(a, "owner_id"), "owner_id");
  c.operatorId = a.has("operator_id") ? requireAccountId(str(a, "operator_id"), "operator_id") : currentAccount();
  if (a.has("config")) c.applySettings(obj(a, "config"));
  c.networkId = a.has("config") ? optStr(obj(a, "config"), "network_id", networkOf(currentAccount())) : networkOf(currentAccount());
  if (a.has("pricing")) c.pricing = Pricing.fromJson(obj(a, "pricing"));
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
  c.ownerId = requireAccountId(str(args(), "owner_id"), "owner_id");
  saveConfig(c);
  emit("owner_changed", new Obj().str("owner_id", c.ownerId).done());
}

export function set_operator(): void {
  const c = requireOwner();
  c.operatorId = requireAccountId(str(args(), "operator_id"), "operator_id");
  saveConfig(c);
  emit("operator_changed", new Obj().str("operator_id", c.operatorId).done());
}

/** The owner or the operator: pausing is all the operator can do (it cannot resolve or move funds). */
export function set_paused(): void {
  const c = loadConfig();
  const caller = predecessor();
  if (caller != c.ownerId && caller != c.operatorId) fail("only the owner or the operator may pause");
  c.paused = boolean(args(), "paused");
  saveConfig(c);
}

export function set_pricing(): void {
  const c = requireOwner();
  c.pricing = Pricing.fromJson(args());
  saveConfig(c);
}

export function set_config(): void {
  const c = requireOwner();
  c.applySettings(args());
  saveConfig(c);
}
