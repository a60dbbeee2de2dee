/** Which chat's Mute… was chosen: <MuteDialog /> asks for how long. */
import { create } from "zustand";

interface MuteQuestion {
  chatKey: string | null;
  /** What had the focus when it was asked (the menu's opener): it gets it back after. */
  opener: HTMLElement | null;
}

export const useMuteQuestion = create<MuteQuestion>(() => ({ chatKey: null, opener: null }));

/**
 * Asked from a menu: the question opens once the menu has closed and given the focus back to
 * what opened it, which is where the focus goes again when the question is answered.
 */
export function askMute(chatKey: string): void {
  requestAnimationFrame(() => {
    const focused = document.activeElement;
    useMuteQuestion.setState({ chatKey, opener: focused instanceof HTMLElement && focused !== document.body ? focused : null });
  });
}

export function muteAnswered(): void {
  const { opener } = useMuteQuestion.getState();
  useMuteQuestion.setState({ chatKey: null, opener: null });
  // Once the dialog has gone (while it is open, nothing outside it takes the focus).
  if (opener) requestAnimationFrame(() => opener.focus({ preventScroll: true }));
}
