/**
 * Safety: the people I blocked (by name), and which safety question is open, if any. A menu
 * entry (the conversation header, a message's menu, Settings' list) asks a question and one
 * dialog host shows it: a menu closes when an entry is chosen, so the dialog cannot live in it,
 * and features share it through this store, not by importing each other.
 */
import { create } from "zustand";
import type { Person } from "../types";

/** Who a question is about: enough to name them, and their picture when known. */
export type Someone = Pick<Person, "_id" | "fullName"> & { profilePic?: string };

export type SafetyQuestion =
  | { kind: "block" | "unblock"; person: Someone }
  | { kind: "report"; person: Someone; messageId: string; text: string | null };

type LoadStatus = "idle" | "loading" | "ready" | "error";

interface SafetyState {
  blocked: Someone[];
  blockedStatus: LoadStatus;
  question: SafetyQuestion | null;
  blockedRequested: () => void;
  blockedLoaded: (people: Someone[]) => void;
  blockedFailed: () => void;
  personBlocked: (person: Someone) => void;
  personUnblocked: (personId: string) => void;
  asked: (question: SafetyQuestion) => void;
  answered: () => void;
}

export const useSafetyStore = create<SafetyState>()((set) => ({
  blocked: [],
  blockedStatus: "idle",
  question: null,
  blockedRequested: () => set({ blockedStatus: "loading" }),
  blockedLoaded: (people) => set({ blocked: people, blockedStatus: "ready" }),
  blockedFailed: () => set({ blockedStatus: "error" }),
  personBlocked: (person) =>
    set((s) => (s.blocked.some((p) => p._id === person._id) ? {} : { blocked: [...s.blocked, person] })),
  personUnblocked: (personId) => set((s) => ({ blocked: s.blocked.filter((p) => p._id !== personId) })),
  asked: (question) => set({ question }),
  answered: () => set({ question: null }),
}));

export function isBlocked(personId: string): boolean {
  return useSafetyStore.getState().blocked.some((p) => p._id === personId);
}
