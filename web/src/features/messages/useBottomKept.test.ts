import { describe, expect, it } from "vitest";
import { stillAtEnd } from "./useBottomKept";

describe("a list at its very end", () => {
  it("is there when a scroll lands within a few pixels of the end", () => {
    expect(stillAtEnd(false, 0, false)).toBe(true);
    expect(stillAtEnd(false, 8, true)).toBe(true);
  });

  it("has left it when it moved up further than that", () => {
    expect(stillAtEnd(true, 9, true)).toBe(false);
    expect(stillAtEnd(true, 60, true)).toBe(false);
  });

  it("stays there when its scroll down is seen after the list grew again", () => {
    // Put at the end, then 36 px taller before the scroll event came: nobody left the end.
    expect(stillAtEnd(true, 36, false)).toBe(true);
  });

  it("does not reach it by a scroll down that stops short", () => {
    expect(stillAtEnd(false, 36, false)).toBe(false);
  });
});
