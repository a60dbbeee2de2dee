/**
 * Telling the partner that I am typing: at most one "typing" every 2 s while the text changes
 * (the server ends it by itself 5 s after the last one), and "stopped" once when the text is
 * cleared, sent, or the conversation closes.
 */
import { emitTyping } from "../../realtime/socket";

const REFRESH_MS = 2_000;

let partner: string | null = null;
let lastSent = 0;

export function typingInput(partnerId: string, text: string): void {
  if (text.trim() === "") {
    typingStopped(partnerId);
    return;
  }
  const now = Date.now();
  if (partner === partnerId && now - lastSent < REFRESH_MS) return;
  if (partner !== null && partner !== partnerId) emitTyping(partner, false);
  partner = partnerId;
  lastSent = now;
  emitTyping(partnerId, true);
}

export function typingStopped(partnerId: string): void {
  if (partner !== partnerId) return;
  partner = null;
  lastSent = 0;
  emitTyping(partnerId, false);
}
