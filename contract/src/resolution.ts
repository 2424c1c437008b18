// What resolve_execution decided, kept until the callback pays for it.
import { JValue, Obj, boolean, jsonArray, parseJson, quote, read, remove, str, u64Field, utf8, write } from "../sdk";

export class Resolution {
  success: bool = false;
  error: string = "";
  /** charged: the winning (or median) attested count, capped by max_instructions */
  instructions: u64 = 0;
  workers: string[] = [];
  /** who called resolve_execution: it earns the resolve fee */
  resolverId: string = "";
  codeHash: string = "";
  /** the blob holding the output for the callback, "" when the payload carries it */
  outputHash: string = "";

  usedJson(): string {
    return new Obj().num("instructions", this.instructions).done();
  }

  toJson(): string {
    const ids = new Array<string>(this.workers.length);
    for (let i = 0; i < this.workers.length; i++) ids[i] = quote(this.workers[i]);
    return new Obj().bool("success", this.success).str("error", this.error)
      .raw("resources_used", this.usedJson())
      .raw("workers", jsonArray(ids)).str("resolver_id", this.resolverId).str("code_hash", this.codeHash)
      .str("output_hash", this.outputHash).done();
  }

  static fromJson(v: JValue): Resolution {
    const r = new Resolution();
    r.success = boolean(v, "success");
    r.error = str(v, "error");
    r.instructions = u64Field(v.get("resources_used")!, "instructions");
    const ids = v.get("workers")!.items;
    for (let i = 0; i < ids.length; i++) r.workers.push(ids[i].text);
    r.resolverId = str(v, "resolver_id");
    r.codeHash = str(v, "code_hash");
    r.outputHash = str(v, "output_hash");
    return r;
  }
}

function key(id: u64): string { return "res:" + id.toString(); }

export function saveResolution(id: u64, r: Resolution): void {
  write(key(id), r.toJson());
}

export function findResolution(id: u64): Resolution | null {
  const text = read(key(id));
  return text == null ? null : Resolution.fromJson(parseJson(utf8(text!)));
}

export function resolutionJson(id: u64): string {
  const text = read(key(id));
  return text == null ? "null" : text!;
}

export function dropResolution(id: u64): void {
  remove(key(id));
}
