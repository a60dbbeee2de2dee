/**
 * Adding and taking back my reaction: PUT / DELETE /api/messages/{id}/reactions/{emoji}.
 * REST rather than the socket's `react`: it gets through while the socket is reconnecting, its
 * refusals arrive as ApiError with the server's sentence like every other call here, and the
 * answer carries the same reactions as the ack would. Both are idempotent.
 */
import type { ReactionsOfMessage } from "../types/reactions";
import { request } from "./http";

export async function setReaction(messageId: string, emoji: string, on: boolean): Promise<ReactionsOfMessage> {
  const path = `/messages/${encodeURIComponent(messageId)}/reactions/${encodeURIComponent(emoji)}`;
  return (await request<ReactionsOfMessage>(path, { method: on ? "PUT" : "DELETE" })).data;
}
