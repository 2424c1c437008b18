// Bond that honest behaviour keeps: a revealed result that lost, a slot left unanswered, two signed results.
import { Obj, U128, transfer } from "../sdk";
import { Assignment } from "./assignment";
import { Config } from "./config";
import { emit } from "./events";
import { addAmount, bump } from "./stats";
import { findWorker, loadWorker, slashBond } from "./workers";

/** Revealed dissenters lose slash_share; it is split equally among the agreeing workers (remainder to the first). */
export function slashDissenters(requestId: u64, disagreeing: string[], agreeing: string[], config: Config): void {
  let pool = U128.zero();
  for (let i = 0; i < disagreeing.length; i++) {
    const w = loadWorker(disagreeing[i]);
    w.disagreed++;
    const cut = slashBond(w, config.slashShareBps, config.minBond);
    pool = pool.add(cut);
    bump("disagreements");
    emit("worker_disagreed", new Obj().num("request_id", requestId).str("worker_id", w.accountId).amount("slashed", cut).done());
  }
  if (pool.isZero()) return;
  addAmount("slashed", pool);
  const n = <u64>agreeing.length;
  const share = pool.div(n);
  for (let i = 0; i < agreeing.length; i++) transfer(agreeing[i], i == 0 ? pool.sub(share.mul(n - 1)) : share);
}

/** Primaries that never committed lose withhold_share, paid to the request's payer (its result was delayed). */
export function slashWithholders(asg: Assignment, payerId: string, config: Config): U128 {
  const withholders = asg.withholders();
  let total = U128.zero();
  for (let i = 0; i < withholders.length; i++) {
    const w = findWorker(withholders[i]);
    if (w == null) continue;
    const cut = slashBond(w!, config.withholdShareBps, config.minBond);
    total = total.add(cut);
    bump("withheld");
    emit("worker_withheld", new Obj().num("request_id", asg.requestId).str("worker_id", w!.accountId).amount("slashed", cut).done());
  }
  if (!total.isZero()) {
    transfer(payerId, total);
    addAmount("slashed", total);
  }
  return total;
}
