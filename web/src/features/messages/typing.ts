/**
 * Telling the partner (or the group) that I am typing: at most one "typing" every 2 s while the
 * text changes (the server ends it by itself 5 s after the last one), and "stopped" once when
 * the text is cleared, sent, or the conversation closes.
 */
import { emitTyping } from "../../realtime/socket";
import { targetOf } from "../../store/chat";

const REFRESH_MS = 2_000;

let typingIn: string | null = null;
let lastSent = 0;

export function typingInput(chatKey: string, text: string): void {
  if (text.trim() === "") {
    typingStopped(chatKey);
    return;
  }
  const now = Date.now();
  if (typingIn === chatKey && now - lastSent < REFRESH_MS) return;
  if (typingIn !== null && typingIn !== chatKey) emitTyping(targetOf(typingIn), false);
  typingIn = chatKey;
  lastSent = now;
  emitTyping(targetOf(chatKey), true);
}

export function typingStopped(chatKey: string): void {
  if (typingIn !== chatKey) return;
  typingIn = null;
  lastSent = 0;
  emitTyping(targetOf(chatKey), false);
}
