/** Signing in and out: the API calls, then the store, then a toast. */
import toast from "react-hot-toast";
import * as authApi from "../../api/auth";
import {
  ApiError,
  NETWORK_ERROR,
  errorMessage,
  sessionConfirmed,
  sessionDoubted,
  sessionInDoubt,
  sessionRefused,
  sessionStarted,
} from "../../api/http";
import { useAuthStore } from "../../store/auth";
import { useChatStore } from "../../store/chat";

export async function checkSession(): Promise<void> {
  try {
    const user = await authApi.checkSession();
    sessionStarted();
    useAuthStore.getState().sessionFound(user);
  } catch (error) {
    const auth = useAuthStore.getState();
    if (!(error instanceof ApiError && error.code === NETWORK_ERROR)) {
      auth.sessionMissing();
      return;
    }
    // Offline: the person signed in here last goes on to their chats, where the banner
    // says the app is offline; nobody known here gets the login page and the reason.
    auth.sessionUnreachable();
    // Shown without the server's word: nothing goes out until the socket's check says it is them.
    if (useAuthStore.getState().status === "signedIn") sessionDoubted();
    else toast.error(error.message);
  }
}

/** The one toast of a failed login or sign-up: another try replaces it, success removes it. */
const AUTH_FAILED = "auth-failed";

export async function login(input: authApi.LoginInput): Promise<boolean> {
  try {
    const user = await authApi.login(input);
    sessionStarted();
    useAuthStore.getState().signedIn(user);
    // No greeting: the chats are the welcome (a toast there covered the first lines on a phone).
    toast.dismiss(AUTH_FAILED);
    return true;
  } catch (error) {
    toast.error(errorMessage(error), { id: AUTH_FAILED });
    return false;
  }
}

export async function signup(input: authApi.SignupInput): Promise<boolean> {
  try {
    const user = await authApi.signup(input);
    sessionStarted();
    useAuthStore.getState().signedIn(user);
    toast.dismiss(AUTH_FAILED);
    toast.success("Your account is ready. Say hello to someone!");
    return true;
  } catch (error) {
    toast.error(errorMessage(error), { id: AUTH_FAILED });
    return false;
  }
}

/**
 * Whether the server's session is still the person shown, asked only when in doubt (api/http.ts):
 * a way out with the socket already left has nobody else to ask, and must never end whoever
 * signed in on this browser since.
 */
async function stillMine(): Promise<boolean> {
  if (!sessionInDoubt()) return true;
  const now = await authApi.checkSession();
  if (now._id !== useAuthStore.getState().user?._id) return false;
  sessionConfirmed();
  return true;
}

/** Nobody is signed in here now: what still waited for the session check never goes out. */
function leave(): void {
  sessionRefused();
  useChatStore.getState().sessionCleared();
  useAuthStore.getState().signedOut();
}

export async function logout(): Promise<void> {
  try {
    if (await stillMine()) toast.success(await authApi.logout());
  } catch (error) {
    // The cookie may be gone already; we leave either way.
    if (!(error instanceof ApiError && error.status === 401)) toast.error(errorMessage(error));
  }
  leave();
}

/** End every session of mine, this one too; false (with a toast) when the server said no. */
export async function logoutEverywhere(): Promise<boolean> {
  try {
    if (await stillMine()) toast.success(await authApi.logoutEverywhere());
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) {
      toast.error(errorMessage(error));
      return false;
    }
  }
  leave();
  return true;
}
