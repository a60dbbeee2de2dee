import { describe, expect, it, vi } from "vitest";
import { gathered } from "./gathered";

describe("gathered", () => {
  it("hands over what came in one task together, in the next", async () => {
    const handed: number[][] = [];
    const arrivals = gathered<number>((items) => handed.push(items));
    arrivals.add(1);
    arrivals.add(2);
    arrivals.add(3);
    expect(handed).toEqual([]);
    await vi.waitFor(() => expect(handed).toEqual([[1, 2, 3]]));
    arrivals.add(4);
    await vi.waitFor(() => expect(handed).toEqual([[1, 2, 3], [4]]));
  });

  it("hands over at once when flushed", async () => {
    const handed: number[][] = [];
    const arrivals = gathered<number>((items) => handed.push(items));
    arrivals.add(1);
    arrivals.flush();
    expect(handed).toEqual([[1]]);
    arrivals.add(2); // a new hand-over, after the one already on its way
    await vi.waitFor(() => expect(handed).toEqual([[1], [2]]));
  });

  it("forgets what it dropped", async () => {
    const handed: number[][] = [];
    const arrivals = gathered<number>((items) => handed.push(items));
    arrivals.add(1);
    arrivals.drop();
    arrivals.add(2);
    await vi.waitFor(() => expect(handed).toEqual([[2]]));
  });
});
