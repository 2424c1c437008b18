// What resolve_execution decided, kept until the callback pays for it.
import { JValue, Obj, boolean, jsonArray, parseJson, quote, read, str, u64Field, utf8, write } from "../sdk";

export class Resolution {
  success: bool = false;
  error: string = "";
  instructions: u64 = 0;
  timeMs: u64 = 0;
  compileTimeMs: u64 = 0;
  workers: string[] = [];
  outputInState: bool = false;

  usedJson(): string {
    return new Obj().num("instructions", this.instructions).num("time_ms", this.timeMs)
      .num("compile_time_ms", this.compileTimeMs).done();
  }

  toJson(): string {
    const ids = new Array<string>(this.workers.length);
    for (let i = 0; i < this.workers.length; i++) ids[i] = quote(this.workers[i]);
    return new Obj().bool("success", this.success).str("error", this.error)
      .raw("resources_used", this.usedJson())
      .raw("workers", jsonArray(ids)).bool("output_in_state", this.outputInState).done();
  }

  static fromJson(v: JValue): Resolution {
    const r = new Resolution();
    r.success = boolean(v, "success");
    r.error = str(v, "error");
    const used = v.get("resources_used")!;
    r.instructions = u64Field(used, "instructions");
    r.timeMs = u64Field(used, "time_ms");
    r.compileTimeMs = u64Field(used, "compile_time_ms");
    const ids = v.get("workers")!.items;
    for (let i = 0; i < ids.length; i++) r.workers.push(ids[i].text);
    r.outputInState = boolean(v, "output_in_state");
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
