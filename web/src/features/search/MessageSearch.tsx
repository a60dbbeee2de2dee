import { type KeyboardEvent, type ReactNode, type RefObject, useRef, useState } from "react";
import type { SearchResult } from "../../api/search";
import { SearchField } from "../../components/ui/SearchField";
import { groupKey, useChatStore } from "../../store/chat";
import { SearchResults } from "./SearchResults";
import { useMessageSearch } from "./useMessageSearch";

/** Open a found message's conversation at that message (the list loads the page around it). */
export function openResult({ conversation, message }: SearchResult): void {
  const chatKey = conversation.type === "group" ? groupKey(conversation._id) : conversation._id;
  useChatStore.getState().jumpRequested(chatKey, message._id);
}

function firstResult(results: RefObject<HTMLElement | null>): HTMLElement | null {
  return results.current?.querySelector<HTMLElement>("[data-testid=search-result]") ?? null;
}

interface SearchPanelProps {
  label: string;
  /** Only this conversation: a person's id or a group's. */
  conversationId?: string;
  query: string;
  onQuery: (query: string) => void;
  onOpen: (result: SearchResult) => void;
  /** Escape with nothing left to clear. */
  onEscapeEmpty?: () => void;
  /** What shows while the field is empty. */
  children?: ReactNode;
  className?: string;
}

/**
 * A "Search messages" field and, while it has text, what it finds. Escape (in the field or on
 * a result) or the clear button empties it and gives focus back to the field; Down from the
 * field goes into the results and Up from the first one comes back.
 */
export function SearchPanel({ label, conversationId, query, onQuery, onOpen, onEscapeEmpty, children, className = "" }: SearchPanelProps) {
  const field = useRef<HTMLInputElement>(null);
  const results = useRef<HTMLDivElement>(null);
  const { state, more } = useMessageSearch(query, conversationId);
  const searching = query.trim() !== "";

  function clear() {
    onQuery("");
    field.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key !== "Escape") return;
    // Escape is the search's: the open conversation under it stays open.
    if (query) {
      event.preventDefault();
      clear();
    } else if (onEscapeEmpty) {
      event.preventDefault();
      onEscapeEmpty();
    }
  }

  function onFieldKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== "ArrowDown") return;
    const first = firstResult(results);
    if (first) {
      event.preventDefault();
      first.focus();
    }
  }

  return (
    <div className={`flex min-h-0 flex-col ${className}`} onKeyDown={onKeyDown}>
      <SearchField
        label={label}
        value={query}
        onChange={onQuery}
        onKeyDown={onFieldKeyDown}
        onClear={clear}
        inputRef={field}
        className="w-full shrink-0"
      />
      {searching ? (
        <div ref={results} className="scroll-thin -mx-3 mt-2 min-h-0 flex-1 overflow-y-auto" aria-label={`${label}: results`} role="region">
          <SearchResults state={state} onMore={more} onOpen={onOpen} onUpFromFirst={() => field.current?.focus()} />
        </div>
      ) : (
        children
      )}
    </div>
  );
}

/** The sidebar's search over every chat: while it has text, its results stand in for the lists (`children`). */
export function SidebarSearch({ children }: { children: ReactNode }) {
  const [query, setQuery] = useState("");
  return (
    <SearchPanel label="Search messages" query={query} onQuery={setQuery} onOpen={openResult} className="flex-1 px-3">
      {/* The lists keep their own padding. */}
      <div className="-mx-3 mt-2 flex min-h-0 flex-1 flex-col">{children}</div>
    </SearchPanel>
  );
}
