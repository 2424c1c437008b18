// NEP-297 events: `EVENT_JSON:{"standard","version","event","data":[...]}` in a log line.
import { log } from "./context";
import { quote } from "./json";

export function emitEvent(standard: string, version: string, event: string, dataJson: string): void {
  log("EVENT_JSON:{\"standard\":" + quote(standard) + ",\"version\":" + quote(version) +
    ",\"event\":" + quote(event) + ",\"data\":[" + dataJson + "]}");
}
