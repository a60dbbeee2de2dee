import { create } from "zustand";
import type { User } from "../types";

export type AuthStatus = "checking" | "signedIn" | "signedOut";

interface AuthState {
  status: AuthStatus;
  user: User | null;
  /** Why the last session ended without the person asking (shown once on the login page). */
  endedReason: string | null;
  sessionFound: (user: User) => void;
  sessionMissing: () => void;
  signedIn: (user: User) => void;
  signedOut: () => void;
  sessionEnded: (reason: string) => void;
  endedReasonShown: () => void;
}

export const useAuthStore = create<AuthState>()((set) => ({
  status: "checking",
  user: null,
  endedReason: null,
  sessionFound: (user) => set({ status: "signedIn", user }),
  sessionMissing: () => set({ status: "signedOut", user: null }),
  signedIn: (user) => set({ status: "signedIn", user, endedReason: null }),
  signedOut: () => set({ status: "signedOut", user: null }),
  sessionEnded: (reason) => set({ status: "signedOut", user: null, endedReason: reason }),
  endedReasonShown: () => set({ endedReason: null }),
}));
