import { describe, expect, it } from "vitest";
import type { Quote } from "../../types";
import { quoteAuthor, quoteReachable, quoteText } from "./quotes";

const quote = (over: Partial<Quote>): Quote => ({ _id: "5", senderId: "ann", text: "Lunch?", image: null, deleted: false, ...over });
const nameOf = (id: string) => (id === "ann" ? "Ann" : "Someone");

describe("quotes", () => {
  it("say what the original said, and who wrote it, and lead to it", () => {
    expect(quoteText(quote({}))).toBe("Lunch?");
    expect(quoteAuthor(quote({}), "bob", nameOf)).toBe("Ann");
    expect(quoteAuthor(quote({}), "ann", nameOf)).toBe("You");
    expect(quoteReachable(quote({}))).toBe(true);
  });

  it("of a message I may not read (a group's, from before I joined) say only that there was one", () => {
    const hidden = quote({ senderId: null, text: null, unavailable: true });
    expect(quoteText(hidden)).toBe("An earlier message you cannot see");
    expect(quoteAuthor(hidden, "carl", nameOf)).toBe("");
    expect(quoteReachable(hidden)).toBe(false);
  });

  it("of a deleted message say so", () => {
    expect(quoteText(quote({ text: null, deleted: true }))).toBe("The original message was deleted");
  });
});
