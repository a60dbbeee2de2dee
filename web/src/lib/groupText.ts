/** The sentences a group conversation shows: system messages, who is typing, who has seen. */
import type { SystemEvent } from "../types";

/** "Ada" of "Ada Lovelace": how a group names its members in passing. */
export function firstName(fullName: string): string {
  return fullName.trim().split(/\s+/)[0] || fullName;
}

/** "Ada", "Ada and Bo", "Ada, Bo and Cy". */
export function listNames(names: string[]): string {
  if (names.length <= 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** "Ada is typing…", "Ada and Bo are typing…", "Ada, Bo and 2 others are typing…"; "" for nobody. */
export function typingSentence(fullNames: string[]): string {
  const names = fullNames.map(firstName);
  if (names.length === 0) return "";
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length <= 3) return `${listNames(names)} are typing…`;
  const others = names.length - 2;
  return `${names[0]}, ${names[1]} and ${others} others are typing…`;
}

const ROLE_WORD: Record<string, string> = { owner: "the owner", admin: "an admin", member: "a member" };

/**
 * What a system message says, e.g. "Ada added Bo and Cy", "Ada renamed the group to Hikers",
 * "Bo left". `nameOf` gives a person's full name; `meId` becomes "You".
 */
export function systemText(event: SystemEvent, nameOf: (userId: string) => string, meId: string | null): string {
  const who = (id: string, start: boolean) => (id === meId ? (start ? "You" : "you") : nameOf(id));
  const actor = who(event.actorId, true);
  const targets = listNames((event.userIds ?? []).map((id) => who(id, false)));
  switch (event.action) {
    case "created":
      return event.name ? `${actor} created the group “${event.name}”` : `${actor} created the group`;
    case "added":
      return `${actor} added ${targets || "someone"}`;
    case "removed":
      return `${actor} removed ${targets || "someone"}`;
    case "left":
      return `${actor} left`;
    case "renamed":
      return event.name ? `${actor} renamed the group to “${event.name}”` : `${actor} renamed the group`;
    case "avatar":
      return `${actor} changed the group picture`;
    case "role": {
      // The role given, where the server names it (`role`, or `name` for this action).
      const role = ROLE_WORD[event.role ?? event.name ?? ""];
      if (role) return `${actor} made ${targets || "someone"} ${role}`;
      return `${actor} changed the role of ${targets || "someone"}`;
    }
    default:
      return `${actor} changed the group`;
  }
}
