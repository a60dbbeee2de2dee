/** Which chat's Mute… was chosen: <MuteDialog /> asks for how long. */
import { create } from "zustand";

interface MuteQuestion {
  chatKey: string | null;
}

export const useMuteQuestion = create<MuteQuestion>(() => ({ chatKey: null }));

export function askMute(chatKey: string): void {
  useMuteQuestion.setState({ chatKey });
}

export function muteAnswered(): void {
  useMuteQuestion.setState({ chatKey: null });
}
