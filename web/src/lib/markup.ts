/**
 * Message text as a tree of plain data: the light formatting people type anyway and links.
 *
 * markdown-it parses (with linkify-it finding the links); we never use its HTML renderer. Its
 * tokens become `Markup` nodes that components/MessageText draws as React elements, so user text
 * only ever reaches the page as text. Only a chat's handful of rules is on: `*bold*` (as in
 * WhatsApp and Slack; `**bold**` too), `_italic_`, `~~struck~~`, `` `code` ``, fenced code
 * blocks, and bare http(s) links. Headings, lists, quotes, tables, images, raw HTML and
 * `[text](url)` links stay text: a chat line starting with "#" or "1." means what it says, and a
 * link shows where it goes.
 */
import MarkdownIt, { type Token } from "markdown-it";
import { splitMentions } from "./mentions";

export type Markup =
  | { type: "text"; text: string }
  | { type: "br" }
  | { type: "code"; text: string }
  | { type: "pre"; text: string }
  | { type: "link"; href: string; children: Markup[] }
  /** `@Full Name` of someone the message mentions (by id): drawn as a chip. */
  | { type: "mention"; userId: string; text: string }
  | { type: "strong" | "em" | "del" | "p"; children: Markup[] };

const parser = new MarkdownIt("zero", { breaks: true, linkify: true, html: false })
  .enable(["fence", "newline", "backticks", "emphasis", "strikethrough", "escape", "linkify"]);
// "www.example.com" and "example.com" become links too (http://), e-mail addresses stay text.
parser.linkify.set({ fuzzyLink: true, fuzzyEmail: false });

/** Only the web's own schemes become links: `javascript:`, `data:`, `mailto:`… stay text. */
export function safeHref(href: string): string | null {
  try {
    const url = new URL(href);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/** Someone a message mentions, and the name its text calls them by. */
export interface MentionName {
  userId: string;
  name: string;
}

/** The tree of a message's text; the `@Name` of each person it mentions becomes a mention node. */
export function parseMarkup(text: string, mentioned: readonly MentionName[] = []): Markup[] {
  const blocks: Markup[] = [];
  for (const token of parser.parse(text, {})) {
    if (token.type === "fence") {
      blocks.push({ type: "pre", text: token.content.replace(/\n$/, "") });
    } else if (token.type === "inline") {
      blocks.push({ type: "p", children: withMentions(inline(token.children ?? []), mentioned) });
    }
  }
  return blocks;
}

function inline(tokens: Token[]): Markup[] {
  // Each open token starts a node whose children collect until its close.
  const root: Markup[] = [];
  const stack: Markup[][] = [root];
  const top = (): Markup[] => stack[stack.length - 1] ?? root;
  for (const token of tokens) {
    switch (token.type) {
      case "text":
        appendText(top(), token.content);
        break;
      case "softbreak":
      case "hardbreak":
        top().push({ type: "br" });
        break;
      case "code_inline":
        top().push({ type: "code", text: token.content });
        break;
      case "em_open":
      case "strong_open":
      case "s_open": {
        // `*bold*` is bold in chat apps; `_italic_` is italic.
        const type = token.type === "s_open" ? "del" : token.type === "em_open" && token.markup === "_" ? "em" : "strong";
        const children: Markup[] = [];
        top().push({ type, children });
        stack.push(children);
        break;
      }
      case "link_open": {
        const href = safeHref(String(token.attrGet("href") ?? ""));
        if (href) {
          const node: Markup = { type: "link", href, children: [] };
          top().push(node);
          stack.push(node.children);
        } else {
          // Not a web link: its text stays in place as plain text.
          stack.push(top());
        }
        break;
      }
      case "em_close":
      case "strong_close":
      case "s_close":
      case "link_close":
        if (stack.length > 1) stack.pop();
        break;
      default:
        if (token.content) appendText(top(), token.content);
    }
  }
  return root;
}

/** Mentions cut out of the text, also inside emphasis; code and links keep their text as it is. */
function withMentions(nodes: Markup[], mentioned: readonly MentionName[]): Markup[] {
  if (mentioned.length === 0) return nodes;
  return nodes.flatMap((node): Markup[] => {
    switch (node.type) {
      case "text":
        return splitMentions(node.text, mentioned).map((piece) =>
          "userId" in piece ? { type: "mention", userId: piece.userId, text: piece.text } : { type: "text", text: piece.text },
        );
      case "strong":
      case "em":
      case "del":
        return [{ ...node, children: withMentions(node.children, mentioned) }];
      default:
        return [node];
    }
  });
}

function appendText(into: Markup[], text: string): void {
  const last = into[into.length - 1];
  if (last?.type === "text") last.text += text;
  else into.push({ type: "text", text });
}
