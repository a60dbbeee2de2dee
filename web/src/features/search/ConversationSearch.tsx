import {
  FloatingFocusManager,
  FloatingPortal,
  autoUpdate,
  flip,
  offset,
  shift,
  size,
  useClick,
  useDismiss,
  useFloating,
  useInteractions,
  useRole,
} from "@floating-ui/react";
import { Search } from "lucide-react";
import { useState } from "react";
import type { SearchResult } from "../../api/search";
import { groupIdOf } from "../../store/chat";
import { openResult, SearchPanel } from "./MessageSearch";

/** Keeps the panel this far from the viewport's edges. */
const EDGE_PX = 8;

/**
 * The conversation header's search: a button opening a small panel that searches this
 * conversation only. A result chosen closes the panel and brings the message into view. Escape
 * empties the field, then closes the panel (never the conversation).
 */
export function ConversationSearch({ chatKey }: { chatKey: string }) {
  const [open, setOpen] = useState(false);
  // Kept while the panel is closed: opened again, it shows the same results.
  const [query, setQuery] = useState("");
  const conversationId = groupIdOf(chatKey) ?? chatKey;

  const { refs: { setReference, setFloating }, floatingStyles, context } = useFloating({
    open,
    onOpenChange: setOpen,
    placement: "bottom-end",
    middleware: [
      offset(4),
      flip({ padding: EDGE_PX }),
      shift({ padding: EDGE_PX }),
      size({
        padding: EDGE_PX,
        apply({ availableHeight, availableWidth, elements }) {
          elements.floating.style.maxHeight = `${Math.min(availableHeight, 480)}px`;
          elements.floating.style.width = `${Math.min(availableWidth, 384)}px`;
        },
      }),
    ],
    whileElementsMounted: autoUpdate,
  });
  const { getReferenceProps, getFloatingProps } = useInteractions([
    useClick(context),
    // Escape is the panel's own (below): it empties the field first.
    useDismiss(context, { escapeKey: false }),
    useRole(context, { role: "dialog" }),
  ]);

  function choose(result: SearchResult) {
    setOpen(false);
    openResult(result);
  }

  return (
    <>
      <button
        type="button"
        ref={setReference}
        className="btn btn-ghost btn-circle btn-sm"
        aria-label="Search in this conversation"
        title="Search in this conversation"
        data-testid="conversation-search"
        {...getReferenceProps()}
      >
        <Search className="size-5" aria-hidden="true" />
      </button>
      {open && (
        <FloatingPortal>
          {/* Focus starts in the field (the first thing in the panel) and goes back to the button. */}
          <FloatingFocusManager context={context} modal={false}>
            <div
              ref={setFloating}
              style={floatingStyles}
              className="z-50 flex flex-col rounded-box border border-base-300 bg-base-100 p-3 text-base-content shadow-lg"
              aria-label="Search in this conversation"
              data-testid="conversation-search-panel"
              {...getFloatingProps()}
            >
              <SearchPanel
                label="Search this conversation"
                conversationId={conversationId}
                query={query}
                onQuery={setQuery}
                onOpen={choose}
                onEscapeEmpty={() => setOpen(false)}
                className="flex-1"
              />
            </div>
          </FloatingFocusManager>
        </FloatingPortal>
      )}
    </>
  );
}
