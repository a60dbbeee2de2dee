import { create } from "zustand";
import type { Theme } from "../lib/preferences";

interface SettingsState {
  soundEnabled: boolean;
  theme: Theme;
  soundToggled: () => void;
  soundLoaded: (enabled: boolean) => void;
  themeChosen: (theme: Theme) => void;
  themeLoaded: (theme: Theme) => void;
}

/** Preferences; loading, saving and applying them is the caller's job (lib/preferences), not the store's. */
export const useSettingsStore = create<SettingsState>()((set) => ({
  soundEnabled: true,
  theme: "system",
  soundToggled: () => set((s) => ({ soundEnabled: !s.soundEnabled })),
  soundLoaded: (enabled) => set({ soundEnabled: enabled }),
  themeChosen: (theme) => set({ theme }),
  themeLoaded: (theme) => set({ theme }),
}));
