/** /api/groups: group conversations (issue 17). Every answer that is a group is the whole group. */
import type { Group, GroupRole, Message } from "../types";
import { request } from "./http";
import type { HistoryQuery, SendInput } from "./messages";

const path = (groupId: string, rest = "") => `/groups/${encodeURIComponent(groupId)}${rest}`;

export async function createGroup(name: string, memberIds: string[]): Promise<Group> {
  return (await request<Group>("/groups", { method: "POST", body: { name, memberIds } })).data;
}

export async function fetchGroup(groupId: string): Promise<Group> {
  return (await request<Group>(path(groupId))).data;
}

/** `avatar`: an uploaded picture's id (purpose avatar), or null to go back to initials. */
export async function updateGroup(groupId: string, change: { name?: string; avatar?: string | null }): Promise<Group> {
  return (await request<Group>(path(groupId), { method: "PATCH", body: change })).data;
}

export async function addMembers(groupId: string, userIds: string[]): Promise<Group> {
  return (await request<Group>(path(groupId, "/members"), { method: "POST", body: { userIds } })).data;
}

/** The group when an answer is one (the issue says only "200" for some calls). */
function groupOrNull(data: unknown): Group | null {
  return typeof data === "object" && data !== null && Array.isArray((data as Group).members) ? (data as Group) : null;
}

/** Remove a member, or leave when it is me. The group as it now is, when the server says. */
export async function removeMember(groupId: string, userId: string): Promise<Group | null> {
  const { data } = await request<unknown>(path(groupId, `/members/${encodeURIComponent(userId)}`), { method: "DELETE" });
  return groupOrNull(data);
}

export async function setRole(groupId: string, userId: string, role: Exclude<GroupRole, "owner">): Promise<Group | null> {
  const { data } = await request<unknown>(path(groupId, `/members/${encodeURIComponent(userId)}`), {
    method: "PUT",
    body: { role },
  });
  return groupOrNull(data);
}

export interface GroupPage {
  messages: Message[];
  hasMore: boolean;
}

export async function fetchGroupHistory(groupId: string, query: HistoryQuery = {}): Promise<GroupPage> {
  const params = new URLSearchParams();
  if (query.before) params.set("before", query.before);
  if (query.limit) params.set("limit", String(query.limit));
  const search = params.size > 0 ? `?${params.toString()}` : "";
  const options = query.signal ? { signal: query.signal } : {};
  const { data, headers } = await request<Message[]>(path(groupId, `/messages${search}`), options);
  return { messages: data, hasMore: headers.get("X-Has-More") === "true" };
}

/** REST send, used for pictures; a retried clientId answers with the message first stored. */
export async function sendGroupMessage(groupId: string, input: SendInput): Promise<Message> {
  return (await request<Message>(path(groupId, "/messages"), { method: "POST", body: input })).data;
}

export async function markGroupRead(groupId: string, upToMessageId: string): Promise<string> {
  return (
    await request<{ upToMessageId: string }>(path(groupId, "/read"), { method: "POST", body: { upToMessageId } })
  ).data.upToMessageId;
}
