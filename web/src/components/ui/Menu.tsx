import {
  FloatingFocusManager,
  FloatingOverlay,
  FloatingPortal,
  type Placement,
  autoUpdate,
  flip,
  offset,
  shift,
  useClick,
  useDismiss,
  useFloating,
  useInteractions,
  useListNavigation,
  useRole,
  useTypeahead,
} from "@floating-ui/react";
import { Check, type LucideIcon } from "lucide-react";
import { type KeyboardEvent, type ReactNode, type RefObject, useId, useRef, useState } from "react";

/** One line of a menu. A list of these is the whole menu: adding an action is adding an entry. */
export interface MenuEntry {
  label: string;
  icon?: LucideIcon;
  onSelect: () => void;
  /** Destructive (Delete): shown in the error colour. */
  danger?: boolean;
  /** Set for one choice among several (a radio item): whether it is the current one. */
  checked?: boolean;
  /** With `checked`: a switch of its own (a checkbox item), not one of several choices. */
  checkbox?: boolean;
}

interface MenuProps {
  /** The button's accessible name, and the menu's. */
  label: string;
  entries: MenuEntry[];
  /** The button's face (an icon). */
  children: ReactNode;
  buttonClassName?: string;
  placement?: Placement;
  /** A bottom sheet over the whole screen instead of a popover next to the button (phones). */
  sheet?: boolean;
  /** What a sheet acts on, shown at its top (a message's first lines) and described to screen readers. */
  sheetTitle?: ReactNode;
  /** Shown in a sheet under its title, over the entries: a row of quick choices (reactions). */
  sheetTop?: ReactNode;
  /** Controlled: the owner opens it from elsewhere too (a long-press on a message). */
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  /** Where the focus goes when it closes, if not to the button (a sheet opened from elsewhere). */
  returnFocus?: RefObject<HTMLElement | null>;
  testId?: string;
}

/** Keeps the popover this far from the viewport's edges. */
const EDGE_PX = 8;

/**
 * A menu button following the WAI-ARIA menu pattern: the button says it has a menu and whether
 * it is open; arrow keys, Home, End and the first letter move through the items; Escape closes
 * it and gives focus back to the button (and goes no further: an open conversation stays open);
 * Tab leaves it. Floating UI keeps the popover inside the viewport (it flips and shifts) and
 * portals it out of scrolled containers, so no list's edge clips it.
 */
export function Menu({
  label,
  entries,
  children,
  buttonClassName = "",
  placement = "bottom-end",
  sheet = false,
  sheetTitle,
  sheetTop,
  open: controlled,
  onOpenChange,
  returnFocus,
  testId,
}: MenuProps) {
  const [own, setOwn] = useState(false);
  const open = controlled ?? own;
  const setOpen = (next: boolean) => {
    setOwn(next);
    onOpenChange?.(next);
  };
  const [active, setActive] = useState<number | null>(null);
  const titleId = useId();
  const items = useRef<(HTMLElement | null)[]>([]);
  const labels = entries.map((e) => e.label);
  const selected = entries.findIndex((e) => e.checked && !e.checkbox);

  const { refs: { setReference, setFloating }, floatingStyles, context } = useFloating({
    open,
    onOpenChange: setOpen,
    placement,
    middleware: [offset(4), flip({ padding: EDGE_PX }), shift({ padding: EDGE_PX })],
    whileElementsMounted: autoUpdate,
  });
  const { getReferenceProps, getFloatingProps, getItemProps } = useInteractions([
    useClick(context),
    useDismiss(context),
    useRole(context, { role: "menu" }),
    useListNavigation(context, {
      listRef: items,
      activeIndex: active,
      selectedIndex: selected >= 0 ? selected : null,
      onNavigate: setActive,
      loop: true,
      focusItemOnOpen: true,
    }),
    useTypeahead(context, { listRef: { current: labels }, activeIndex: active, onMatch: (i) => open && setActive(i) }),
  ]);

  function choose(entry: MenuEntry) {
    setOpen(false);
    entry.onSelect();
  }

  // Escape is the menu's: what lies under it (the conversation) must not close as well.
  const keepEscape = (event: KeyboardEvent) => {
    if (event.key === "Escape") event.preventDefault();
  };

  const list = entries.map((entry, i) => {
    const Icon = entry.icon;
    const role = entry.checked === undefined ? "menuitem" : entry.checkbox ? "menuitemcheckbox" : "menuitemradio";
    return (
      <li key={entry.label} role="none">
        <button
          type="button"
          ref={(el) => {
            items.current[i] = el;
          }}
          {...getItemProps({ onClick: () => choose(entry) })}
          role={role}
          aria-checked={entry.checked}
          tabIndex={active === i ? 0 : -1}
          className={`${entry.danger ? "text-error" : ""} ${sheet ? "py-3 text-base" : ""}`}
        >
          {Icon && <Icon className={sheet ? "size-5" : "size-3.5"} aria-hidden="true" />} {entry.label}
          {entry.checked && <Check className="ml-auto size-3.5 text-primary" aria-hidden="true" />}
        </button>
      </li>
    );
  });

  return (
    <>
      <button
        type="button"
        ref={setReference}
        aria-label={label}
        title={label}
        className={buttonClassName}
        data-testid={testId}
        {...getReferenceProps()}
      >
        {children}
      </button>
      {open && (
        <FloatingPortal>
          {sheet ? (
            <FloatingOverlay lockScroll className="z-50 bg-black/40">
              <FloatingFocusManager context={context} modal returnFocus={returnFocus ?? true}>
                <ul
                  ref={setFloating}
                  aria-label={label}
                  aria-describedby={sheetTitle ? titleId : undefined}
                  className="menu fixed inset-x-0 bottom-0 w-full rounded-t-box bg-base-100 p-2 pb-[max(env(safe-area-inset-bottom),1rem)] text-base-content shadow-2xl"
                  data-testid="menu-sheet"
                  {...getFloatingProps({ onKeyDown: keepEscape })}
                >
                  {sheetTitle && (
                    // Seen, and read out as the menu's description; hidden from the menu's own
                    // contents, which are its items alone.
                    <li role="none" aria-hidden="true" className="mb-1 border-b border-base-300">
                      <div
                        id={titleId}
                        className="menu-title line-clamp-2 px-3 pt-1 pb-2 text-sm font-normal break-words text-base-content/70"
                        data-testid="menu-sheet-title"
                      >
                        {sheetTitle}
                      </div>
                    </li>
                  )}
                  {sheetTop}
                  {list}
                </ul>
              </FloatingFocusManager>
            </FloatingOverlay>
          ) : (
            <FloatingFocusManager context={context} modal={false} returnFocus={returnFocus ?? true}>
              <ul
                ref={setFloating}
                style={floatingStyles}
                aria-label={label}
                className="menu menu-sm z-50 w-36 rounded-box border border-base-300 bg-base-100 p-1 text-base-content shadow-lg"
                {...getFloatingProps({ onKeyDown: keepEscape })}
              >
                {list}
              </ul>
            </FloatingFocusManager>
          )}
        </FloatingPortal>
      )}
    </>
  );
}
