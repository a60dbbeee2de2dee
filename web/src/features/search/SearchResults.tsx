import { Search } from "lucide-react";
import type { KeyboardEvent } from "react";
import type { SearchResult } from "../../api/search";
import { Avatar } from "../../components/ui/Avatar";
import { snippetParts } from "../../lib/snippet";
import { fullWhen, shortWhen } from "../../lib/time";
import { firstName } from "../../lib/groupText";
import { nameOf, useChatStore } from "../../store/chat";
import type { SearchState } from "./useMessageSearch";

interface SearchResultsProps {
  state: SearchState;
  onMore: () => void;
  /** A result chosen (click or Enter): open its conversation at the message. */
  onOpen: (result: SearchResult) => void;
  /** Up on the first result (back to the search field). */
  onUpFromFirst?: () => void;
}

/** Found messages, newest first: where, when, and the text with the matched words marked.
 * Up and Down move between them, Enter opens one. */
export function SearchResults({ state, onMore, onOpen, onUpFromFirst }: SearchResultsProps) {
  const meId = useChatStore((s) => s.meId);
  if (state.status === "idle") return null;
  if (state.status === "loading") {
    return <p className="px-4 py-6 text-center text-sm text-base-content/70" role="status">Searching…</p>;
  }
  if (state.status === "failed") {
    return <p className="px-4 py-6 text-center text-sm text-error" role="alert">{state.error}</p>;
  }
  if (state.results.length === 0) {
    return (
      <div className="flex flex-col items-center px-4 py-8 text-center text-sm text-base-content/70" role="status">
        <Search className="mb-2 size-6" aria-hidden="true" />
        No messages found.
      </div>
    );
  }
  return (
    <div data-testid="search-results">
      <p className="sr-only" role="status">
        {state.results.length} {state.results.length === 1 ? "message" : "messages"} found
      </p>
      <ul className="divide-y divide-base-200" onKeyDown={(event) => moveFocus(event, onUpFromFirst)}>
        {state.results.map((result) => (
          <li key={result.message._id}>
            <ResultRow result={result} mine={result.message.senderId === meId} onOpen={onOpen} />
          </li>
        ))}
      </ul>
      {state.hasMore && (
        <div className="p-3 text-center">
          <button type="button" className="btn btn-ghost btn-sm" onClick={onMore} disabled={state.moreLoading}>
            {state.moreLoading ? "Loading…" : "More results"}
          </button>
        </div>
      )}
    </div>
  );
}

function ResultRow({ result, mine, onOpen }: { result: SearchResult; mine: boolean; onOpen: (r: SearchResult) => void }) {
  const { conversation, message } = result;
  const group = conversation.type === "group";
  const name = (group ? conversation.name : conversation.fullName) ?? "Someone";
  // In a group, whose message it is (when the page knows them).
  const sender = useChatStore((s) => (group && !mine ? nameOf(s, message.senderId, conversation._id) : null));
  const whose = mine ? "You: " : sender && sender !== "Someone" ? `${firstName(sender)}: ` : "";
  return (
    <button
      type="button"
      className="flex w-full items-start gap-3 px-4 py-3 text-left hover:bg-base-200 focus-visible:bg-base-200 focus-visible:outline-none"
      onClick={() => onOpen(result)}
      data-testid="search-result"
    >
      <Avatar
        name={name}
        src={group ? conversation.avatar : conversation.profilePic}
        seed={conversation._id}
        size="sm"
      />
      <span className="min-w-0 flex-1">
        <span className="flex items-baseline justify-between gap-2">
          <span className="truncate font-medium" data-testid="search-result-name">{name}</span>
          <time className="shrink-0 text-xs text-base-content/70" dateTime={message.createdAt} title={fullWhen(message.createdAt)}>
            {shortWhen(message.createdAt)}
          </time>
        </span>
        <span className="line-clamp-2 text-sm break-words text-base-content/80" data-testid="search-snippet">
          {whose && <span className="text-base-content/70">{whose}</span>}
          {snippetParts(result.snippet).map((part, index) =>
            part.marked ? (
              <mark key={index} className="rounded-sm bg-warning/50 px-0.5 text-inherit">
                {part.text}
              </mark>
            ) : (
              part.text
            ),
          )}
        </span>
      </span>
    </button>
  );
}

/** Up and Down between the results, as in a list box; Up from the first one leaves the list. */
function moveFocus(event: KeyboardEvent<HTMLUListElement>, onUpFromFirst?: () => void) {
  if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
  const rows = [...event.currentTarget.querySelectorAll<HTMLButtonElement>("[data-testid=search-result]")];
  const at = rows.indexOf(document.activeElement as HTMLButtonElement);
  if (event.key === "ArrowUp" && at === 0 && onUpFromFirst) {
    event.preventDefault();
    onUpFromFirst();
    return;
  }
  const next = rows[event.key === "ArrowDown" ? Math.min(at + 1, rows.length - 1) : Math.max(at - 1, 0)];
  if (next) {
    event.preventDefault();
    next.focus();
  }
}
