import { EllipsisVertical } from "lucide-react";
import { type KeyboardEvent, type MouseEvent, type PointerEvent, type RefObject, useRef } from "react";
import { Menu } from "../../components/ui/Menu";
import { settingsEntries } from "./settings";

/** A finger held this long on an entry opens its menu (a phone). */
const LONG_PRESS_MS = 500;
/** Moving further than this (scrolling the list) is not a long-press. */
const LONG_PRESS_SLOP_PX = 10;

/**
 * The ways to an entry's menu other than its ⋮: right-click, the context-menu key or
 * Shift+F10 while the entry has the focus, and a long-press on a touch screen (iOS fires no
 * contextmenu for one). The click that ends a long-press does not open the chat as well.
 */
export function useRowMenuOpeners(open: () => void) {
  const press = useRef<{ timer: number; x: number; y: number } | null>(null);
  const fired = useRef(false);
  const cancel = () => {
    if (press.current) window.clearTimeout(press.current.timer);
    press.current = null;
  };
  return {
    onContextMenu: (event: MouseEvent) => {
      event.preventDefault();
      open();
    },
    onKeyDown: (event: KeyboardEvent) => {
      if (event.key === "ContextMenu" || (event.key === "F10" && event.shiftKey)) {
        event.preventDefault();
        open();
      }
    },
    onPointerDown: (event: PointerEvent) => {
      fired.current = false;
      if (event.pointerType !== "touch") return;
      cancel();
      const timer = window.setTimeout(() => {
        press.current = null;
        fired.current = true;
        open();
      }, LONG_PRESS_MS);
      press.current = { timer, x: event.clientX, y: event.clientY };
    },
    onPointerMove: (event: PointerEvent) => {
      const start = press.current;
      if (start && Math.hypot(event.clientX - start.x, event.clientY - start.y) > LONG_PRESS_SLOP_PX) cancel();
    },
    onPointerUp: cancel,
    onPointerCancel: cancel,
    /** For the entry's click: true when that click ended a long-press (and must not open it). */
    longPressed: () => {
      const was = fired.current;
      fired.current = false;
      return was;
    },
  };
}

interface RowMenuProps {
  chatKey: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** A bottom sheet (phones), where the ⋮ is hidden: a long-press opens it. */
  phone: boolean;
  /** The entry, which takes the focus back when the menu closes. */
  row: RefObject<HTMLElement | null>;
}

/** Pin / Unpin and Mute / Unmute of a chats-list entry: a ⋮ shown on hover or focus. */
export function RowMenu({ chatKey, open, onOpenChange, phone, row }: RowMenuProps) {
  const entries = settingsEntries(chatKey);
  if (entries.length === 0) return null;
  return (
    // On the entry's second line, whose badges make room for it while it shows (ChatSidebar Row):
    // over the first line it hid the time.
    <div className="absolute right-2 bottom-2.5">
      <Menu
        // Not named after the chat: "Bob" must still find Bob's entry alone (its ⋮ sits beside it,
        // in the same list item, where a screen reader reaches it right after the entry).
        label="Chat options"
        entries={entries}
        sheet={phone}
        open={open}
        onOpenChange={onOpenChange}
        returnFocus={row}
        testId="chat-row-menu"
        buttonClassName={`btn btn-circle btn-xs border-base-300 bg-base-100 text-base-content/70 shadow-sm transition-opacity group-hover:opacity-100 group-focus-within:opacity-100 focus-visible:opacity-100 max-md:hidden [@media(hover:none)]:hidden ${
          open ? "opacity-100" : "opacity-0"
        }`}
      >
        <EllipsisVertical className="size-4" aria-hidden="true" />
      </Menu>
    </div>
  );
}
