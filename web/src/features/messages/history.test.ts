/**
 * A read goes out over the socket, or by REST when there is none; never by REST while the
 * socket is connected but the server has not yet said whose session it is: the cookie may be
 * someone else's now, whose chat would be marked read.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";

const socket = vi.hoisted(() => ({ connected: false, confirming: false, emitted: [] as string[] }));
const rest = vi.hoisted(() => ({ reads: [] as string[] }));

vi.mock("../../realtime/socket", () => ({
  isConnected: () => socket.connected,
  isConfirming: () => socket.confirming,
  emitMarkRead: (_target: unknown, upTo: string) => socket.emitted.push(upTo),
}));
vi.mock("../../api/messages", () => ({
  markRead: async (_partner: string, upTo: string) => rest.reads.push(upTo),
}));
vi.mock("../../api/groups", () => ({
  fetchGroup: async () => undefined,
  markGroupRead: async (_group: string, upTo: string) => rest.reads.push(upTo),
}));

const { reportRead } = await import("./history");
const { BOB, aliceSignedIn } = await import("../../store/chat/testing");

beforeEach(() => {
  socket.emitted = [];
  rest.reads = [];
  aliceSignedIn();
});

describe("reportRead", () => {
  it("goes over the socket when connected as the person shown", () => {
    socket.connected = true;
    socket.confirming = false;
    reportRead(BOB, "7");
    expect([socket.emitted, rest.reads]).toEqual([["7"], []]);
  });

  it("goes by REST when there is no socket", () => {
    socket.connected = false;
    socket.confirming = false;
    reportRead(BOB, "7");
    expect([socket.emitted, rest.reads]).toEqual([[], ["7"]]);
  });

  it("goes by REST while the session is being confirmed (REST waits for the answer: api/http.ts)", () => {
    socket.connected = false;
    socket.confirming = true;
    reportRead(BOB, "7");
    expect([socket.emitted, rest.reads]).toEqual([[], ["7"]]);
  });
});
