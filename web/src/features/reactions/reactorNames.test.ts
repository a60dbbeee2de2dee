import { describe, expect, it } from "vitest";
import { reactorNames } from "./ReactionBar";

const NAMES: Record<string, string> = { bob: "Bob", carol: "Carol" };
const nameOf = (id: string) => NAMES[id] ?? "Someone";

describe("who reacted", () => {
  it("names me first as you, then the others in the order they reacted", () => {
    expect(reactorNames({ emoji: "👍", count: 2, userIds: ["bob", "alice"], mine: true }, "alice", nameOf)).toBe(
      "you and Bob",
    );
  });

  it("counts those beyond the first twenty the server names", () => {
    const reaction = { emoji: "👍", count: 24, userIds: ["bob", "carol"], mine: false };
    expect(reactorNames(reaction, "alice", nameOf)).toBe("Bob, Carol, and 22 others");
  });

  it("says one other, not one others", () => {
    expect(reactorNames({ emoji: "👍", count: 2, userIds: ["bob"], mine: false }, "alice", nameOf)).toBe("Bob and 1 other");
  });
});
