/**
 * The most characters a message holds: the server's TEXT_MAX (services/messages.py), by hand
 * (tests/api/test_messages.py checks they agree). The text boxes count UTF-16 units (the
 * browser's maxLength), the server code points: an emoji counts twice here, never more than there.
 */
export const TEXT_MAX = 2000;

/** A server's message as a sentence: a capital first letter and a full stop. */
export function asSentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?…]$/.test(capital) ? capital : `${capital}.`;
}
