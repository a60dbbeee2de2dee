/**
 * The most characters a message holds: the server's TEXT_MAX (services/messages.py), by hand
 * (tests/api/test_messages.py checks they agree), counted as the server counts: `characters`.
 */
export const TEXT_MAX = 2000;

const PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

/**
 * How many characters the server counts in a text: code points (Python's len), so an emoji
 * outside the first plane is one, where a string's length (and a text box's maxLength) counts
 * it as two UTF-16 units.
 */
export function characters(text: string): number {
  return text.length - (text.match(PAIR)?.length ?? 0);
}

/** The first `count` characters of a text, never half of a pair of UTF-16 units. */
export function firstCharacters(text: string, count: number): string {
  return Array.from(text).slice(0, Math.max(0, count)).join("");
}

/** A server's message as a sentence: a capital first letter and a full stop. */
export function asSentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?…]$/.test(capital) ? capital : `${capital}.`;
}
