import { FloatingPortal, autoUpdate, flip, offset, shift, size, useFloating } from "@floating-ui/react";
import { type RefObject, useLayoutEffect } from "react";
import { Avatar } from "../../components/ui/Avatar";
import type { Mentionable } from "../../lib/mentions";

export interface MentionOption extends Mentionable {
  profilePic?: string;
}

interface MentionSuggestionsProps {
  /** The composer's text box: the list opens above it and the focus stays in it. */
  anchor: RefObject<HTMLElement | null>;
  id: string;
  options: readonly MentionOption[];
  active: number;
  onPick: (member: MentionOption) => void;
  onActive: (index: number) => void;
}

/** The id of an option, for the text box's aria-activedescendant. */
export function optionId(listId: string, index: number): string {
  return `${listId}-${index}`;
}

/**
 * The members an `@…` may mean: the popup of the WAI-ARIA combobox pattern. The focus never
 * leaves the text box, which owns the keys (arrows move, Enter or Tab picks, Escape closes: see
 * Composer) and points at the active option with aria-activedescendant. Floating UI places it
 * above the box (below when there is no room), inside the viewport, out of any clipping list.
 */
export function MentionSuggestions({ anchor, id, options, active, onPick, onActive }: MentionSuggestionsProps) {
  const { refs: { setReference, setFloating }, floatingStyles } = useFloating({
    placement: "top-start",
    middleware: [
      offset(6),
      flip({ padding: 8 }),
      shift({ padding: 8 }),
      size({ padding: 8, apply: ({ availableHeight, elements }) => {
        elements.floating.style.maxHeight = `${Math.max(120, Math.min(320, availableHeight))}px`;
      } }),
    ],
    whileElementsMounted: autoUpdate,
  });
  useLayoutEffect(() => setReference(anchor.current), [anchor, setReference]);
  return (
    <FloatingPortal>
      <ul
        ref={setFloating}
        style={floatingStyles}
        id={id}
        role="listbox"
        aria-label="Members to mention"
        className="z-50 w-64 overflow-y-auto rounded-box border border-base-300 bg-base-100 p-1 text-base-content shadow-lg"
        data-testid="mention-suggestions"
      >
        {options.map((member, index) => (
          <li
            key={member._id}
            id={optionId(id, index)}
            role="option"
            aria-selected={index === active}
            // A click must not take the focus from the text box (its caret says where to put the name).
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => onPick(member)}
            onMouseEnter={() => onActive(index)}
            className={`flex cursor-pointer items-center gap-2 rounded-field px-2 py-1.5 text-sm ${
              index === active ? "bg-primary text-primary-content" : ""
            }`}
          >
            <span aria-hidden="true">
              <Avatar name={member.fullName} src={member.profilePic ?? ""} seed={member._id} size="xs" />
            </span>
            <span className="truncate" data-testid="mention-name">
              {member.fullName}
            </span>
          </li>
        ))}
      </ul>
    </FloatingPortal>
  );
}
