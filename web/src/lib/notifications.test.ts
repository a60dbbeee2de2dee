import { afterEach, describe, expect, it, vi } from "vitest";
import { askNotifyPermission, notificationContent, notifyPermission, shouldNotify, showNotification } from "./notifications";

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("browser notifications", () => {
  it("name the sender and show the text, one per conversation", () => {
    expect(notificationContent("Bob", "b1", "Lunch?", false, 1)).toEqual({ title: "Bob", body: "Lunch?", tag: "chat-b1" });
    expect(notificationContent("Bob", "b1", null, true, 3)).toEqual({
      title: "Bob (3 new messages)",
      body: "📷 A picture",
      tag: "chat-b1",
    });
    expect(notificationContent("Bob", "b1", "x".repeat(500), false, 1).body).toHaveLength(140);
  });

  it("are unsupported, never an error, where the browser has no API", async () => {
    vi.stubGlobal("Notification", undefined);
    expect(notifyPermission()).toBe("unsupported");
    expect(await askNotifyPermission()).toBe("unsupported");
    expect(() => showNotification(notificationContent("Bob", "b", "hi", false, 1), () => undefined)).not.toThrow();
  });

  it("are shown only with permission, and survive a constructor that throws", () => {
    const shown: string[] = [];
    class Fake {
      static permission = "denied";
      onclick: (() => void) | null = null;
      constructor(title: string) {
        shown.push(title);
      }
      close() {}
    }
    vi.stubGlobal("Notification", Fake);
    showNotification(notificationContent("Bob", "b", "hi", false, 1), () => undefined);
    expect(shown).toEqual([]);

    Fake.permission = "granted";
    showNotification(notificationContent("Bob", "b", "hi", false, 1), () => undefined);
    expect(shown).toEqual(["Bob"]);

    class Throwing {
      static permission = "granted";
      constructor() {
        throw new TypeError("Illegal constructor");
      }
    }
    vi.stubGlobal("Notification", Throwing);
    expect(() => showNotification(notificationContent("Bob", "b", "hi", false, 1), () => undefined)).not.toThrow();
  });
});

describe("whether an arrival notifies", () => {
  it("does when nobody sees it, unless muted; a mention of me does even when muted", () => {
    expect(shouldNotify({ unnoticed: true, muted: false, mentioned: false, fromBlocked: false })).toBe(true);
    expect(shouldNotify({ unnoticed: true, muted: true, mentioned: false, fromBlocked: false })).toBe(false);
    expect(shouldNotify({ unnoticed: true, muted: true, mentioned: true, fromBlocked: false })).toBe(true);
    expect(shouldNotify({ unnoticed: true, muted: false, mentioned: true, fromBlocked: false })).toBe(true);
  });

  it("never through mute for a mention from someone I blocked; unmuted as any message", () => {
    expect(shouldNotify({ unnoticed: true, muted: true, mentioned: true, fromBlocked: true })).toBe(false);
    expect(shouldNotify({ unnoticed: true, muted: false, mentioned: true, fromBlocked: true })).toBe(true);
  });

  it("never for what is already on screen, mentioned or not", () => {
    expect(shouldNotify({ unnoticed: false, muted: false, mentioned: true, fromBlocked: false })).toBe(false);
    expect(shouldNotify({ unnoticed: false, muted: true, mentioned: true, fromBlocked: false })).toBe(false);
  });
});
