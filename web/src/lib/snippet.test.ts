import { describe, expect, it } from "vitest";
import { snippetParts } from "./snippet";

describe("snippetParts", () => {
  it("marks what the server marked and unescapes the rest to plain text", () => {
    expect(snippetParts("we <mark>deploy</mark> at 5 &lt;b&gt; &amp; &quot;go&quot; it&#x27;s")).toEqual([
      { text: "we ", marked: false },
      { text: "deploy", marked: true },
      { text: ' at 5 <b> & "go" it\'s', marked: false },
    ]);
  });

  it("keeps escaped markup as text, never as a mark", () => {
    expect(snippetParts("&lt;mark&gt;x&lt;/mark&gt; <mark>y</mark>")).toEqual([
      { text: "<mark>x</mark> ", marked: false },
      { text: "y", marked: true },
    ]);
  });
});
