// Output formats: Bytes pass as they are; Text must be strict UTF-8; Json must be strict UTF-8 and parse.
// An invalid output is never altered: the request resolves as a failure with an error that says why.
import { fromUtf8, isJson, quote, toBase64 } from "../sdk";

/** RFC 3629 UTF-8: no overlongs, no surrogates, nothing above U+10FFFF, no truncated sequence. */
export function isStrictUtf8(b: Uint8Array): bool {
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = <i32>b[i];
    if (c < 0x80) { i++; continue; }
    let need = 0, lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) { need = 2; if (c == 0xe0) lo = 0xa0; if (c == 0xed) hi = 0x9f; }
    else if (c >= 0xf0 && c <= 0xf4) { need = 3; if (c == 0xf0) lo = 0x90; if (c == 0xf4) hi = 0x8f; }
    else return false;
    if (i + need >= n) return false;
    const second = <i32>b[i + 1];
    if (second < lo || second > hi) return false;
    for (let k = 2; k <= need; k++) {
      const cc = <i32>b[i + k];
      if (cc < 0x80 || cc > 0xbf) return false;
    }
    i += need + 1;
  }
  return true;
}

/** null when the output suits the format, else the error the request fails with. */
export function outputFormatError(format: string, output: Uint8Array): string | null {
  if (format == "Bytes") return null;
  if (!isStrictUtf8(output)) return "invalid " + format + " output: not valid UTF-8";
  if (format == "Json" && !isJson(output)) return "invalid Json output: does not parse as JSON";
  return null;
}

/** The callback's return value: Bytes as a base64 JSON string, Text as a JSON string, Json as itself. */
export function formatOutput(format: string, output: Uint8Array): string {
  if (format == "Bytes") return quote(toBase64(output));
  if (format == "Json") return fromUtf8(output);
  return quote(fromUtf8(output));
}
