/**
 * Reactions as they are now, per message id, laid over what the message's view carried when it
 * was loaded: the server's latest answer (a `react` ack or a live `reactionsUpdated`), and my
 * own toggles not yet answered, shown at once and dropped again if the server refuses them.
 */
import { create } from "zustand";
import type { Reaction } from "../types/reactions";

export interface MessageReactions {
  /** The server's latest word on the message; undefined: only the view's is known. */
  live?: Reaction[];
  /** My toggles in flight, emoji → on (added) or off (taken back). */
  pending: Record<string, boolean>;
  /** The store's change count when `live` was last set: a page asked for before it is older. */
  changed?: number;
}

interface ReactionsState {
  byMessage: Record<string, MessageReactions>;
  /** Counts every server word taken: a refetch notes it when asking, to know what came after. */
  changes: number;
  /** I clicked: shown at once, before the server answers. */
  reactionToggled: (messageId: string, emoji: string, on: boolean) => void;
  /** The server's reactions of a message: the ack of my toggle, or a live event. */
  reactionsReceived: (messageId: string, reactions: Reaction[], answered?: { emoji: string; on: boolean }) => void;
  /**
   * A message's reactions from a page asked for when the count was `askedAt`: ignored if a newer
   * word (a live `reactionsUpdated`, a `react` ack) came while the page was on its way.
   */
  pageReactionsReceived: (messageId: string, reactions: Reaction[], askedAt: number) => void;
  /** The server refused my toggle (or never answered): it is undone. */
  reactionRefused: (messageId: string, emoji: string, on: boolean) => void;
  /** A new session: nothing of the last one's is mine any more. */
  reactionsCleared: () => void;
}

const NOTHING: MessageReactions = { pending: {} };

/** The pending toggle of this emoji, gone if it is still the one the server answered. */
function settled(entry: MessageReactions, emoji: string, on: boolean): Record<string, boolean> {
  if (entry.pending[emoji] !== on) return entry.pending;
  const rest = { ...entry.pending };
  delete rest[emoji];
  return rest;
}

export const useReactionsStore = create<ReactionsState>()((set, get) => ({
  byMessage: {},
  changes: 0,
  reactionToggled: (messageId, emoji, on) =>
    set((s) => {
      const entry = s.byMessage[messageId] ?? NOTHING;
      return { byMessage: { ...s.byMessage, [messageId]: { ...entry, pending: { ...entry.pending, [emoji]: on } } } };
    }),
  reactionsReceived: (messageId, reactions, answered) =>
    set((s) => {
      const entry = s.byMessage[messageId] ?? NOTHING;
      const pending = answered ? settled(entry, answered.emoji, answered.on) : entry.pending;
      const changes = s.changes + 1;
      return { changes, byMessage: { ...s.byMessage, [messageId]: { live: reactions, pending, changed: changes } } };
    }),
  pageReactionsReceived: (messageId, reactions, askedAt) => {
    if ((get().byMessage[messageId]?.changed ?? 0) > askedAt) return;
    get().reactionsReceived(messageId, reactions);
  },
  reactionRefused: (messageId, emoji, on) =>
    set((s) => {
      const entry = s.byMessage[messageId];
      if (!entry) return {};
      return { byMessage: { ...s.byMessage, [messageId]: { ...entry, pending: settled(entry, emoji, on) } } };
    }),
  reactionsCleared: () => set({ byMessage: {} }),
}));

/** One toggle of mine applied to a list; adding what is mine already (or taking back what is not) changes nothing. */
function applied(reactions: Reaction[], emoji: string, on: boolean, meId: string): Reaction[] {
  const found = reactions.find((r) => r.emoji === emoji);
  if (on) {
    if (found?.mine) return reactions;
    if (!found) return [...reactions, { emoji, count: 1, userIds: [meId], mine: true }];
    return reactions.map((r) => (r === found ? { ...r, count: r.count + 1, userIds: [...r.userIds, meId], mine: true } : r));
  }
  if (!found?.mine) return reactions;
  if (found.count <= 1) return reactions.filter((r) => r !== found);
  return reactions.map((r) =>
    r === found ? { ...r, count: r.count - 1, userIds: r.userIds.filter((id) => id !== meId), mine: false } : r,
  );
}

/** What to show: the server's latest (else the view's), with my unanswered toggles on top. */
export function shownReactions(fromView: Reaction[] | undefined, entry: MessageReactions | undefined, meId: string): Reaction[] {
  let shown = entry?.live ?? fromView ?? [];
  for (const [emoji, on] of Object.entries(entry?.pending ?? {})) shown = applied(shown, emoji, on, meId);
  return shown;
}
