/**
 * The limit of a message's text in the boxes that write one (the composer, the editor), counted
 * as the server counts (an emoji is one character). Not the browser's maxLength, which counts
 * UTF-16 units: an emoji filled two places, and 1,000 of them filled the box.
 */
import toast from "react-hot-toast";
import { TEXT_MAX, characters, firstCharacters } from "../../lib/text";

const TOO_LONG = `A message holds up to ${TEXT_MAX.toLocaleString("en")} characters: the rest was left out.`;

/** Says that the text cannot hold more (one toast, however often it is said). */
export function sayTooLong(): void {
  toast.error(TOO_LONG, { id: "text-limit" });
}

/** Whether a text box's new value fits a message; when not, says so (the box keeps its text). */
export function fitsMessage(value: string): boolean {
  if (characters(value) <= TEXT_MAX) return true;
  sayTooLong();
  return false;
}

/**
 * Pasted text that does not fit whole: what fits goes in at the caret, and the person is told.
 * The new text and where its caret goes, or null when all of it fits (the paste goes ahead).
 */
export function pastedWithin(box: HTMLTextAreaElement, pasted: string): { text: string; caret: number } | null {
  const before = box.value.slice(0, box.selectionStart);
  const after = box.value.slice(box.selectionEnd);
  const room = TEXT_MAX - characters(before) - characters(after);
  if (characters(pasted) <= room) return null;
  const kept = firstCharacters(pasted, room);
  sayTooLong();
  return { text: before + kept + after, caret: before.length + kept.length };
}
