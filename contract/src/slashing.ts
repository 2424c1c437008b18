// Bond that honest behaviour keeps: a revealed result that lost, a slot left unanswered, two signed results.
import { Obj, U128, transfer } from "../sdk";
import { Assignment, idsJson } from "./assignment";
import { Config } from "./config";
import { emit } from "./events";
import { addAmount, bump } from "./stats";
import { Worker, findWorker, loadWorker, slashBonds } from "./workers";

/** Revealed dissenters lose slash_share; it is split equally among the agreeing workers (remainder to the first). */
export function slashDissenters(requestId: u64, disagreeing: string[], agreeing: string[], config: Config): void {
  const ws = new Array<Worker>(disagreeing.length);
  for (let i = 0; i < disagreeing.length; i++) {
    ws[i] = loadWorker(disagreeing[i]);
    ws[i].disagreed++;
  }
  const cuts = slashBonds(ws, config.slashShareBps, config.minBond);
  let pool = U128.zero();
  for (let i = 0; i < ws.length; i++) {
    pool = pool.add(cuts[i]);
    bump("disagreements");
    emit("worker_disagreed", new Obj().num("request_id", requestId).str("worker_id", ws[i].accountId).amount("slashed", cuts[i]).done());
  }
  if (pool.isZero()) return;
  addAmount("slashed", pool);
  const n = <u64>agreeing.length;
  const share = pool.div(n);
  for (let i = 0; i < agreeing.length; i++) transfer(agreeing[i], i == 0 ? pool.sub(share.mul(n - 1)) : share);
}

/** Slashes withhold_share of each listed worker with `reason`; returns the total cut. */
function withhold(requestId: u64, ids: string[], reasons: string[], config: Config): U128 {
  const ws = new Array<Worker>();
  const why = new Array<string>();
  for (let i = 0; i < ids.length; i++) {
    const w = findWorker(ids[i]);
    if (w == null) continue;
    ws.push(w!);
    why.push(reasons[i]);
  }
  const cuts = slashBonds(ws, config.withholdShareBps, config.minBond);
  let total = U128.zero();
  for (let i = 0; i < ws.length; i++) {
    total = total.add(cuts[i]);
    bump("withheld");
    emit("worker_withheld", new Obj().num("request_id", requestId).str("worker_id", ws[i].accountId).amount("slashed", cuts[i]).str("reason", why[i]).done());
  }
  return total;
}

/**
 * Primaries that never committed lose withhold_share (reason `no_commit`), paid to the request's payer (its result
 * was delayed). At a yield timeout so do committed workers that never revealed on chain (reason `no_reveal`): a
 * resolve may leave an honest reveal out, so only the timeout, where no resolve used any, punishes a missing reveal.
 * When nobody committed at all, nobody is slashed (`withholding_excused`): the requester's source may have served
 * no worker, which no worker can prove, and the payer would collect R slashes for it (contract/README.md).
 */
export function slashWithholders(asg: Assignment, payerId: string, config: Config, timedOut: bool): U128 {
  if (asg.commits.length == 0) {
    bump("withholding_excused");
    emit("withholding_excused", new Obj().num("request_id", asg.requestId).raw("assigned", idsJson(asg.assigned)).str("reason", "no_commits").done());
    return U128.zero();
  }
  const ids = asg.withholders();
  const reasons = new Array<string>();
  for (let i = 0; i < ids.length; i++) reasons.push("no_commit");
  if (timedOut) {
    const hidden = asg.unrevealed();
    for (let i = 0; i < hidden.length; i++) { ids.push(hidden[i]); reasons.push("no_reveal"); }
  }
  const total = withhold(asg.requestId, ids, reasons, config);
  if (!total.isZero()) {
    transfer(payerId, total);
    addAmount("slashed", total);
  }
  return total;
}
