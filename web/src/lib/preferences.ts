/** Settings remembered in this browser. localStorage can throw (privacy modes, quotas): never fatal. */

const SOUND_KEY = "socketspace.sound";
const KEY_SOUNDS_KEY = "socketspace.keySounds";

function loadSwitch(key: string, byDefault: boolean): boolean {
  try {
    const saved = globalThis.localStorage?.getItem(key);
    return saved === "on" ? true : saved === "off" ? false : byDefault;
  } catch {
    return byDefault;
  }
}

function saveSwitch(key: string, enabled: boolean): void {
  try {
    globalThis.localStorage?.setItem(key, enabled ? "on" : "off");
  } catch {
    // Not remembered: the toggle still works for this visit.
  }
}

/** Sounds (a message arriving, a click): on unless switched off. */
export const loadSoundEnabled = (): boolean => loadSwitch(SOUND_KEY, true);
export const saveSoundEnabled = (enabled: boolean): void => saveSwitch(SOUND_KEY, enabled);

/** A click for every key typed in the message box: off unless switched on. */
export const loadKeySoundsEnabled = (): boolean => loadSwitch(KEY_SOUNDS_KEY, false);
export const saveKeySoundsEnabled = (enabled: boolean): void => saveSwitch(KEY_SOUNDS_KEY, enabled);

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
