import { create } from "zustand";

interface SettingsState {
  soundEnabled: boolean;
  soundToggled: () => void;
  soundLoaded: (enabled: boolean) => void;
}

/** Preferences; loading and saving them is the caller's job (lib/preferences), not the store's. */
export const useSettingsStore = create<SettingsState>()((set) => ({
  soundEnabled: true,
  soundToggled: () => set((s) => ({ soundEnabled: !s.soundEnabled })),
  soundLoaded: (enabled) => set({ soundEnabled: enabled }),
}));
