import { describe, expect, it } from "vitest";
import { asSentence } from "./text";

describe("asSentence", () => {
  it("capitalises and ends a server's lower-case message", () => {
    expect(asSentence("file must be a PNG, JPEG, WebP or GIF")).toBe("File must be a PNG, JPEG, WebP or GIF.");
  });

  it("leaves a finished sentence as it is", () => {
    expect(asSentence("Too many messages. Wait a moment!")).toBe("Too many messages. Wait a moment!");
  });
});
