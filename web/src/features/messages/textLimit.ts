/**
 * The limit of a message's text in the boxes that write one (the composer, the editor), counted
 * as the server counts (an emoji is one character). Not the browser's maxLength, which counts
 * UTF-16 units: an emoji filled two places, and 1,000 of them filled the box.
 */
import type { ChangeEvent, ClipboardEvent, CompositionEvent } from "react";
import toast from "react-hot-toast";
import { TEXT_MAX, characters, firstCharacters } from "../../lib/text";

const TOO_LONG = `A message holds up to ${TEXT_MAX.toLocaleString("en")} characters: the rest was left out.`;

/** Says that the text cannot hold more (one toast, however often it is said). */
function sayTooLong(): void {
  toast.error(TOO_LONG, { id: "text-limit" });
}

/** Whether a text fits a message; when not, says so. */
export function fitsMessage(value: string): boolean {
  if (characters(value) <= TEXT_MAX) return true;
  sayTooLong();
  return false;
}

/**
 * Whether a text box's change (typing, deleting) is taken. One that would go over the limit is
 * not: the person is told, the box gets its text back, and the caret goes back to where it was
 * (given its old text back, the box puts the caret at its end). Taken: whatever does not make
 * the text longer, and everything while an input method composes (what it shows is not what it
 * will write: `composedWithin` checks that at its end).
 */
function changeFits(event: ChangeEvent<HTMLTextAreaElement>, before: string): boolean {
  const box = event.currentTarget;
  const value = box.value;
  const composing = (event.nativeEvent as InputEvent).isComposing === true;
  if (composing || characters(value) <= Math.max(TEXT_MAX, characters(before))) return true;
  sayTooLong();
  const caret = Math.max(0, box.selectionStart - (value.length - before.length));
  // After React has put the old text back, at the end of this event.
  queueMicrotask(() => box.setSelectionRange(caret, caret));
  return false;
}

/** At the end of a composition, what fits of the text (null: all of it), said when cut. */
function composedWithin(event: CompositionEvent<HTMLTextAreaElement>): string | null {
  const value = event.currentTarget.value;
  if (characters(value) <= TEXT_MAX) return null;
  sayTooLong();
  return firstCharacters(value, TEXT_MAX);
}

/**
 * Pasted text that does not fit whole: what fits goes in at the caret, and the person is told.
 * The new text and where its caret goes, or null when all of it fits (the paste goes ahead).
 */
function pastedWithin(box: HTMLTextAreaElement, clipboard: string): { text: string; caret: number } | null {
  const pasted = clipboard.replace(/\r\n?/g, "\n"); // as a text box keeps line breaks
  const before = box.value.slice(0, box.selectionStart);
  const after = box.value.slice(box.selectionEnd);
  const room = TEXT_MAX - characters(before) - characters(after);
  if (characters(pasted) <= room) return null;
  const kept = firstCharacters(pasted, room);
  sayTooLong();
  return { text: before + kept + after, caret: before.length + kept.length };
}

/**
 * The limit in a box holding `text` (the composer, the editor): `takes` a change or not, and
 * what a composition or a paste writes is cut to fit. `write` makes a text the box's, drawn
 * before it returns (flushSync): the caret is then set on the new text.
 */
export function textLimit(text: string, write: (next: string) => void) {
  const put = (box: HTMLTextAreaElement, next: string, caret: number) => {
    write(next);
    box.setSelectionRange(caret, caret);
  };
  return {
    takes: (event: ChangeEvent<HTMLTextAreaElement>) => changeFits(event, text),
    onCompositionEnd(event: CompositionEvent<HTMLTextAreaElement>) {
      const fitted = composedWithin(event);
      if (fitted !== null) put(event.currentTarget, fitted, fitted.length);
    },
    /** Text pasted (a picture is the caller's): what fits of it, when not all does. */
    onPaste(event: ClipboardEvent<HTMLTextAreaElement>) {
      const fitted = pastedWithin(event.currentTarget, event.clipboardData.getData("text"));
      if (fitted === null) return;
      event.preventDefault();
      put(event.currentTarget, fitted.text, fitted.caret);
    },
  };
}
