/**
 * My reaction, added or taken back: shown at once, then the server's answer replaces it; a
 * refusal (or no answer) undoes it and says why in the server's own words.
 */
import toast from "react-hot-toast";
import { errorMessage } from "../../api/http";
import { setReaction } from "../../api/reactions";
import { useReactionsStore } from "../../store/reactions";

export async function toggleReaction(messageId: string, emoji: string, on: boolean): Promise<void> {
  useReactionsStore.getState().reactionToggled(messageId, emoji, on);
  try {
    const answer = await setReaction(messageId, emoji, on);
    useReactionsStore.getState().reactionsReceived(messageId, answer.reactions, { emoji, on });
  } catch (error) {
    useReactionsStore.getState().reactionRefused(messageId, emoji, on);
    toast.error(errorMessage(error));
  }
}
