import { beforeEach, describe, expect, it } from "vitest";
import { ALICE, BOB, CAROL, aliceSignedIn, store, stored, draft, messagesWith, texts } from "./testing";

beforeEach(aliceSignedIn);

describe("optimistic sending", () => {
  it("shows a new message at once as pending", () => {
    store().sendStarted(draft("c1", "hello"));

    expect(texts(BOB)).toEqual(["hello:pending"]);
    expect(store().chatOrder[0]).toBe(BOB);
  });

  it("reconciles the pending bubble with the ack when the ack comes first, and ignores the echo", () => {
    store().sendStarted(draft("c1", "hello"));
    const message = stored(10, ALICE, BOB, "hello", "c1");

    store().sendAcknowledged("c1", message);
    const echo = store().messageReceived(message);

    expect(texts(BOB)).toEqual(["hello:sent"]);
    expect(messagesWith(BOB)[0]?._id).toBe("10");
    expect(echo.isNew).toBe(false);
  });

  it("reconciles with the echo when the echo comes first, and ignores the ack", () => {
    store().sendStarted(draft("c1", "hello"));
    const message = stored(10, ALICE, BOB, "hello", "c1");

    store().messageReceived(message);
    store().sendAcknowledged("c1", message);

    expect(texts(BOB)).toEqual(["hello:sent"]);
  });

  it("keeps the bubble's React key when it is reconciled, so it does not re-mount", () => {
    store().sendStarted(draft("c1", "hello"));
    store().sendAcknowledged("c1", stored(10, ALICE, BOB, "hello", "c1"));

    expect(messagesWith(BOB)[0]?.key).toBe("c1");
  });

  it("keeps two quick sends apart and in order", () => {
    store().sendStarted(draft("c1", "one"));
    store().sendStarted(draft("c2", "two"));
    const second = stored(11, ALICE, BOB, "two", "c2");
    const first = stored(10, ALICE, BOB, "one", "c1");

    store().sendAcknowledged("c2", second);
    store().messageReceived(second);
    store().sendAcknowledged("c1", first);

    expect(texts(BOB)).toEqual(["one:sent", "two:sent"]);
  });

  it("keeps a message that arrives while a send is in flight, in commit order", () => {
    store().sendStarted(draft("c1", "mine"));
    store().messageReceived(stored(10, BOB, ALICE, "theirs"));

    expect(texts(BOB)).toEqual(["theirs:sent", "mine:pending"]);

    store().sendAcknowledged("c1", stored(11, ALICE, BOB, "mine", "c1"));

    expect(texts(BOB)).toEqual(["theirs:sent", "mine:sent"]);
  });

  it("sorts a reconciled message before a later one that arrived first", () => {
    store().sendStarted(draft("c1", "mine"));
    store().messageReceived(stored(12, BOB, ALICE, "theirs"));
    store().sendAcknowledged("c1", stored(11, ALICE, BOB, "mine", "c1"));

    expect(texts(BOB)).toEqual(["mine:sent", "theirs:sent"]);
  });

  it("marks a send failed on an error, then retries it with the same clientId", () => {
    store().sendStarted(draft("c1", "hello"));

    store().sendFailed(BOB, "c1", "No answer from the server.", true);
    expect(texts(BOB)).toEqual(["hello:failed"]);
    expect(messagesWith(BOB)[0]?.error).toBe("No answer from the server.");

    store().sendRetried(BOB, "c1");
    expect(texts(BOB)).toEqual(["hello:pending"]);

    store().sendAcknowledged("c1", stored(10, ALICE, BOB, "hello", "c1"));
    expect(texts(BOB)).toEqual(["hello:sent"]);
  });

  it("ignores a late timeout for a message that was already stored", () => {
    store().sendStarted(draft("c1", "hello"));
    store().messageReceived(stored(10, ALICE, BOB, "hello", "c1"));

    store().sendFailed(BOB, "c1", "No answer from the server.", true);

    expect(texts(BOB)).toEqual(["hello:sent"]);
  });

  it("discards a failed message, and only a failed one", () => {
    store().sendStarted(draft("c1", "pending"));
    store().sendStarted(draft("c2", "failed"));
    store().sendFailed(BOB, "c2", "Too long", false);

    store().sendDiscarded(BOB, "c1");
    store().sendDiscarded(BOB, "c2");

    expect(texts(BOB)).toEqual(["pending:pending"]);
  });

  it("reconciles a failed message that the server had stored after all, when a sync brings it", () => {
    store().sendStarted(draft("c1", "hello"));
    store().sendFailed(BOB, "c1", "No answer from the server.", true);

    store().messagesSynced([stored(10, ALICE, BOB, "hello", "c1")]);

    expect(texts(BOB)).toEqual(["hello:sent"]);
  });

  it("does not confuse the same clientId from another sender", () => {
    store().sendStarted(draft("c1", "mine"));
    store().messageReceived(stored(10, BOB, ALICE, "theirs", "c1"));

    expect(texts(BOB)).toEqual(["theirs:sent", "mine:pending"]);
  });
});

describe("an outbox kept from an earlier visit", () => {
  const kept = (clientId: string, text: string, to = BOB) => ({
    ...draft(clientId, text, to),
    delivery: "pending" as const,
    error: null,
    retryable: false,
  });

  it("shows the kept messages in their order, failed ones as failed, and lists their chats", () => {
    store().unsentRestored([
      kept("c1", "one"),
      { ...kept("c2", "two"), delivery: "failed", error: "Too long", retryable: false },
      kept("c3", "three", CAROL),
    ]);

    expect(texts(BOB)).toEqual(["one:pending", "two:failed"]);
    expect(messagesWith(BOB)[1]?.error).toBe("Too long");
    expect(texts(CAROL)).toEqual(["three:pending"]);
    expect(store().chatOrder).toEqual([CAROL, BOB]);
  });

  it("skips a kept message already here, stored or unsent, so none shows twice", () => {
    store().messageReceived(stored(10, ALICE, BOB, "one", "c1"));
    store().sendStarted(draft("c2", "two"));

    store().unsentRestored([kept("c1", "one"), kept("c2", "two"), kept("c3", "three")]);

    expect(texts(BOB)).toEqual(["one:sent", "two:pending", "three:pending"]);
  });

  it("reconciles a kept message with its stored copy when the resend's answer comes", () => {
    store().unsentRestored([kept("c1", "one")]);

    store().sendAcknowledged("c1", stored(10, ALICE, BOB, "one", "c1"));

    expect(texts(BOB)).toEqual(["one:sent"]);
  });
});
