import { afterEach, describe, expect, it, vi } from "vitest";
import { useAuthStore } from "../../store/auth";
import { requestResetLink, resetWithLink, tokenFrom, waitText } from "./passwordReset";

function answer(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

function serverAnswers(response: Response) {
  const fetch = vi.fn(async () => response);
  vi.stubGlobal("fetch", fetch);
  return fetch;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("asking for a reset link", () => {
  it("shows the server's answer, the same for every address", async () => {
    const fetch = serverAnswers(answer(200, { message: "If an account uses that email, we have sent it a link." }));
    expect(await requestResetLink("  ada@example.com ")).toEqual({
      ok: true,
      message: "If an account uses that email, we have sent it a link.",
    });
    const [, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(JSON.parse(init.body as string)).toEqual({ email: "ada@example.com" });
  });

  it("checks the address before asking", async () => {
    const fetch = serverAnswers(answer(200, { message: "sent" }));
    expect(await requestResetLink("ada@")).toEqual({ ok: false, error: "Enter a valid email address." });
    expect(fetch).not.toHaveBeenCalled();
  });

  it("says how long to wait when rate-limited", async () => {
    serverAnswers(answer(429, { message: "Too many password reset requests." }, { "Retry-After": "1200" }));
    expect(await requestResetLink("ada@example.com")).toEqual({
      ok: false,
      error: "Too many password reset requests. Try again in 20 minutes.",
    });
  });

  it("words waits in minutes and hours", () => {
    expect(waitText(30)).toBe("in a minute");
    expect(waitText(60)).toBe("in 1 minute");
    expect(waitText(3600)).toBe("in 1 hour");
    expect(waitText(7200)).toBe("in 2 hours");
  });
});

describe("setting a new password with the link", () => {
  it("reads the token from the link", () => {
    expect(tokenFrom("?token=abc.DEF-123")).toBe("abc.DEF-123");
    expect(tokenFrom("?token=")).toBeNull();
    expect(tokenFrom("")).toBeNull();
  });

  it("checks the new password twice before asking", async () => {
    const fetch = serverAnswers(answer(200, { message: "ok" }));
    expect(await resetWithLink("t", "secret1", "secret2")).toEqual({
      ok: false,
      error: "The two passwords do not match.",
      linkProblem: false,
    });
    expect(fetch).not.toHaveBeenCalled();
  });

  it("signs this browser out on success, since every session has ended", async () => {
    useAuthStore.getState().signedIn({
      _id: "u",
      fullName: "Ada",
      email: "ada@example.com",
      profilePic: "",
      createdAt: "",
      updatedAt: "",
    });
    serverAnswers(answer(200, { message: "Your password has been reset." }));
    expect(await resetWithLink("t", "secret1", "secret1")).toEqual({ ok: true, message: "Your password has been reset." });
    expect(useAuthStore.getState().status).toBe("signedOut");
  });

  it.each([
    ["reset_token_used", "This reset link has already been used."],
    ["reset_token_expired", "This reset link has expired."],
    ["invalid_reset_token", "This reset link is not valid. It may have been copied incompletely."],
  ])("explains a %s link and offers a new one", async (code, text) => {
    serverAnswers(answer(400, { message: "server words", code }));
    expect(await resetWithLink("t", "secret1", "secret1")).toEqual({ ok: false, error: text, linkProblem: true });
  });

  it("shows the server's words for a refused password", async () => {
    serverAnswers(answer(400, { message: "Password must be at least 6 characters", code: "invalid_password" }));
    expect(await resetWithLink("t", "secret1", "secret1")).toEqual({
      ok: false,
      error: "Password must be at least 6 characters",
      linkProblem: false,
    });
  });
});
