/**
 * Editing and deleting my own messages over the socket. The ack carries the stored result,
 * which goes into the store at once; the `messageUpdated` / `messageDeleted` echo that follows
 * changes nothing more. Returns whether it worked, so an editor can stay open on failure.
 */
import toast from "react-hot-toast";
import { CallTimeout, callDeleteMessage, callEditMessage } from "../../realtime/socket";
import { useChatStore } from "../../store/chat";
import type { ChatMessage } from "../../store/conversation";
import type { Ack, ChangeAck } from "../../types";

/** The composer's text box, which an edit begun from it (Up) gives the focus back to. */
export const COMPOSER_ID = "composer";

/**
 * My newest message among those loaded, when I may edit it (stored, with text, not deleted);
 * null when it is not (still sending: not the one before it, which Up would wrongly open).
 */
export function lastEditable(messages: ChatMessage[], meId: string | null): ChatMessage | null {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as ChatMessage;
    if (m.senderId !== meId || m.kind === "system") continue;
    return m._id !== null && m.delivery === "sent" && m.text && m.deletedAt === null ? m : null;
  }
  return null;
}

async function settle(call: () => Promise<Ack<ChangeAck>>): Promise<boolean> {
  try {
    const ack = await call();
    if (!ack.ok) {
      toast.error(ack.message);
      return false;
    }
    useChatStore.getState().messageChanged(ack.message);
    return true;
  } catch (error) {
    toast.error(error instanceof CallTimeout ? "Not saved: no connection to the server." : "Something went wrong.");
    return false;
  }
}

export function editOwnMessage(messageId: string, text: string): Promise<boolean> {
  return settle(() => callEditMessage(messageId, text));
}

export function deleteOwnMessage(messageId: string): Promise<boolean> {
  return settle(() => callDeleteMessage(messageId));
}
