import type { ChatSummary, Message, Person } from "../types";
import { request } from "./http";

export async function fetchChats(): Promise<ChatSummary[]> {
  return (await request<ChatSummary[]>("/messages/chats")).data;
}

export async function fetchContacts(): Promise<Person[]> {
  return (await request<Person[]>("/messages/contacts")).data;
}

export interface HistoryPage {
  messages: Message[];
  hasMore: boolean;
}

export async function fetchHistory(partnerId: string, signal?: AbortSignal): Promise<HistoryPage> {
  const options = signal ? { signal } : {};
  const { data, headers } = await request<Message[]>(`/messages/${encodeURIComponent(partnerId)}`, options);
  return { messages: data, hasMore: headers.get("X-Has-More") === "true" };
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
