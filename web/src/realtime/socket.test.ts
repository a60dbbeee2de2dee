/**
 * Until the server has said whose session the socket went in with (GET /auth/check), nothing it
 * sends reaches the page and no read goes out: once confirmed as the person shown, all of it
 * follows; as someone else, none of it.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { User } from "../types";

type Handler = (...args: unknown[]) => void;

class FakeSocket {
  connected = false;
  active = true;
  handlers = new Map<string, Handler[]>();
  emitted: [string, unknown][] = [];
  on(event: string, handler: Handler) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
    return this;
  }
  hear(event: string, ...args: unknown[]) {
    for (const handler of this.handlers.get(event) ?? []) handler(...args);
  }
  timeout() {
    return {
      emitWithAck: async (event: string, payload: unknown) => {
        this.emitted.push([event, payload]);
        return { ok: true, upToMessageId: "1", messages: [], hasMore: false };
      },
    };
  }
  emit(event: string, payload: unknown) {
    this.emitted.push([event, payload]);
  }
  connect() {}
  disconnect() {
    this.connected = false;
  }
  removeAllListeners() {
    this.handlers.clear();
  }
}

const fake = vi.hoisted(() => ({ socket: null as unknown, checks: [] as ((user: unknown) => void)[] }));
vi.mock("socket.io-client", () => ({ io: () => fake.socket }));
vi.mock("../api/auth", () => ({
  checkSession: () => new Promise((resolve) => fake.checks.push(resolve)),
}));
vi.stubGlobal("window", new EventTarget());

const { connectSocket, disconnectSocket, emitMarkRead } = await import("./socket");
const { useAuthStore } = await import("../store/auth");
const { ALICE, BOB, aliceSignedIn, store, stored } = await import("../store/chat/testing");

const user = (_id: string) => ({ _id, fullName: _id, email: `${_id}@example.com`, profilePic: "" }) as unknown as User;
const settled = () => new Promise((resolve) => setTimeout(resolve, 0));
/** After the messages gathered so far have gone into the store (lib/gathered.ts). */
const handedOver = () =>
  new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve(undefined);
    };
    channel.port2.postMessage(null);
  });
let socket: FakeSocket;
let arrived: unknown[];
/** How many times messages were put in the store (a burst: once). */
let arrivals: number;

beforeEach(() => {
  disconnectSocket();
  fake.checks = [];
  socket = new FakeSocket();
  fake.socket = socket;
  arrived = [];
  arrivals = 0;
  useAuthStore.getState().signedIn(user(ALICE));
  aliceSignedIn();
  connectSocket({
    messagesArrived: (received) => {
      arrivals += 1;
      arrived.push(...received);
    },
    caughtUp: () => undefined,
    reconnected: () => undefined,
    strangerOnline: () => undefined,
    sessionInDoubt: () => undefined,
  });
  socket.connected = true;
  socket.hear("connect");
  // Heard before the answer: the online list of connect, a message, and a read of mine.
  socket.hear("getOnlineUsers", [BOB]);
  socket.hear("newMessage", stored(1, BOB, ALICE, "hi"));
  emitMarkRead({ receiverId: BOB }, "1", () => undefined);
});

describe("a connection not yet confirmed", () => {
  it("holds what it hears and what I read", () => {
    expect(fake.checks).toHaveLength(1);
    expect([arrived, store().online, socket.emitted]).toEqual([[], {}, []]);
  });

  it("lets all of it through once the server says it is me", async () => {
    fake.checks[0]?.(user(ALICE));
    await vi.waitFor(() => expect(arrived).toHaveLength(1));

    expect(store().online).toEqual({ [BOB]: true });
    expect(socket.emitted.filter(([event]) => event === "markRead")).toEqual([["markRead", { userId: BOB, upToMessageId: "1" }]]);
  });

  it("drops all of it when the session is someone else's", async () => {
    fake.checks[0]?.(user(BOB));
    await settled();
    await handedOver();

    expect([arrived, store().online, socket.emitted]).toEqual([[], {}, []]);
    expect(useAuthStore.getState().status).toBe("signedOut");
  });
});

describe("live messages held until the connection was confirmed", () => {
  it("go in before what was heard after them (an edit finds its message)", async () => {
    socket.hear("newMessage", stored(2, BOB, ALICE, "lunch at 12"));
    socket.hear("messageUpdated", { ...stored(2, BOB, ALICE, "lunch at 1"), editedAt: new Date().toISOString() });
    fake.checks[0]?.(user(ALICE));
    await vi.waitFor(() => expect(store().conversations[BOB]?.messages.map((m) => m.text)).toEqual(["hi", "lunch at 1"]));
  });
});

describe("live messages", () => {
  beforeEach(async () => {
    fake.checks[0]?.(user(ALICE));
    await vi.waitFor(() => expect(arrivals).toBe(1));
  });

  it("go into the store together when they come in a burst", async () => {
    for (const n of [2, 3, 4]) socket.hear("newMessage", stored(n, BOB, ALICE, `#${n}`));
    await vi.waitFor(() => expect(arrived).toHaveLength(4));
    expect(arrivals).toBe(2);
    expect(store().conversations[BOB]?.messages.map((m) => m.text)).toEqual(["hi", "#2", "#3", "#4"]);
  });

  it("are in the store before anything heard after them (an edit finds its message)", () => {
    socket.hear("newMessage", stored(2, BOB, ALICE, "lunch at 12"));
    socket.hear("messageUpdated", { ...stored(2, BOB, ALICE, "lunch at 1"), editedAt: new Date().toISOString() });
    expect(store().conversations[BOB]?.messages.map((m) => m.text)).toEqual(["hi", "lunch at 1"]);
  });
});

describe("REST after a lost connection (api/http.ts)", () => {
  let fetch: ReturnType<typeof vi.fn>;

  beforeEach(async () => {
    const { sessionStarted } = await import("../api/http");
    sessionStarted();
    fetch = vi.fn(async () => new Response("[]", { status: 200 }));
    vi.stubGlobal("fetch", fetch);
    vi.stubGlobal("navigator", { onLine: true });
    fake.checks[0]?.(user(ALICE));
    await settled();
    socket.connected = false;
    socket.hear("disconnect", "transport close");
  });

  it("waits for the next connection's answer, then goes as me", async () => {
    const { request } = await import("../api/http");
    const page = request("/messages/carol");
    socket.connected = true;
    socket.hear("connect");
    await settled();
    expect(fetch).not.toHaveBeenCalled();

    fake.checks[1]?.(user(ALICE));
    await page;
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("never goes when the answer is someone else", async () => {
    const { request } = await import("../api/http");
    const page = request("/messages/carol");
    socket.connected = true;
    socket.hear("connect");
    fake.checks[1]?.(user(BOB));
    await expect(page).rejects.toMatchObject({ status: 401 });
    expect(fetch).not.toHaveBeenCalled();
  });
});
