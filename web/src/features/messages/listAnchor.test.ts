import { describe, expect, it } from "vitest";
import { FIRST_INDEX_START, initialAnchor, moveAnchor } from "./listAnchor";

describe("the virtual list's first index", () => {
  it("stays put when messages are added at the end", () => {
    const anchor = initialAnchor(["a", "b"]);
    expect(moveAnchor(anchor, ["a", "b", "c"])).toBe(anchor);
  });

  it("drops by the number of older messages put in front", () => {
    const anchor = initialAnchor(["m50", "m51"]);
    const moved = moveAnchor(anchor, ["m0", "m1", "m2", "m50", "m51"]);
    expect(moved).toEqual({ key: "m0", index: FIRST_INDEX_START - 3 });
    expect(moveAnchor(moved, ["x", "m0", "m1"]).index).toBe(FIRST_INDEX_START - 4);
  });

  it("starts from an empty list and keeps counting from the first message shown", () => {
    const empty = initialAnchor([]);
    const first = moveAnchor(empty, ["a"]);
    expect(first).toEqual({ key: "a", index: FIRST_INDEX_START });
  });

  it("does not move when the old first item disappeared", () => {
    const anchor = { key: "gone", index: 500 };
    expect(moveAnchor(anchor, ["a", "b"])).toEqual({ key: "a", index: 500 });
  });
});
