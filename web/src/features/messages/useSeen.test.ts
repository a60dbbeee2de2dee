import { describe, expect, it } from "vitest";
import { newestOf, onScreen } from "./useSeen";

describe("a message on screen", () => {
  it("is seen when half of it shows", () => {
    expect(onScreen(0.5, 30, 600)).toBe(true);
    expect(onScreen(0.49, 29, 600)).toBe(false);
  });

  it("taller than the list, is seen when it fills half the list", () => {
    expect(onScreen(0.3, 300, 600)).toBe(true);
    expect(onScreen(0.3, 299, 600)).toBe(false);
  });

  it("is not seen in a list with no height", () => {
    expect(onScreen(0, 0, 0)).toBe(false);
  });
});

describe("the newest seen", () => {
  it("compares ids as numbers, not as text", () => {
    expect(newestOf(["99", "100", "7"])).toBe("100");
  });

  it("is nothing when nothing shows", () => {
    expect(newestOf([])).toBeNull();
  });
});
