/**
 * The lists asked again for a stranger's message: never lost to an answer already in flight.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";

const api = vi.hoisted(() => ({ asked: 0, answers: [] as Array<() => void> }));

vi.mock("../../api/messages", () => ({
  fetchConversations: () =>
    new Promise((resolve) => {
      api.asked += 1;
      api.answers.push(() => resolve([]));
    }),
  fetchContacts: async () => ({ people: [], next: null }),
}));

const { noticeArrivals } = await import("./lists");
const { aliceSignedIn } = await import("../../store/chat/testing");

const ERIN = "e".repeat(24);
const FAY = "f".repeat(24);

const fromStranger = (chatKey: string) => ({
  isNew: true,
  incoming: true,
  unnoticed: true,
  chatKey,
  groupId: null,
  mentioned: false,
  senderId: chatKey,
});

beforeEach(() => {
  api.asked = 0;
  api.answers = [];
  aliceSignedIn();
});

describe("a message from someone the lists do not know", () => {
  it("asks for the lists again after the answer in flight, which may not know them yet", async () => {
    noticeArrivals([fromStranger(ERIN)]);
    expect(api.asked).toBe(1);
    noticeArrivals([fromStranger(FAY)]); // arrives while the first answer is on its way
    noticeArrivals([fromStranger(FAY)]);
    expect(api.asked).toBe(1);

    api.answers.shift()?.();
    await vi.waitFor(() => expect(api.asked).toBe(2));
    api.answers.shift()?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(api.asked).toBe(2); // once more, not once per arrival
  });
});
