import { describe, expect, it } from "vitest";
import { hueOf } from "./hue";

/** Ids like the server's: 24 hex digits, here consecutive (one made just after another). */
function ids(count: number): string[] {
  return Array.from({ length: count }, (_, i) => (0x6b145d310dae1b7f6def6690n + BigInt(i)).toString(16));
}

describe("an initials avatar's hue", () => {
  it("is the same for the same id, and a hue", () => {
    for (const id of ids(50)) {
      expect(hueOf(id)).toBe(hueOf(id));
      expect(hueOf(id)).toBeGreaterThanOrEqual(0);
      expect(hueOf(id)).toBeLessThan(360);
    }
  });

  it("spreads ids made one after another round the whole circle", () => {
    const sectors = new Set(ids(120).map((id) => Math.floor(hueOf(id) / 30)));
    expect(sectors.size).toBe(12);
  });

  it("tells apart most of a dozen people", () => {
    const hues = new Set(ids(12).map((id) => Math.floor(hueOf(id) / 10)));
    expect(hues.size).toBeGreaterThanOrEqual(9);
  });
});
