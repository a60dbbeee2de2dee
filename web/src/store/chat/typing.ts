/** People typing to me right now. */
import type { ChatSlice } from "./state";

export interface TypingData {
  typing: Record<string, true>;
}

export interface TypingActions {
  typingChanged: (userId: string, isTyping: boolean) => void;
}

export function initialTyping(): TypingData {
  return { typing: {} };
}

/** The same object when they were not typing, so an unchanged state stays unchanged. */
export function stoppedTyping(typing: Record<string, true>, userId: string): Record<string, true> {
  if (!typing[userId]) return typing;
  const next = { ...typing };
  delete next[userId];
  return next;
}

export const createTypingSlice: ChatSlice<TypingData & TypingActions> = (set) => ({
  ...initialTyping(),
  typingChanged: (userId, isTyping) =>
    set((s) => {
      if (isTyping) return s.typing[userId] ? {} : { typing: { ...s.typing, [userId]: true } };
      const typing = stoppedTyping(s.typing, userId);
      return typing === s.typing ? {} : { typing };
    }),
});
