/**
 * Logging out while the page is in doubt about whose session the cookie is (it opened offline,
 * or lost its connection, and the socket is already left): it asks first, and never ends the
 * session of whoever signed in on this browser since (issue 19).
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { User } from "../../types";

const server = { who: "alice", loggedOut: 0 };
vi.mock("react-hot-toast", () => ({ default: { success: () => undefined, error: () => undefined } }));
vi.stubGlobal("fetch", async (url: string) => {
  if (url === "/api/auth/logout") server.loggedOut += 1;
  const body = url === "/api/auth/check" ? { _id: server.who } : { message: "Logged out" };
  return new Response(JSON.stringify(body), { status: 200 });
});

const { logout } = await import("./session");
const { NOT_YOUR_SESSION, sessionDoubted, sessionInDoubt, sessionStarted } = await import("../../api/http");
const { markRead } = await import("../../api/messages");
const { useAuthStore } = await import("../../store/auth");

beforeEach(() => {
  server.loggedOut = 0;
  sessionStarted();
  useAuthStore.getState().signedIn({ _id: "alice", fullName: "Alice" } as unknown as User);
  sessionDoubted();
});

describe("logging out in doubt", () => {
  it("ends my session once the server says it is still mine", async () => {
    server.who = "alice";
    await logout();
    expect(server.loggedOut).toBe(1);
    expect(sessionInDoubt()).toBe(false);
    expect(useAuthStore.getState().status).toBe("signedOut");
  });

  it("leaves the session of whoever signed in since alone, and signs me out here", async () => {
    server.who = "bob";
    await logout();
    expect(server.loggedOut).toBe(0);
    expect(useAuthStore.getState().status).toBe("signedOut");
  });

  it("refuses what waited for the answer as I leave, not at the next sign-in", async () => {
    server.who = "bob";
    let outcome = "waiting";
    markRead("carol", "7").then(
      () => (outcome = "sent"),
      (error: { code?: string }) => (outcome = error.code ?? "failed"),
    );
    await logout();
    await new Promise((resolve) => setTimeout(resolve, 0)); // its handlers have run
    expect(outcome).toBe(NOT_YOUR_SESSION);
  });
});
