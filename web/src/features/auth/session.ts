/** Signing in and out: the API calls, then the store, then a toast. */
import toast from "react-hot-toast";
import * as authApi from "../../api/auth";
import { ApiError, NETWORK_ERROR, errorMessage } from "../../api/http";
import { useAuthStore } from "../../store/auth";
import { useChatStore } from "../../store/chat";

export async function checkSession(): Promise<void> {
  try {
    useAuthStore.getState().sessionFound(await authApi.checkSession());
  } catch (error) {
    const auth = useAuthStore.getState();
    if (!(error instanceof ApiError && error.code === NETWORK_ERROR)) {
      auth.sessionMissing();
      return;
    }
    // Offline: the person signed in here last goes on to their chats, where the banner
    // says the app is offline; nobody known here gets the login page and the reason.
    auth.sessionUnreachable();
    if (useAuthStore.getState().status === "signedOut") toast.error(error.message);
  }
}

export async function login(input: authApi.LoginInput): Promise<boolean> {
  try {
    const user = await authApi.login(input);
    useAuthStore.getState().signedIn(user);
    toast.success(`Welcome back, ${user.fullName}!`);
    return true;
  } catch (error) {
    toast.error(errorMessage(error));
    return false;
  }
}

export async function signup(input: authApi.SignupInput): Promise<boolean> {
  try {
    const user = await authApi.signup(input);
    useAuthStore.getState().signedIn(user);
    toast.success("Your account is ready. Say hello to someone!");
    return true;
  } catch (error) {
    toast.error(errorMessage(error));
    return false;
  }
}

export async function logout(): Promise<void> {
  try {
    toast.success(await authApi.logout());
  } catch (error) {
    // The cookie may be gone already; we leave either way.
    if (!(error instanceof ApiError && error.status === 401)) toast.error(errorMessage(error));
  }
  useChatStore.getState().sessionCleared();
  useAuthStore.getState().signedOut();
}

/** End every session of mine, this one too; false (with a toast) when the server said no. */
export async function logoutEverywhere(): Promise<boolean> {
  try {
    toast.success(await authApi.logoutEverywhere());
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) {
      toast.error(errorMessage(error));
      return false;
    }
  }
  useChatStore.getState().sessionCleared();
  useAuthStore.getState().signedOut();
  return true;
}
