/** Replies: the quote a message carries, and the words it is shown with. */
import { type ChatMessage, QUOTE_CHARS } from "../../store/conversation";
import type { Quote } from "../../types";

/** The quote of a message chosen to reply to, drawn until the stored reply brings the server's. */
export function quoteOf(message: ChatMessage & { _id: string }): Quote {
  return {
    _id: message._id,
    senderId: message.senderId,
    text: message.text?.slice(0, QUOTE_CHARS) ?? null,
    image: message.image,
    deleted: message.deletedAt !== null,
  };
}

/** What the quoted message said, in a line. */
export function quoteText(quote: Quote): string {
  if (quote.unavailable) return "An earlier message you cannot see";
  if (quote.deleted) return "The original message was deleted";
  return quote.text ?? (quote.image ? "Picture" : "Message");
}

/** Who wrote the quoted message: nobody named when I may not read it. */
export function quoteAuthor(quote: Quote, meId: string | null, nameOf: (userId: string) => string): string {
  if (quote.unavailable || quote.senderId === null) return "";
  return quote.senderId === meId ? "You" : nameOf(quote.senderId);
}

/** Whether a click on the quote may go to the original: not to one I may not read. */
export function quoteReachable(quote: Quote): boolean {
  return quote.unavailable !== true;
}
