/**
 * In doubt about whose session the browser's cookie is (a page opened offline on the person last
 * signed in here, or a lost connection), no request goes out until the server has said: the same
 * person, what waited goes; someone else, none of it ever does (issue 19).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { checkSession } from "./auth";
import {
  NETWORK_ERROR,
  NOT_YOUR_SESSION,
  request,
  sessionConfirmed,
  sessionDoubted,
  sessionRefused,
  sessionStarted,
} from "./http";
import { fetchHistory, markRead } from "./messages";

const ALICE = { _id: "alice", fullName: "Alice" };
let fetch: ReturnType<typeof vi.fn>;

/** The paths asked of the server so far. */
const asked = () => fetch.mock.calls.map(([url]) => String(url));
/** Long enough for anything not held back to have reached fetch. */
const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  fetch = vi.fn(async () => new Response(JSON.stringify(ALICE), { status: 200 }));
  vi.stubGlobal("fetch", fetch);
  sessionStarted();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("a page in doubt about whose session it is", () => {
  it("sends a history page and a read only once the server says it is the person shown", async () => {
    sessionDoubted();
    const page = fetchHistory("carol");
    const read = markRead("carol", "7");
    await settled();
    expect(asked()).toEqual([]);

    sessionConfirmed();
    await Promise.all([page, read]);
    expect(asked()).toEqual(["/api/messages/carol", "/api/messages/read/carol"]);
  });

  it("never sends them when the server says someone else, nor anything after", async () => {
    sessionDoubted();
    const page = fetchHistory("carol");
    const read = markRead("carol", "7");

    sessionRefused();
    await expect(page).rejects.toMatchObject({ status: 401, code: NOT_YOUR_SESSION });
    await expect(read).rejects.toMatchObject({ code: NOT_YOUR_SESSION });
    await expect(request("/messages/contacts")).rejects.toMatchObject({ code: NOT_YOUR_SESSION });
    expect(asked()).toEqual([]);
  });

  it("asks who is signed in at once: that is the question", async () => {
    sessionDoubted();
    expect(await checkSession()).toEqual(ALICE);
    expect(asked()).toEqual(["/api/auth/check"]);
  });

  it("fails at once while the browser is offline, as without the doubt", async () => {
    vi.stubGlobal("navigator", { onLine: false });
    sessionDoubted();
    await expect(fetchHistory("carol")).rejects.toMatchObject({ status: 0, code: NETWORK_ERROR });
    expect(asked()).toEqual([]);
  });

  it("fails what waited when the browser goes offline meanwhile", async () => {
    const browser = new EventTarget();
    vi.stubGlobal("addEventListener", browser.addEventListener.bind(browser));
    vi.stubGlobal("removeEventListener", browser.removeEventListener.bind(browser));
    sessionDoubted();
    const page = fetchHistory("carol");
    await settled();
    browser.dispatchEvent(new Event("offline"));
    await expect(page).rejects.toMatchObject({ status: 0, code: NETWORK_ERROR });
    sessionConfirmed();
    await settled();
    expect(asked()).toEqual([]);
  });

  it("gives up waiting when the caller no longer wants the answer", async () => {
    sessionDoubted();
    const leaving = new AbortController();
    const page = fetchHistory("carol", { signal: leaving.signal });
    leaving.abort();
    await expect(page).rejects.toMatchObject({ name: "AbortError" });
    sessionConfirmed();
    await settled();
    expect(asked()).toEqual([]);
  });

  it("drops what waited when someone signs in: it was the page before's", async () => {
    sessionDoubted();
    const read = markRead("carol", "7");
    sessionStarted();
    await expect(read).rejects.toMatchObject({ code: NOT_YOUR_SESSION });
    await request("/messages/contacts");
    expect(asked()).toEqual(["/api/messages/contacts"]);
  });
});

describe("a page that started online", () => {
  it("sends at once, with no check before", async () => {
    await fetchHistory("carol");
    expect(asked()).toEqual(["/api/messages/carol"]);
  });
});
