/** Settings remembered in this browser. localStorage can throw (privacy modes, quotas): never fatal. */

const SOUND_KEY = "socketspace.sound";

export function loadSoundEnabled(): boolean {
  try {
    return globalThis.localStorage?.getItem(SOUND_KEY) !== "off";
  } catch {
    return true;
  }
}

export function saveSoundEnabled(enabled: boolean): void {
  try {
    globalThis.localStorage?.setItem(SOUND_KEY, enabled ? "on" : "off");
  } catch {
    // Not remembered: the toggle still works for this visit.
  }
}

export type Theme = "light" | "dark" | "system";
export const THEMES: readonly Theme[] = ["light", "dark", "system"];
const THEME_KEY = "socketspace.theme";

export function loadTheme(): Theme {
  try {
    const saved = globalThis.localStorage?.getItem(THEME_KEY);
    return THEMES.find((t) => t === saved) ?? "system";
  } catch {
    return "system";
  }
}

export function saveTheme(theme: Theme): void {
  try {
    globalThis.localStorage?.setItem(THEME_KEY, theme);
  } catch {
    // Not remembered: the choice still holds for this visit.
  }
}

/** daisyUI reads `data-theme` on <html>; without it, the system's preference decides. */
export function applyTheme(theme: Theme): void {
  const root = globalThis.document?.documentElement;
  if (!root) return;
  if (theme === "system") root.removeAttribute("data-theme");
  else root.setAttribute("data-theme", theme);
}
