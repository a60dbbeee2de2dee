import { beforeEach, describe, expect, it } from "vitest";
import type { Reaction } from "../types/reactions";
import { shownReactions, useReactionsStore } from "./reactions";

const ME = "alice";
const BOB = "bob";
const MESSAGE = "7";

const store = () => useReactionsStore.getState();
const shown = (fromView?: Reaction[]) => shownReactions(fromView, store().byMessage[MESSAGE], ME);
const thumbsByBob: Reaction = { emoji: "👍", count: 1, userIds: [BOB], mine: false };

beforeEach(() => store().reactionsCleared());

describe("reactions of a message", () => {
  it("are the view's until the server says otherwise", () => {
    expect(shown([thumbsByBob])).toEqual([thumbsByBob]);
    expect(shown()).toEqual([]);
  });

  it("are the server's latest once it has spoken, over what the view carried", () => {
    const now: Reaction[] = [{ emoji: "❤️", count: 2, userIds: [BOB, "carol"], mine: false }];
    store().reactionsReceived(MESSAGE, now);

    expect(shown([thumbsByBob])).toEqual(now);
  });

  it("show my toggle at once, joining the others' count", () => {
    store().reactionToggled(MESSAGE, "👍", true);

    expect(shown([thumbsByBob])).toEqual([{ emoji: "👍", count: 2, userIds: [BOB, ME], mine: true }]);
  });

  it("show a new emoji of mine at the end, and taking it back removes the chip", () => {
    store().reactionToggled(MESSAGE, "🎉", true);
    expect(shown([thumbsByBob])).toEqual([thumbsByBob, { emoji: "🎉", count: 1, userIds: [ME], mine: true }]);

    store().reactionToggled(MESSAGE, "🎉", false);
    expect(shown([thumbsByBob])).toEqual([thumbsByBob]);
  });

  it("count me once however often I add the same emoji", () => {
    const mineToo: Reaction = { emoji: "👍", count: 2, userIds: [BOB, ME], mine: true };
    store().reactionToggled(MESSAGE, "👍", true);

    expect(shown([mineToo])).toEqual([mineToo]);
  });

  it("roll back when the server refuses my toggle", () => {
    store().reactionToggled(MESSAGE, "👍", true);
    store().reactionRefused(MESSAGE, "👍", true);

    expect(shown([thumbsByBob])).toEqual([thumbsByBob]);
  });

  it("roll back a refused take-back too: my reaction is still there", () => {
    const mineToo: Reaction = { emoji: "👍", count: 2, userIds: [BOB, ME], mine: true };
    store().reactionToggled(MESSAGE, "👍", false);
    expect(shown([mineToo])).toEqual([thumbsByBob]);

    store().reactionRefused(MESSAGE, "👍", false);
    expect(shown([mineToo])).toEqual([mineToo]);
  });

  it("take the server's answer to my toggle as the truth, with nothing left pending", () => {
    const answer: Reaction[] = [{ emoji: "👍", count: 3, userIds: [BOB, "carol", ME], mine: true }];
    store().reactionToggled(MESSAGE, "👍", true);
    store().reactionsReceived(MESSAGE, answer, { emoji: "👍", on: true });

    expect(store().byMessage[MESSAGE]?.pending).toEqual({});
    expect(shown([thumbsByBob])).toEqual(answer);
  });

  it("keep my toggle shown over a live event that came before its answer", () => {
    const carolsHeart: Reaction[] = [thumbsByBob, { emoji: "❤️", count: 1, userIds: ["carol"], mine: false }];
    store().reactionToggled(MESSAGE, "👍", true);
    store().reactionsReceived(MESSAGE, carolsHeart);

    expect(shown()).toEqual([{ emoji: "👍", count: 2, userIds: [BOB, ME], mine: true }, carolsHeart[1]]);
  });

  it("keep a later toggle pending when the answer to an earlier one arrives", () => {
    store().reactionToggled(MESSAGE, "👍", true);
    store().reactionToggled(MESSAGE, "👍", false); // clicked again before the first answer
    store().reactionsReceived(MESSAGE, [{ emoji: "👍", count: 2, userIds: [BOB, ME], mine: true }], { emoji: "👍", on: true });

    expect(shown()).toEqual([thumbsByBob]);
  });

  it("start from nothing in a new session", () => {
    store().reactionsReceived(MESSAGE, [thumbsByBob]);
    store().reactionsCleared();

    expect(shown()).toEqual([]);
  });
});
