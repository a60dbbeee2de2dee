/**
 * A conversation's history page by its chat key, a direct chat's or a group's: the one choice of
 * endpoint, shared by the conversation's own loading (features/messages/history.ts) and the
 * reactions asked again after a reconnect (realtime/staleReactions.ts), which may not import a feature.
 */
import { groupIdOf } from "../store/chat/keys";
import type { HistoryPage } from "../types";
import { fetchGroupHistory } from "./groups";
import { fetchHistory, type HistoryQuery } from "./messages";

/** A group's page has no partner's pointer ("Seen by" reads the members'). */
export async function fetchChatPage(chatKey: string, query: HistoryQuery = {}): Promise<HistoryPage> {
  const groupId = groupIdOf(chatKey);
  if (groupId === null) return fetchHistory(chatKey, query);
  return { ...(await fetchGroupHistory(groupId, query)), partnerReadUpTo: null };
}
