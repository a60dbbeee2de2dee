import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { applyTheme, loadKeySoundsEnabled, loadSoundEnabled, loadTheme, saveKeySoundsEnabled, saveSoundEnabled, saveTheme } from "./preferences";

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  };
}

function fakeRoot() {
  const attributes = new Map<string, string>();
  return {
    attributes,
    setAttribute: (name: string, value: string) => void attributes.set(name, value),
    removeAttribute: (name: string) => void attributes.delete(name),
  };
}

describe("the theme", () => {
  let root: ReturnType<typeof fakeRoot>;

  beforeEach(() => {
    root = fakeRoot();
    vi.stubGlobal("localStorage", memoryStorage());
    vi.stubGlobal("document", { documentElement: root });
  });
  afterEach(() => vi.unstubAllGlobals());

  it("follows the system until one is chosen, then remembers the choice", () => {
    expect(loadTheme()).toBe("system");
    saveTheme("dark");
    expect(loadTheme()).toBe("dark");
  });

  it("ignores a remembered value it does not know", () => {
    localStorage.setItem("socketspace.theme", "sepia");
    expect(loadTheme()).toBe("system");
  });

  it("falls back to the system when storage is unavailable", () => {
    vi.stubGlobal("localStorage", {
      getItem: () => {
        throw new Error("denied");
      },
    });
    expect(loadTheme()).toBe("system");
  });

  it("sets daisyUI's data-theme for light and dark, and removes it for the system's choice", () => {
    applyTheme("dark");
    expect(root.attributes.get("data-theme")).toBe("dark");
    applyTheme("light");
    expect(root.attributes.get("data-theme")).toBe("light");
    applyTheme("system");
    expect(root.attributes.has("data-theme")).toBe(false);
  });
});

describe("the sounds", () => {
  beforeEach(() => vi.stubGlobal("localStorage", memoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  it("are on by default, but the keys are quiet until their clicks are chosen", () => {
    expect(loadSoundEnabled()).toBe(true);
    expect(loadKeySoundsEnabled()).toBe(false);
  });

  it("remember each switch on its own", () => {
    saveKeySoundsEnabled(true);
    saveSoundEnabled(false);
    expect(loadKeySoundsEnabled()).toBe(true);
    expect(loadSoundEnabled()).toBe(false);
  });

  it("keep their defaults when storage is unavailable", () => {
    vi.stubGlobal("localStorage", {
      getItem: () => {
        throw new Error("denied");
      },
    });
    expect(loadSoundEnabled()).toBe(true);
    expect(loadKeySoundsEnabled()).toBe(false);
  });
});
