import { type ReactNode, useMemo } from "react";
import { type Markup, type MentionName, parseMarkup } from "../../lib/markup";

const NO_MENTIONS: readonly MentionName[] = [];

interface MessageTextProps {
  text: string;
  className?: string;
  /** The people the message mentions: their `@Name` is drawn as a chip (mine stands out). */
  mentions?: readonly MentionName[];
  meId?: string | null;
}

/** A message's text with its light formatting and links (lib/markup.ts), as React elements:
 * what a person typed reaches the page only as text. */
export function MessageText({ text, className = "", mentions = NO_MENTIONS, meId = null }: MessageTextProps) {
  const blocks = useMemo(() => parseMarkup(text, mentions), [text, mentions]);
  const draw = (node: Markup, key: number): ReactNode => drawNode(node, key, meId);
  return (
    <div className={`space-y-1.5 break-words ${className}`} data-testid="message-text">
      {blocks.map(draw)}
    </div>
  );
}

function drawNode(node: Markup, key: number, meId: string | null): ReactNode {
  const draw = (child: Markup, index: number): ReactNode => drawNode(child, index, meId);
  switch (node.type) {
    case "text":
      return node.text;
    case "br":
      return <br key={key} />;
    case "code":
      return (
        <code key={key} className="rounded bg-base-content/10 px-1 py-px font-mono text-[0.9em]">
          {node.text}
        </code>
      );
    case "pre":
      return (
        <pre key={key} className="overflow-x-auto rounded bg-base-content/10 px-2 py-1.5 font-mono text-[0.85em] leading-snug">
          {node.text}
        </pre>
      );
    case "link":
      return (
        <a
          key={key}
          href={node.href}
          target="_blank"
          rel="noopener noreferrer nofollow"
          className="underline decoration-1 underline-offset-2 [overflow-wrap:anywhere] hover:decoration-2"
        >
          {node.children.map(draw)}
        </a>
      );
    case "strong":
      return <strong key={key} className="font-semibold">{node.children.map(draw)}</strong>;
    case "em":
      return <em key={key}>{node.children.map(draw)}</em>;
    case "del":
      return <del key={key}>{node.children.map(draw)}</del>;
    case "mention":
      return (
        <span
          key={key}
          className={`rounded px-0.5 font-semibold ${node.userId === meId ? "bg-warning text-warning-content" : "bg-base-content/10"}`}
          data-testid="mention"
          data-me={node.userId === meId ? "true" : undefined}
        >
          {node.text}
        </span>
      );
    case "p":
      return <p key={key} className="whitespace-pre-wrap">{node.children.map(draw)}</p>;
  }
}
