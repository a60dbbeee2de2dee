import * as authApi from "../../api/auth";
import { ApiError } from "../../api/http";
import { reconnectSocket } from "../../realtime/socket";
import { useAuthStore } from "../../store/auth";
import { useChatStore } from "../../store/chat";

// Kept apart from session.ts so that the login page does not load the socket client.

/** The socket was refused or dropped by the server: ask the API whether we are still in. */
export async function verifySession(reason: string): Promise<void> {
  try {
    await authApi.checkSession();
    reconnectSocket();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      useChatStore.getState().sessionCleared();
      useAuthStore.getState().sessionEnded(reason);
    } else {
      // Unreachable server: keep trying in a moment.
      window.setTimeout(reconnectSocket, 2000);
    }
  }
}
