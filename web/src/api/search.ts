import type { Message } from "../types";
import { request } from "./http";

/** Where a found message is: a direct chat (the other person) or a group. */
export interface FoundIn {
  type: "direct" | "group";
  _id: string;
  fullName?: string | null;
  profilePic?: string | null;
  name?: string | null;
  avatar?: string | null;
}

export interface SearchResult {
  message: Message;
  conversation: FoundIn;
  /** The text with <mark> around the matched words and everything else HTML-escaped. */
  snippet: string;
}

export interface SearchPage {
  results: SearchResult[];
  hasMore: boolean;
}

export interface SearchQuery {
  q: string;
  /** Only this conversation: a person's id or a group's. */
  conversationId?: string;
  /** Only messages older than this id (the next page). */
  before?: string;
  signal?: AbortSignal;
}

/** GET /api/search: messages I may read, newest first. */
export async function searchMessages({ q, conversationId, before, signal }: SearchQuery): Promise<SearchPage> {
  const params = new URLSearchParams({ q });
  if (conversationId) params.set("conversationId", conversationId);
  if (before) params.set("before", before);
  return (await request<SearchPage>(`/search?${params}`, signal ? { signal } : {})).data;
}
