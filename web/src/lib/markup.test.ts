import { describe, expect, it } from "vitest";
import { type Markup, parseMarkup, safeHref } from "./markup";

const p = (...children: Markup[]): Markup => ({ type: "p", children });
const t = (text: string): Markup => ({ type: "text", text });

describe("parseMarkup", () => {
  it("keeps plain text as one text node, line breaks included", () => {
    expect(parseMarkup("hello\nthere")).toEqual([p(t("hello"), { type: "br" }, t("there"))]);
  });

  it("reads *bold*, **bold**, _italic_, ~~struck~~ and `code` as chat apps do", () => {
    expect(parseMarkup("*a* **b** _c_ ~~d~~ `e*f*`")).toEqual([
      p(
        { type: "strong", children: [t("a")] },
        t(" "),
        { type: "strong", children: [t("b")] },
        t(" "),
        { type: "em", children: [t("c")] },
        t(" "),
        { type: "del", children: [t("d")] },
        t(" "),
        { type: "code", text: "e*f*" },
      ),
    ]);
  });

  it("keeps a fenced block verbatim", () => {
    expect(parseMarkup("look:\n```\nif (a < b) { *x* }\n```")).toEqual([
      p(t("look:")),
      { type: "pre", text: "if (a < b) { *x* }" },
    ]);
  });

  it("links http(s) addresses, bare domains too", () => {
    expect(parseMarkup("see https://example.com/a?b=1 and www.example.org")).toEqual([
      p(
        t("see "),
        { type: "link", href: "https://example.com/a?b=1", children: [t("https://example.com/a?b=1")] },
        t(" and "),
        { type: "link", href: "http://www.example.org/", children: [t("www.example.org")] },
      ),
    ]);
  });

  it("leaves other schemes, e-mail addresses, markdown links and HTML as text", () => {
    const text = "javascript:alert(1) mailto:a@b.example a@b.example [x](https://evil.example) <b>hi</b>";
    const nodes = parseMarkup(text);
    const links = JSON.stringify(nodes).match(/"link"/g) ?? [];
    // The only link is the address inside the brackets, shown as itself, never as "x".
    expect(links.length).toBe(1);
    expect(JSON.stringify(nodes)).toContain('"href":"https://evil.example/"');
    expect(JSON.stringify(nodes)).toContain("<b>hi</b>");
    expect(JSON.stringify(nodes)).toContain("javascript:alert(1)");
  });

  it("keeps headings, lists and quotes as typed", () => {
    expect(parseMarkup("# not a heading\n1. not a list\n> not a quote")).toEqual([
      p(t("# not a heading"), { type: "br" }, t("1. not a list"), { type: "br" }, t("> not a quote")),
    ]);
  });
});

describe("safeHref", () => {
  it("accepts only http and https", () => {
    expect(safeHref("https://a.example/x")).toBe("https://a.example/x");
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref("data:text/html,hi")).toBeNull();
    expect(safeHref("not a url")).toBeNull();
  });
});

describe("mentions in the markup", () => {
  const bob = { userId: "b", name: "Bob Builder" };

  it("become mention nodes where the message mentions them, also in emphasis", () => {
    expect(parseMarkup("hi @Bob Builder, *@Bob Builder*", [bob])).toEqual([
      p(
        t("hi "),
        { type: "mention", userId: "b", text: "@Bob Builder" },
        t(", "),
        { type: "strong", children: [{ type: "mention", userId: "b", text: "@Bob Builder" }] },
      ),
    ]);
  });

  it("stay text when the message does not mention them, and inside code", () => {
    expect(parseMarkup("hi @Bob Builder")).toEqual([p(t("hi @Bob Builder"))]);
    expect(parseMarkup("`@Bob Builder`", [bob])).toEqual([p({ type: "code", text: "@Bob Builder" })]);
  });
});
