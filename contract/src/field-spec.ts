// The `fields` of a per_field request: which named fields of the output are agreed, each by its rule. Names are
// 1..32 characters of [A-Za-z0-9_], so they need no escaping and sort the same as bytes, UTF-8 or UTF-16; at most
// 16, so a resolve's work is bounded. protocol/request.ts checks the same rules.
import { JValue, fail, parseJson, quote, utf8 } from "../sdk";
import { ExecRequest } from "./request";

export const MAX_FIELDS: i32 = 16;
export const MAX_FIELD_NAME: i32 = 32;
export const RULE_MEDIAN = "median";
export const RULE_IDENTICAL = "identical";
export const RULE_MODE = "mode";

function isNameChar(c: i32): bool {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95;
}

function checkName(name: string): void {
  let ok = name.length >= 1 && name.length <= MAX_FIELD_NAME;
  for (let i = 0; ok && i < name.length; i++) ok = isNameChar(name.charCodeAt(i));
  if (!ok) fail("redundancy.fields: a field name must be 1.." + MAX_FIELD_NAME.toString() + " characters of A-Z a-z 0-9 _");
}

/** The named fields, sorted by name, and each one's rule. */
export class FieldSpec {
  names: string[] = [];
  rules: string[] = [];

  hasMedian(): bool { return this.rules.includes(RULE_MEDIAN); }

  /** `{"name":"rule",...}` in name order: what the request stores and its event shows. */
  toJson(): string {
    const parts = new Array<string>(this.names.length);
    for (let i = 0; i < this.names.length; i++) parts[i] = quote(this.names[i]) + ":" + quote(this.rules[i]);
    return "{" + parts.join(",") + "}";
  }

  /** Inserts keeping names sorted (names are ASCII: string order is byte order). */
  add(name: string, rule: string): void {
    let pos = this.names.length;
    this.names.push(name);
    this.rules.push(rule);
    while (pos > 0 && this.names[pos - 1] > name) {
      this.names[pos] = this.names[pos - 1];
      this.rules[pos] = this.rules[pos - 1];
      pos--;
    }
    this.names[pos] = name;
    this.rules[pos] = rule;
  }
}

/** `redundancy.fields` as the requester gave it (the JSON reader already refused duplicate keys). */
export function parseFieldSpec(v: JValue): FieldSpec {
  if (!v.isObj()) fail("redundancy.fields must be an object of field name → median | identical | mode");
  if (v.keys.length < 1 || v.keys.length > MAX_FIELDS) fail("redundancy.fields must name 1.." + MAX_FIELDS.toString() + " fields");
  const spec = new FieldSpec();
  for (let i = 0; i < v.keys.length; i++) {
    checkName(v.keys[i]);
    const rule = v.items[i];
    if (!rule.isStr() || (rule.text != RULE_MEDIAN && rule.text != RULE_IDENTICAL && rule.text != RULE_MODE)) fail("redundancy.fields." + v.keys[i] + " must be median, identical or mode");
    spec.add(v.keys[i], rule.text);
  }
  return spec;
}

/** The spec a request stored (its own toJson, so it parses without further checks). */
export function loadFieldSpec(json: string): FieldSpec {
  const v = parseJson(utf8(json));
  const spec = new FieldSpec();
  for (let i = 0; i < v.keys.length; i++) spec.add(v.keys[i], v.items[i].text);
  return spec;
}

/** The request's per_field spec, or null for the other modes. */
export function fieldSpecOf(r: ExecRequest): FieldSpec | null {
  return r.fields.length > 0 ? loadFieldSpec(r.fields) : null;
}
