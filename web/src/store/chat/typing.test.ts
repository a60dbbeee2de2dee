import { beforeEach, describe, expect, it } from "vitest";
import { ALICE, BOB, CAROL, aliceSignedIn, store, stored } from "./testing";

beforeEach(aliceSignedIn);

describe("typing", () => {
  it("shows who is typing until they stop", () => {
    store().typingChanged(BOB, true);
    store().typingChanged(CAROL, true);
    store().typingChanged(BOB, false);

    expect(store().typing).toEqual({ [CAROL]: true });
  });

  it("ends when a message from that person arrives, and only theirs", () => {
    store().typingChanged(BOB, true);
    store().typingChanged(CAROL, true);

    store().messageReceived(stored(1, BOB, ALICE, "done typing"));

    expect(store().typing).toEqual({ [CAROL]: true });
  });

  it("is not ended by my own message to them", () => {
    store().typingChanged(BOB, true);

    store().messageReceived(stored(1, ALICE, BOB, "me too"));

    expect(store().typing).toEqual({ [BOB]: true });
  });

  it("ends when a sync brings their message", () => {
    store().typingChanged(BOB, true);

    store().messagesSynced([stored(1, BOB, ALICE, "while away")]);

    expect(store().typing).toEqual({});
  });

  it("is forgotten while disconnected", () => {
    store().typingChanged(BOB, true);

    store().connectionChanged("reconnecting");

    expect(store().typing).toEqual({});
  });
});
