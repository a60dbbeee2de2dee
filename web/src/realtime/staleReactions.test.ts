/**
 * Reactions asked again after a reconnect never overwrite a newer live word: a reactionsUpdated
 * that arrived while the page was on its way is what the message shows.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { HistoryPage } from "../types";
import type { Reaction } from "../types/reactions";

const pages = vi.hoisted(() => ({ waiting: [] as ((page: HistoryPage) => void)[] }));

vi.mock("../api/chatPages", () => ({
  fetchChatPage: () => new Promise<HistoryPage>((resolve) => pages.waiting.push(resolve)),
}));

const { refreshReactionsAfterGap } = await import("./staleReactions");
const { useReactionsStore } = await import("../store/reactions");
const { ALICE, BOB, aliceSignedIn, page, store, stored } = await import("../store/chat/testing");

const thumbs: Reaction[] = [{ emoji: "👍", count: 1, userIds: [BOB], mine: false }];
const party: Reaction[] = [{ emoji: "🎉", count: 1, userIds: [BOB], mine: false }];
const reactions = () => useReactionsStore.getState();

beforeEach(() => {
  pages.waiting = [];
  reactions().reactionsCleared();
  aliceSignedIn();
  store().historyRequested(BOB, 1);
  store().historyLoaded(BOB, 1, page([stored(1, BOB, ALICE, "one"), stored(2, BOB, ALICE, "two")], false));
  store().chatOpened(BOB);
});

describe("reactions asked again after a reconnect", () => {
  it("are taken for a message nothing changed meanwhile", async () => {
    const asked = refreshReactionsAfterGap();
    pages.waiting.shift()?.(page([{ ...stored(1, BOB, ALICE, "one"), reactions: thumbs }], false));
    await asked;

    expect(reactions().byMessage["1"]?.live).toEqual(thumbs);
  });

  it("leave alone a message whose reactions changed live while the page was on its way", async () => {
    const asked = refreshReactionsAfterGap();
    reactions().reactionsReceived("2", party); // Bob swapped 👍 for 🎉 after the page was read
    pages.waiting.shift()?.(
      page(
        [
          { ...stored(1, BOB, ALICE, "one"), reactions: thumbs },
          { ...stored(2, BOB, ALICE, "two"), reactions: thumbs },
        ],
        false,
      ),
    );
    await asked;

    expect(reactions().byMessage["2"]?.live).toEqual(party);
    expect(reactions().byMessage["1"]?.live).toEqual(thumbs);
  });
});
