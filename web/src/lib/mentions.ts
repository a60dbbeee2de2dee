/**
 * Mentions, as the composer types them and a bubble draws them. A mention travels by id (the
 * message's `mentions`); the text carries `@Full Name` for people to read. These pure rules
 * find the `@…` being typed, the members it may mean, put the chosen name in, and at sending
 * keep only the ids whose `@Name` is still in the text.
 */

export interface Mentionable {
  _id: string;
  fullName: string;
}

/** The `@…` at the caret: where its `@` stands and what follows it up to the caret. */
export interface MentionQuery {
  start: number;
  query: string;
}

/** How far back from the caret an `@` may stand (a full name and then some). */
const QUERY_MAX = 40;
export const SUGGESTIONS_MAX = 8;
/**
 * People one message may mention: the server's MENTIONS_MAX (schemas/message.py), which
 * refuses more; tests/api/test_mentions.py checks that the two agree.
 */
export const MENTIONS_MAX = 50;

/**
 * The mention being typed at the caret, if any: an `@` at the start or after a space or an
 * opening bracket, then up to the caret no line break and no space at either end ("a@b.c" is
 * an address, "@ " nothing, "@Bob Builder " a name already finished).
 */
export function mentionQueryAt(text: string, caret: number): MentionQuery | null {
  if (caret <= 0) return null;
  const from = Math.max(0, caret - QUERY_MAX - 1);
  const start = text.lastIndexOf("@", caret - 1);
  if (start < from || start < 0) return null;
  const before = start === 0 ? " " : text[start - 1];
  if (before === undefined || !/[\s([{"']/.test(before)) return null;
  const query = text.slice(start + 1, caret);
  // A space at either end: nothing begun yet, or a name finished (the list would reopen on it).
  if (/[\n\r@]/.test(query) || /^\s|\s$/.test(query)) return null;
  return { start, query };
}

/** Case and accents folded: "élo" finds "Élodie". */
function fold(value: string): string {
  return value.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/**
 * The members a query may mean: those whose name, or a word of it, starts with it (folded),
 * whole-name matches first, then by name; never `exceptId` (me).
 */
export function matchMembers<T extends Mentionable>(members: readonly T[], query: string, exceptId: string | null): T[] {
  const wanted = fold(query.trimEnd());
  const scored: { member: T; rank: number }[] = [];
  for (const member of members) {
    if (member._id === exceptId) continue;
    const name = fold(member.fullName);
    if (name.startsWith(wanted)) scored.push({ member, rank: 0 });
    else if (name.split(/\s+/).some((word) => word.startsWith(wanted))) scored.push({ member, rank: 1 });
  }
  scored.sort((a, b) => a.rank - b.rank || a.member.fullName.localeCompare(b.member.fullName));
  return scored.slice(0, SUGGESTIONS_MAX).map((s) => s.member);
}

/** The text with the query replaced by `@Full Name ` and the caret after it. */
export function insertMention(text: string, at: MentionQuery, caret: number, name: string): { text: string; caret: number } {
  const inserted = `@${name} `;
  return { text: text.slice(0, at.start) + inserted + text.slice(caret), caret: at.start + inserted.length };
}

/** `@name` stands in the text, not as the start of a longer word ("@Bo" in "@Bob"), as the server reads it. */
function names(text: string, name: string): boolean {
  const wanted = `@${name}`;
  for (let at = text.indexOf(wanted); at !== -1; at = text.indexOf(wanted, at + 1)) {
    if (!/[\p{L}\p{N}]/u.test(text.charAt(at + wanted.length))) return true;
  }
  return false;
}

/** The ids to send: those picked whose `@Name` is still in the text, each once. */
export function mentionedIds(text: string, picked: readonly Mentionable[]): string[] {
  const ids: string[] = [];
  for (const person of picked) {
    if (!ids.includes(person._id) && names(text, person.fullName)) ids.push(person._id);
  }
  return ids;
}

/** Whether the draft may name one more member: the server takes at most MENTIONS_MAX. */
export function canMentionMore(text: string, picked: readonly Mentionable[]): boolean {
  return mentionedIds(text, picked).length < MENTIONS_MAX;
}

/**
 * The picks to keep with a draft after `member` is picked: those still named in the text,
 * then the new one (a list that only grew would carry every name ever picked and deleted).
 */
export function keepPicks(text: string, picked: readonly Mentionable[], member: Mentionable): Mentionable[] {
  const kept = mentionedIds(text, picked)
    .filter((id) => id !== member._id)
    .flatMap((id) => picked.filter((p) => p._id === id).slice(0, 1));
  return [...kept, member].map(({ _id, fullName }) => ({ _id, fullName }));
}

export type MentionSegment = { text: string } | { text: string; userId: string };

/**
 * A piece of text cut where a mentioned person's `@Name` stands, so it can be drawn as a chip.
 * Only the people the message mentions (by id) count: an `@Name` typed by hand stays text.
 */
export function splitMentions(text: string, people: readonly { userId: string; name: string }[]): MentionSegment[] {
  // Longest names first, so "@Ann Lee" is not cut as "@Ann".
  const names = people.filter((p) => p.name).sort((a, b) => b.name.length - a.name.length);
  const segments: MentionSegment[] = [];
  let plain = "";
  let i = 0;
  while (i < text.length) {
    const found = text[i] === "@" ? names.find((p) => text.startsWith(`@${p.name}`, i)) : undefined;
    if (found) {
      if (plain) segments.push({ text: plain });
      plain = "";
      segments.push({ text: `@${found.name}`, userId: found.userId });
      i += found.name.length + 1;
    } else {
      plain += text[i];
      i += 1;
    }
  }
  if (plain) segments.push({ text: plain });
  return segments;
}
