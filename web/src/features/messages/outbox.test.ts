/**
 * The outbox sends one message at a time, each after the answer to the one before, and resends
 * oldest first across conversations: the receiver gets them in the order typed.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Ack, SendAck } from "../../types";

interface Call {
  receiverId: string;
  text: string;
  clientId: string;
  answer: (ack: unknown) => void;
}

const socket = vi.hoisted(() => ({ connected: true, calls: [] as Call[], unanswered: [] as Call[] }));
const local = vi.hoisted(() => ({ kept: [] as Record<string, unknown>[] }));

vi.mock("../../realtime/socket", () => ({
  CallTimeout: class extends Error {},
  isConnected: () => socket.connected,
  callSendMessage: (payload: Omit<Call, "answer">) =>
    new Promise((resolve) => {
      const call = { ...payload, answer: resolve };
      socket.calls.push(call);
      socket.unanswered.push(call);
    }),
}));
vi.mock("../../lib/localDb", () => ({
  changeUnsent: async () => undefined,
  forgetUnsent: async () => undefined,
  keepUnsent: async (row: Record<string, unknown>) => void local.kept.push(row),
  nextOutboxSeq: () => 0,
  readOutbox: async () => local.kept,
}));
// No FileReader in node: a kept picture reads back as a data URL all the same.
vi.mock("../../lib/images", async (original) => ({
  ...(await original<typeof import("../../lib/images")>()),
  readAsDataUrl: async () => PICTURE,
}));
/** A 1 x 1 PNG. */
const PICTURE =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

const { NOT_A_MEMBER, refusal, restoreOutbox, resendUnsent, sendNewMessage } = await import("./outbox");
const { ALICE, BOB, CAROL, HIKERS, hikers, member, store, stored } = await import("../../store/chat/testing");
const { groupKey } = await import("../../store/chat");

/** Lets the queue take its next step (its promises settle in microtasks). */
const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The server stores the oldest unanswered message and answers it. */
function answerNext(id: number): void {
  const call = socket.unanswered.shift();
  if (!call) throw new Error("nothing is waiting for an answer");
  const message = { ...stored(id, ALICE, call.receiverId, call.text), clientId: call.clientId };
  call.answer({ ok: true, message, duplicate: false } satisfies Ack<SendAck>);
}

const sentTexts = () => socket.calls.map((call) => call.text);

beforeEach(() => {
  local.kept = [];
  socket.connected = true;
  socket.calls = [];
  socket.unanswered = [];
  store().sessionStarted(ALICE);
});

describe("the outbox", () => {
  it("sends the next message only after the answer to the one before", async () => {
    sendNewMessage(BOB, "first", null);
    sendNewMessage(BOB, "second", null);
    await settled();
    expect(sentTexts()).toEqual(["first"]);
    answerNext(1);
    await settled();
    expect(sentTexts()).toEqual(["first", "second"]);
    answerNext(2);
    await settled();
  });

  it("resends what waited offline oldest first, across conversations", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    socket.connected = false;
    for (const [to, text] of [[BOB, "to Bob, first"], [CAROL, "to Carol, second"], [BOB, "to Bob, third"]] as const) {
      vi.setSystemTime(Date.now() + 1000);
      sendNewMessage(to, text, null);
    }
    vi.useRealTimers();
    await settled();
    expect(sentTexts()).toEqual([]);

    socket.connected = true;
    resendUnsent();
    for (let id = 1; id <= 3; id += 1) {
      await settled();
      expect(socket.unanswered).toHaveLength(1); // one at a time
      answerNext(id);
    }
    expect(sentTexts()).toEqual(["to Bob, first", "to Carol, second", "to Bob, third"]);
  });

  it("sends a message typed while a reconnect catches up after the one that waited offline", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    socket.connected = false;
    vi.setSystemTime(Date.now() + 1000);
    sendNewMessage(BOB, "typed offline", null);
    await settled();

    // Connected and confirmed, the sync call still out: resendUnsent has not run yet.
    socket.connected = true;
    vi.setSystemTime(Date.now() + 1000);
    sendNewMessage(BOB, "typed during the sync", null);
    vi.useRealTimers();
    await settled();
    expect(sentTexts()).toEqual(["typed offline"]);
    answerNext(1);
    await settled();
    resendUnsent(); // caught up: nothing is left to resend, nothing goes twice
    answerNext(2);
    await settled();
    expect(sentTexts()).toEqual(["typed offline", "typed during the sync"]);
  });

  it("gives a picture on its way the size it was attached with, and again after a reload", async () => {
    socket.connected = false;
    sendNewMessage(BOB, "", PICTURE, null, [], { width: 90, height: 300 });
    const shape = () => store().conversations[BOB]?.messages.map((m) => [m.imageWidth, m.imageHeight]);
    expect(shape()).toEqual([[90, 300]]);

    store().sessionStarted(ALICE); // the page opened again: only what was kept
    expect(shape()).toBeUndefined();
    await restoreOutbox(ALICE);
    expect(shape()).toEqual([[90, 300]]);
  });
});

describe("a refusal", () => {
  it("of a group I was in says I am no longer a member, not that it was not found", () => {
    store().groupLoaded(hikers([member(ALICE, "Alice"), member(BOB, "Bob")]));
    store().groupRemoved(HIKERS);
    expect(refusal(groupKey(HIKERS), "group_not_found", "Group not found.")).toBe(NOT_A_MEMBER);
  });

  it("of a group never known here, or of anything else, is the server's sentence", () => {
    expect(refusal(groupKey("e".repeat(24)), "group_not_found", "Group not found.")).toBe("Group not found.");
    expect(refusal(BOB, "user_not_found", "User not found")).toBe("User not found.");
  });
});
