import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BOB, aliceSignedIn, chat, store } from "../../store/chat/testing";
import { changeSettings } from "./settings";

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

  it("is undone when the server refuses, leaving a change made meanwhile alone", async () => {
    const held = heldFetch();
    const pinning = changeSettings(BOB, { pinned: true });
    store().chatSettingsChanged(BOB, { muted: true, pinnedAt: store().chats[BOB]?.pinnedAt ?? null });
    held.answer(answer(400, { message: "At most 5 conversations can be pinned.", code: "too_many_pinned" }));
    await pinning;
    expect(store().chats[BOB]).toMatchObject({ pinnedAt: null, muted: true });
  });
});
