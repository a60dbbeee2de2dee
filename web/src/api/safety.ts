/** Blocking people and reporting messages: /api/users/…/block and /api/messages/…/report. */
import type { Person } from "../types";
import { request } from "./http";

const blockPath = (userId: string) => `/users/${encodeURIComponent(userId)}/block`;

/** The people I blocked, by name. */
export async function fetchBlocked(): Promise<Person[]> {
  return (await request<{ blocked: string[]; people: Person[] }>("/users/blocked")).data.people;
}

/** The ids of everyone I block once this one is blocked too. */
export async function blockPerson(userId: string): Promise<string[]> {
  return (await request<{ blocked: string[] }>(blockPath(userId), { method: "POST" })).data.blocked;
}

export async function unblockPerson(userId: string): Promise<string[]> {
  return (await request<{ blocked: string[] }>(blockPath(userId), { method: "DELETE" })).data.blocked;
}

/** The server's thanks, to show. */
export async function reportMessage(messageId: string, reason: string): Promise<string> {
  const path = `/messages/${encodeURIComponent(messageId)}/report`;
  return (await request<{ message: string }>(path, { method: "POST", body: { reason } })).data.message;
}
