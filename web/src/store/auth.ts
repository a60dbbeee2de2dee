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
  /** The server could not be reached: the person last signed in here stays, offline. */
  sessionUnreachable: () => void;
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
  sessionUnreachable: () => {
    const user = lastUser();
    set(user ? { status: "signedIn", user } : { status: "signedOut", user: null });
  },
  signedIn: (user) => set({ status: "signedIn", user, endedReason: null }),
  signedOut: () => set({ status: "signedOut", user: null }),
  sessionEnded: (reason) => set({ status: "signedOut", user: null, endedReason: reason }),
  endedReasonShown: () => set({ endedReason: null }),
}));

// Who is signed in on this device, so that the app opens offline (it is an installable app)
// on the chats of the person last signed in, not on the login page. Cleared on every way out.
const LAST_USER = "socketspace.lastUser";

function lastUser(): User | null {
  try {
    const saved = globalThis.localStorage?.getItem(LAST_USER);
    return saved ? (JSON.parse(saved) as User) : null;
  } catch {
    return null;
  }
}

/**
 * Every way out (the sign-out button, a session ended elsewhere, a 401, someone else's session
 * found on reconnect, a password reset) ends here as a change of who is signed in: the person
 * who left is forgotten on this device, their unsent messages and drafts too, so that none of
 * it is shown to, or sent as, whoever comes next. Loaded when needed, so that the login page
 * does not carry IndexedDB's wrapper.
 */
function forgetOnDevice(userId: string): void {
  void import("../lib/localDb").then(({ forgetPerson }) => forgetPerson(userId));
}

useAuthStore.subscribe(({ status, user }) => {
  if (status === "checking") return;
  const left = lastUser();
  if (left && left._id !== user?._id) forgetOnDevice(left._id);
  try {
    if (user) globalThis.localStorage?.setItem(LAST_USER, JSON.stringify(user));
    else globalThis.localStorage?.removeItem(LAST_USER);
  } catch {
    // Storage full or refused: the app just will not open offline.
  }
});
