import { describe, expect, it } from "vitest";
import type { ChatEntry } from "../../store/chat";
import { unreadCount } from "./useUnreadTitle";

const entry = (chatKey: string, unread: number, muted: boolean): ChatEntry => ({
  chatKey,
  lastMessage: null,
  unreadCount: unread,
  mentionCount: 0,
  muted,
  pinnedAt: null,
});

describe("the title's unread count", () => {
  it("leaves muted conversations out", () => {
    const chats = { bob: entry("bob", 2, true), carol: entry("carol", 3, false), dan: entry("dan", 1, false) };
    expect(unreadCount(chats)).toBe(4);
  });
});
