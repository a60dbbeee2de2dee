import type { ChatSummary, HistoryPage, Message, Person } from "../types";
import { request } from "./http";
import { takePrefetched } from "./prefetch";

export const CHATS_PATH = "/messages/chats";
export const CONTACTS_PATH = "/messages/contacts";

/** A prefetched answer when there is one (a failed one is asked again), else a request. */
async function fresh<T>(path: string): Promise<T> {
  const early = takePrefetched<T>(path);
  if (early) {
    try {
      return await early;
    } catch {
      // Started before the session was known: ask again now.
    }
  }
  return (await request<T>(path)).data;
}

export async function fetchChats(): Promise<ChatSummary[]> {
  return fresh<ChatSummary[]>(CHATS_PATH);
}

export async function fetchContacts(): Promise<Person[]> {
  return fresh<Person[]>(CONTACTS_PATH);
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
