/**
 * Forwarding a message to conversations of mine: one send each with `forwardOf` (the server
 * copies the text and picture, never the quote), put in the store as my own stored message (as
 * the `newMessage` echo would), then one toast that says where it went and opens it.
 */
import toast from "react-hot-toast";
import { forwardMessage } from "../../api/forward";
import { errorMessage } from "../../api/http";
import { newClientId } from "../../lib/ids";
import { targetOf, useChatStore } from "../../store/chat";

const store = () => useChatStore.getState();

/** How many conversations one forward may go to at once (WhatsApp's limit too). */
export const FORWARD_MAX = 5;

export interface Destination {
  chatKey: string;
  name: string;
}

/** Sends to each in turn; answers those it could not reach (said in a toast), to try again. */
export async function forwardTo(messageId: string, destinations: Destination[]): Promise<Destination[]> {
  const sent: Destination[] = [];
  const failed: Destination[] = [];
  const failures: string[] = [];
  for (const destination of destinations) {
    try {
      const message = await forwardMessage(targetOf(destination.chatKey), messageId, newClientId());
      store().messageReceived(message);
      sent.push(destination);
    } catch (error) {
      failed.push(destination);
      failures.push(`${destination.name}: ${errorMessage(error)}`);
    }
  }
  if (failures.length > 0) toast.error(`Not forwarded to ${failures.join("; ")}`, { id: "forward-failed" });
  if (sent.length > 0) forwarded(sent);
  return failed;
}

/** "Forwarded to Bob", with a way to the conversation (the first, when there were several). */
function forwarded(sent: Destination[]): void {
  const [first] = sent;
  if (!first) return;
  const where = sent.length === 1 ? first.name : `${sent.length} chats`;
  toast.success(
    (t) => (
      <span className="flex items-center gap-3" data-testid="forward-toast">
        <span>Forwarded to {where}</span>
        <button
          type="button"
          // Toasts let clicks through (Toasts.tsx); this button takes its own.
          className="btn btn-primary btn-xs pointer-events-auto"
          onClick={() => {
            toast.dismiss(t.id);
            store().chatOpened(first.chatKey);
          }}
        >
          Open {sent.length === 1 ? "chat" : first.name}
        </button>
      </span>
    ),
    { id: "forwarded", duration: 6000 },
  );
}
