/**
 * A search snippet as the server writes it (<mark> around matched words, everything else
 * HTML-escaped) turned back into plain pieces, so the page draws it as text and <mark>
 * elements, never as HTML.
 */
export interface SnippetPart {
  text: string;
  marked: boolean;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#x27": "'", "#39": "'" };

function unescape(html: string): string {
  return html.replace(/&(amp|lt|gt|quot|#x27|#39);/g, (_, name: string) => ENTITIES[name] ?? "");
}

export function snippetParts(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  // Split keeps the separators: odd pieces sit between <mark> and </mark>.
  snippet.split(/<mark>|<\/mark>/).forEach((piece, index) => {
    if (piece) parts.push({ text: unescape(piece), marked: index % 2 === 1 });
  });
  return parts;
}
