import { beforeEach, describe, expect, it } from "vitest";
import { BOB, CAROL, aliceSignedIn, store } from "./testing";

beforeEach(aliceSignedIn);

describe("catching up", () => {
  it("tracks presence from the full list and from deltas", () => {
    store().onlineListReceived([BOB]);
    store().userCameOnline(CAROL);
    store().userWentOffline(BOB, "2026-03-01T12:00:00.000Z");

    expect(store().online).toEqual({ [CAROL]: true });
    expect(store().people[BOB]?.lastSeen).toBe("2026-03-01T12:00:00.000Z");
  });
});

describe("the connection", () => {
  it("forgets who is online while disconnected, since it cannot follow it", () => {
    store().onlineListReceived([BOB]);

    store().connectionChanged("reconnecting");

    expect(store().online).toEqual({});
  });
});
