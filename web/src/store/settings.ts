import { create } from "zustand";
import type { Theme } from "../lib/preferences";

interface SettingsState {
  soundEnabled: boolean;
  /** A click for every key typed: off unless chosen. */
  keySoundsEnabled: boolean;
  /** Browser notifications for messages that arrive while the tab is hidden. */
  notifyEnabled: boolean;
  theme: Theme;
  soundToggled: () => void;
  soundLoaded: (enabled: boolean) => void;
  keySoundsToggled: () => void;
  keySoundsLoaded: (enabled: boolean) => void;
  notifyChanged: (enabled: boolean) => void;
  themeChosen: (theme: Theme) => void;
  themeLoaded: (theme: Theme) => void;
}

/** Preferences; loading, saving and applying them is the caller's job (lib/preferences), not the store's. */
export const useSettingsStore = create<SettingsState>()((set) => ({
  soundEnabled: true,
  keySoundsEnabled: false,
  notifyEnabled: false,
  theme: "system",
  soundToggled: () => set((s) => ({ soundEnabled: !s.soundEnabled })),
  soundLoaded: (enabled) => set({ soundEnabled: enabled }),
  keySoundsToggled: () => set((s) => ({ keySoundsEnabled: !s.keySoundsEnabled })),
  keySoundsLoaded: (enabled) => set({ keySoundsEnabled: enabled }),
  notifyChanged: (enabled) => set({ notifyEnabled: enabled }),
  themeChosen: (theme) => set({ theme }),
  themeLoaded: (theme) => set({ theme }),
}));
