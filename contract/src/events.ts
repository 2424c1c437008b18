// Our NEP-297 events, all under standard `near-outlayer` version `1.0.0`.
import { emitEvent } from "../sdk";
import { EVENT_STANDARD, EVENT_VERSION } from "./constants";

export function emit(event: string, dataJson: string): void {
  emitEvent(EVENT_STANDARD, EVENT_VERSION, event, dataJson);
}
