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
