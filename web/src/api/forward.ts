/**
 * Forwarding: a send with `forwardOf` and nothing else; the server copies the original's text
 * and picture (not its quote) and marks the copy `forwarded`. REST, like a picture's send: its
 * refusals arrive as ApiError with the server's sentence, and it gets through while the socket
 * reconnects. A retried `clientId` answers with the message first stored, never a second copy.
 */
import type { Message } from "../types";
import { request } from "./http";

/** Whom it goes to, as the server names them: a person or a group. */
export type ForwardTarget = { receiverId: string } | { groupId: string };

export async function forwardMessage(target: ForwardTarget, messageId: string, clientId: string): Promise<Message> {
  const path =
    "groupId" in target
      ? `/groups/${encodeURIComponent(target.groupId)}/messages`
      : `/messages/send/${encodeURIComponent(target.receiverId)}`;
  return (await request<Message>(path, { method: "POST", body: { forwardOf: messageId, clientId } })).data;
}
