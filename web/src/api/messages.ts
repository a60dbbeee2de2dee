import type { ChatSummary, ConversationSummary, HistoryPage, Message, Person } from "../types";
import { ApiError, type ApiResponse, request } from "./http";
import { takePrefetched } from "./prefetch";

export const CHATS_PATH = "/messages/chats";
/** Direct chats and groups together (issue 17); CHATS_PATH on a server without groups. */
export const CONVERSATIONS_PATH = "/conversations";
/** Pages of the conversations list followed at most, should a server never say "no more". */
const MAX_CONVERSATION_PAGES = 50;
/** People per page of the contacts list (the server's keyset paging, by name). */
const CONTACTS_PAGE = 500;
export const CONTACTS_PATH = contactsPath({});

/** A prefetched answer when there is one (a failed one is asked again), else a request. */
async function fresh<T>(path: string): Promise<ApiResponse<T>> {
  const early = takePrefetched<T>(path);
  if (early) {
    try {
      return await early;
    } catch {
      // Started before the session was known: ask again now.
    }
  }
  return request<T>(path);
}

export async function fetchChats(): Promise<ChatSummary[]> {
  return (await fresh<ChatSummary[]>(CHATS_PATH)).data;
}

/**
 * Every direct chat and group of mine, newest activity first, page after page (the server
 * names the next page's `before` in X-Next-Before). A server without groups answers 404: then the direct chats alone.
 */
export async function fetchConversations(): Promise<ConversationSummary[]> {
  let page: ApiResponse<ConversationSummary[]>;
  try {
    page = await fresh<ConversationSummary[]>(CONVERSATIONS_PATH);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      return (await fetchChats()).map((chat) => ({ ...chat, type: "direct" as const }));
    }
    throw error;
  }
  const all = [...page.data];
  for (let pages = 1; hasMore(page) && pages < MAX_CONVERSATION_PAGES; pages++) {
    const before = page.headers.get("X-Next-Before") ?? all[all.length - 1]?.lastMessage?._id;
    if (!before) break;
    page = await request<ConversationSummary[]>(`${CONVERSATIONS_PATH}?before=${encodeURIComponent(before)}`);
    if (page.data.length === 0) break;
    all.push(...page.data);
  }
  return all;
}

const hasMore = (page: ApiResponse<unknown>) => page.headers.get("X-Has-More") === "true";

export interface ContactsQuery {
  /** Part of a name, any case; everyone when empty. */
  q?: string;
  /** The page after this one (the previous page's X-Next-Cursor). */
  cursor?: string;
}

function contactsPath({ q, cursor }: ContactsQuery): string {
  const params = new URLSearchParams({ limit: String(CONTACTS_PAGE) });
  if (q) params.set("q", q);
  if (cursor) params.set("cursor", cursor);
  return `/messages/contacts?${params.toString()}`;
}

/** One page of people by name, and the cursor of the next page (null after the last). */
export async function fetchContacts(query: ContactsQuery = {}): Promise<{ people: Person[]; next: string | null }> {
  const { data, headers } = await fresh<Person[]>(contactsPath(query));
  return { people: data, next: headers.get("X-Next-Cursor") };
}

export interface HistoryQuery {
  /** The page before this message id; the newest page without it. */
  before?: string;
  limit?: number;
  signal?: AbortSignal;
}

export async function fetchHistory(partnerId: string, query: HistoryQuery = {}): Promise<HistoryPage> {
  const params = new URLSearchParams();
  if (query.before) params.set("before", query.before);
  if (query.limit) params.set("limit", String(query.limit));
  const search = params.size > 0 ? `?${params.toString()}` : "";
  const options = query.signal ? { signal: query.signal } : {};
  const { data, headers } = await request<Message[]>(`/messages/${encodeURIComponent(partnerId)}${search}`, options);
  return {
    messages: data,
    hasMore: headers.get("X-Has-More") === "true",
    partnerReadUpTo: headers.get("X-Partner-Read-Up-To"),
  };
}

export interface SendInput {
  text?: string;
  image?: string;
  clientId: string;
  /** The message this one answers. */
  replyToId?: string;
  /** Groups only: the members the text names. */
  mentions?: string[];
}

/** REST send: used for images, which are too large for a socket frame. */
export async function sendMessage(receiverId: string, input: SendInput): Promise<Message> {
  return (
    await request<Message>(`/messages/send/${encodeURIComponent(receiverId)}`, {
      method: "POST",
      body: input,
    })
  ).data;
}

export async function markRead(partnerId: string, upToMessageId: string): Promise<string> {
  return (
    await request<{ upToMessageId: string }>(`/messages/read/${encodeURIComponent(partnerId)}`, {
      method: "POST",
      body: { upToMessageId },
    })
  ).data.upToMessageId;
}
