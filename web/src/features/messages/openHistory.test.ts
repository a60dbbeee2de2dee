/**
 * A chat opened at its first unread message loads the page around my read pointer; a message I
 * write while that page is on its way sends it back to the newest page, where my message is
 * (the window around the pointer would have dropped it past its end).
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AroundPage, HistoryPage } from "../../types";

const net = vi.hoisted(() => ({
  around: [] as { url: string; answer: (page: AroundPage) => void }[],
  newest: [] as string[],
}));

vi.mock("../../api/http", () => ({
  errorMessage: (error: unknown) => String(error),
  request: (url: string) => new Promise((resolve) => net.around.push({ url, answer: (page) => resolve({ data: page }) })),
}));
vi.mock("../../api/chatPages", () => ({
  fetchChatPage: async (chatKey: string): Promise<HistoryPage> => {
    net.newest.push(chatKey);
    return { messages: [], hasMore: true, partnerReadUpTo: null };
  },
}));
vi.mock("../../api/groups", () => ({ fetchGroup: async () => undefined, markGroupRead: async () => undefined }));

const { openHistory } = await import("./history");
const { ALICE, BOB, aliceSignedIn, chat, draft, store, stored } = await import("../../store/chat/testing");

const around = (): AroundPage => ({
  messages: [25, 26, 27].map((id) => stored(id, BOB, ALICE, `m${id}`)),
  hasMoreBefore: true,
  hasMoreAfter: true,
});

beforeEach(() => {
  net.around = [];
  net.newest = [];
  aliceSignedIn();
  store().chatsLoaded([{ ...chat(BOB, 90, 50), readUpTo: "25" }]);
  store().chatOpened(BOB);
});

describe("openHistory", () => {
  it("loads the page around my read pointer and opens on it", async () => {
    const opening = openHistory(BOB);
    expect(net.around.map((r) => r.url)).toEqual(["/messages/around/25?limit=60"]);
    net.around[0]?.answer(around());
    await opening;

    expect(store().conversations[BOB]?.messages.map((m) => m._id)).toEqual(["25", "26", "27"]);
    expect(store().conversations[BOB]?.hasNewer).toBe(true);
    expect(net.newest).toEqual([]);
  });

  it("loads the newest page instead when I wrote while the page was on its way", async () => {
    const opening = openHistory(BOB);
    store().sendStarted(draft("c1", "hello"));
    net.around[0]?.answer(around());
    await opening;

    expect(net.newest).toEqual([BOB]);
    expect(store().conversations[BOB]?.hasNewer).toBe(false);
    expect(store().conversations[BOB]?.messages.map((m) => m.text)).toEqual(["hello"]);
  });
});
