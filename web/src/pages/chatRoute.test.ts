import { describe, expect, it } from "vitest";
import { chatKeyFromPath, chatPath } from "./chatRoute";

const BOB = "b".repeat(24);

describe("conversation addresses", () => {
  it("give a person and a group each their own address, and read them back", () => {
    expect(chatPath(BOB)).toBe(`/chat/u/${BOB}`);
    expect(chatPath(`g:${BOB}`)).toBe(`/chat/g/${BOB}`);
    expect(chatPath(null)).toBe("/chat");

    expect(chatKeyFromPath(`/chat/u/${BOB}`)).toBe(BOB);
    expect(chatKeyFromPath(`/chat/g/${BOB}/`)).toBe(`g:${BOB}`);
  });

  it("open nothing for /chat or an address that names no conversation", () => {
    expect(chatKeyFromPath("/chat")).toBeNull();
    expect(chatKeyFromPath("/chat/x/1")).toBeNull();
    expect(chatKeyFromPath("/chat/u/")).toBeNull();
    expect(chatKeyFromPath("/chat/g/%E0%A4%A")).toBeNull();
  });
});
