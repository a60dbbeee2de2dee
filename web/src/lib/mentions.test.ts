import { describe, expect, it } from "vitest";
import { MENTIONS_MAX, canMentionMore, insertMention, keepPicks, matchMembers, mentionQueryAt, mentionedIds, splitMentions } from "./mentions";

const bob = { _id: "b", fullName: "Bob Builder" };
const bobby = { _id: "b2", fullName: "Bobby Tables" };
const ann = { _id: "a", fullName: "Carol Ann" };
const elodie = { _id: "e", fullName: "Élodie Durand" };
const me = { _id: "me", fullName: "Bo Peep" };
const members = [me, bobby, ann, bob, elodie];

describe("the mention being typed", () => {
  it("starts at an @ at the start, or after a space or a bracket, and runs to the caret", () => {
    expect(mentionQueryAt("@Bo", 3)).toEqual({ start: 0, query: "Bo" });
    expect(mentionQueryAt("hi @Bob B", 9)).toEqual({ start: 3, query: "Bob B" });
    expect(mentionQueryAt("(@ca", 4)).toEqual({ start: 1, query: "ca" });
    expect(mentionQueryAt("hi @", 4)).toEqual({ start: 3, query: "" });
    // The caret decides: what follows it is not part of the query.
    expect(mentionQueryAt("@Bob and more", 2)).toEqual({ start: 0, query: "B" });
  });

  it("is nothing in an address, after a line break or a leading space, or too far back", () => {
    expect(mentionQueryAt("mail a@b.c", 10)).toBeNull();
    expect(mentionQueryAt("@Bob\nhi", 7)).toBeNull();
    expect(mentionQueryAt("@ Bob", 5)).toBeNull();
    expect(mentionQueryAt("@Bob Builder ", 13)).toBeNull();
    expect(mentionQueryAt(`@${"x".repeat(60)}`, 61)).toBeNull();
    expect(mentionQueryAt("no at sign", 10)).toBeNull();
    expect(mentionQueryAt("@Bob", 0)).toBeNull();
  });
});

describe("the members a query may mean", () => {
  it("match a name or a word of it from its start, folded, whole names first, never me", () => {
    expect(matchMembers(members, "Bo", "me")).toEqual([bob, bobby]);
    expect(matchMembers(members, "ann", "me")).toEqual([ann]);
    expect(matchMembers(members, "elo", "me")).toEqual([elodie]);
    expect(matchMembers(members, "bob b", "me")).toEqual([bob]);
    expect(matchMembers(members, "", "me")).toHaveLength(4);
    expect(matchMembers(members, "zz", "me")).toEqual([]);
    expect(matchMembers(members, "Bo", null)).toContain(me);
  });
});

describe("a picked member", () => {
  it("replaces the query with @Full Name and a space, the caret after it", () => {
    expect(insertMention("hi @Bo there", { start: 3, query: "Bo" }, 6, "Bob Builder")).toEqual({
      text: "hi @Bob Builder  there",
      caret: 16,
    });
  });
});

describe("the mentions sent", () => {
  it("are the picked ids whose @Name is still in the text, each once", () => {
    expect(mentionedIds("@Bob Builder and @Carol Ann", [bob, ann, bob])).toEqual(["b", "a"]);
    // @Name deleted (or changed) before sending: that mention goes.
    expect(mentionedIds("@Bob Build and @Carol Ann", [bob, ann])).toEqual(["a"]);
    expect(mentionedIds("nobody", [bob])).toEqual([]);
  });
});

describe("how many may be picked", () => {
  it("stops offering once the draft names as many as the server takes", () => {
    const many = Array.from({ length: MENTIONS_MAX }, (_, n) => ({ _id: `m${n}`, fullName: `Member ${n}` }));
    const all = many.map((m) => `@${m.fullName}`).join(" ");
    expect(canMentionMore(all, many)).toBe(false);
    // One of them deleted from the text: room for one more.
    expect(canMentionMore(all.replace("@Member 7 ", ""), many)).toBe(true);
    // "@Member 4" is not in "@Member 40" (the server reads it so too).
    expect(canMentionMore(all.replace("@Member 4 ", ""), many)).toBe(true);
  });

  it("keeps with the draft only the picks still named, then the new one, each once", () => {
    const picked = [bob, ann, bob];
    expect(keepPicks("@Bob Builder and @Élodie Durand ", picked, elodie)).toEqual([bob, elodie]);
    expect(keepPicks("@Bob Builder ", picked, bob)).toEqual([bob]);
  });
});

describe("a mentioned @Name in a message", () => {
  it("is cut out to be drawn as a chip; a name the message does not mention stays text", () => {
    const people = [
      { userId: "a", name: "Ann" },
      { userId: "al", name: "Ann Lee" },
    ];
    expect(splitMentions("hi @Ann Lee and @Ann, @Bob", people)).toEqual([
      { text: "hi " },
      { text: "@Ann Lee", userId: "al" },
      { text: " and " },
      { text: "@Ann", userId: "a" },
      { text: ", @Bob" },
    ]);
    expect(splitMentions("plain", [])).toEqual([{ text: "plain" }]);
  });
});
