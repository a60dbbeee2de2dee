import { describe, expect, it } from "vitest";
import { asSentence, characters, firstCharacters } from "./text";

describe("asSentence", () => {
  it("capitalises and ends a server's lower-case message", () => {
    expect(asSentence("file must be a PNG, JPEG, WebP or GIF")).toBe("File must be a PNG, JPEG, WebP or GIF.");
  });

  it("leaves a finished sentence as it is", () => {
    expect(asSentence("Too many messages. Wait a moment!")).toBe("Too many messages. Wait a moment!");
  });
});

describe("characters", () => {
  it("counts an emoji as one, as the server does", () => {
    expect(characters("😀")).toBe(1);
    expect(characters("a😀b")).toBe(3);
    expect(characters("😀".repeat(2000))).toBe(2000);
  });

  it("counts a lone half of a pair as one", () => {
    expect(characters("\uD83D")).toBe(1);
  });

  it("takes the first characters without splitting a pair", () => {
    expect(firstCharacters("😀😀😀", 2)).toBe("😀😀");
    expect(firstCharacters("abc", 0)).toBe("");
    expect(firstCharacters("abc", -1)).toBe("");
  });
});
