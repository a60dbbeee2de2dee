import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BOB, aliceSignedIn, chat, store } from "../../store/chat/testing";
import { changeSettings, isMuted } from "./settings";

function answer(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

/** A fetch that answers only when told, so the state in between can be seen. */
function heldFetch() {
  let release: (response: Response) => void = () => undefined;
  const fetch = vi.fn(() => new Promise<Response>((resolve) => (release = resolve)));
  vi.stubGlobal("fetch", fetch);
  return { fetch, answer: (response: Response) => release(response) };
}

beforeEach(() => {
  aliceSignedIn();
  store().chatsLoaded([chat(BOB, 10, 0)]);
});
afterEach(() => vi.unstubAllGlobals());

describe("pinning and muting", () => {
  it("shows at once and keeps the server's time of the pin", async () => {
    const held = heldFetch();
    const done = changeSettings(BOB, { pinned: true });
    expect(store().chats[BOB]?.pinnedAt).not.toBeNull();
    expect(held.fetch).toHaveBeenCalledWith("/api/conversations/" + BOB + "/settings", expect.objectContaining({ method: "PUT", body: '{"pinned":true}' }));
    held.answer(answer(200, { type: "direct", _id: BOB, muted: false, pinned: true, pinnedAt: "2026-03-01T09:00:00.000Z" }));
    await done;
    expect(store().chats[BOB]?.pinnedAt).toBe("2026-03-01T09:00:00.000Z");
  });

  it("takes from the server's answer only what it changed (a mute made meanwhile stays)", async () => {
    const held = heldFetch();
    const pinning = changeSettings(BOB, { pinned: true });
    store().chatSettingsChanged(BOB, { muted: true, mutedUntil: null, pinnedAt: store().chats[BOB]?.pinnedAt ?? null });
    held.answer(answer(200, { type: "direct", _id: BOB, muted: false, mutedUntil: null, pinned: true, pinnedAt: "2026-03-01T09:00:00.000Z" }));
    await pinning;
    expect(store().chats[BOB]).toMatchObject({ pinnedAt: "2026-03-01T09:00:00.000Z", muted: true });
  });

  it("is undone when the server refuses, leaving a change made meanwhile alone", async () => {
    const held = heldFetch();
    const pinning = changeSettings(BOB, { pinned: true });
    store().chatSettingsChanged(BOB, { muted: true, mutedUntil: null, pinnedAt: store().chats[BOB]?.pinnedAt ?? null });
    held.answer(answer(400, { message: "At most 5 conversations can be pinned.", code: "too_many_pinned" }));
    await pinning;
    expect(store().chats[BOB]).toMatchObject({ pinnedAt: null, muted: true });
  });
});

describe("a mute for a while", () => {
  const HOUR = 3600_000;

  it("shows its end at once, then the server's", async () => {
    const held = heldFetch();
    const done = changeSettings(BOB, { mutedFor: 8 * 3600 });
    const guessed = Date.parse(store().chats[BOB]?.mutedUntil ?? "");
    expect(guessed - Date.now()).toBeGreaterThan(8 * HOUR - 60_000);
    expect(isMuted(BOB)).toBe(true);
    expect(held.fetch).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ body: '{"mutedFor":28800}' }));
    const end = new Date(Date.now() + 8 * HOUR).toISOString();
    held.answer(answer(200, { type: "direct", _id: BOB, muted: true, mutedUntil: end, pinned: false, pinnedAt: null }));
    await done;
    expect(store().chats[BOB]).toMatchObject({ muted: true, mutedUntil: end });
  });

  it("is over when its end has passed, even before the list hears it", () => {
    const end = new Date(Date.now() + HOUR).toISOString();
    store().chatSettingsChanged(BOB, { muted: true, mutedUntil: end, pinnedAt: null });
    expect(isMuted(BOB)).toBe(true);
    vi.useFakeTimers({ now: Date.now() + HOUR + 1 });
    try {
      expect(isMuted(BOB)).toBe(false);
      expect(store().chats[BOB]?.muted).toBe(true); // until the page's timer says so
      store().mutesEnded(Date.now());
      expect(store().chats[BOB]).toMatchObject({ muted: false, mutedUntil: null });
    } finally {
      vi.useRealTimers();
    }
  });

  it("goes back to a mute until unmuted when the server refuses it", async () => {
    store().chatSettingsChanged(BOB, { muted: true, mutedUntil: null, pinnedAt: null });
    const held = heldFetch();
    const done = changeSettings(BOB, { mutedFor: 3600 });
    expect(store().chats[BOB]?.mutedUntil).not.toBeNull();
    held.answer(answer(404, { message: "Conversation not found.", code: "conversation_not_found" }));
    await done;
    expect(store().chats[BOB]).toMatchObject({ muted: true, mutedUntil: null });
  });
});
