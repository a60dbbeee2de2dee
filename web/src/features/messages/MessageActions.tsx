import { Copy, EllipsisVertical, Forward, Pencil, Reply, SmilePlus, Trash2 } from "lucide-react";
import { type KeyboardEvent, type ReactNode, type RefObject, useEffect, useRef, useState } from "react";
import { createPortal, flushSync } from "react-dom";
import { Menu, type MenuEntry } from "../../components/ui/Menu";
import { copyText } from "./copy";
import { deleteOwnMessage, editOwnMessage } from "./edits";
import { textLimit } from "./textLimit";

/**
 * The page's Block / Report entries about another person (features/safety), handed down by the
 * page: a feature never imports another. Without `message`, Report is about their newest one.
 */
export type SafetyEntriesOf = (
  person: { _id: string; fullName: string },
  message?: { messageId: string; text: string | null },
) => MenuEntry[];

interface EntriesFor {
  /** My own message (Edit, Delete), or someone else's (the safety entries). */
  mine: boolean;
  canEdit: boolean;
  onEdit: () => void;
  onDelete: () => void;
  onReply: () => void;
  /** Set where reactions are mounted: the "React" entry. */
  onReact?: (() => void) | undefined;
  /** The message's text, for "Copy text" (a picture alone has none). */
  text: string | null;
  /** Set where forwarding is mounted: the "Forward" entry. */
  onForward?: (() => void) | undefined;
  /** Block and report the sender of another's message. */
  safety: MenuEntry[];
}

/** What can be done with a stored message, one entry per action (none: no menu at all). */
export function messageEntries({ mine, canEdit, onEdit, onDelete, onReply, onReact, text, onForward, safety }: EntriesFor): MenuEntry[] {
  const shared: MenuEntry[] = [
    { label: "Reply", icon: Reply, onSelect: onReply },
    ...(onReact ? [{ label: "React", icon: SmilePlus, onSelect: onReact }] : []),
    ...(text ? [{ label: "Copy text", icon: Copy, onSelect: () => void copyText(text) }] : []),
    ...(onForward ? [{ label: "Forward", icon: Forward, onSelect: onForward }] : []),
  ];
  if (!mine) return [...shared, ...safety];
  return [
    ...shared,
    ...(canEdit ? [{ label: "Edit", icon: Pencil, onSelect: onEdit }] : []),
    { label: "Delete", icon: Trash2, onSelect: onDelete, danger: true },
  ];
}

interface MessageMenuProps {
  entries: MenuEntry[];
  /** Beside my bubble on its left; beside another's on its right. */
  mine: boolean;
  /** A phone: no button on every message; a tap on the bubble opens the entries as a bottom sheet. */
  phone: boolean;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The bubble, which takes the focus back when the sheet closes. */
  bubble: RefObject<HTMLElement | null>;
  /** What the message says, at the top of a phone's sheet: which message it acts on. */
  preview: string;
  /** Reactions at hand: a ☺ beside the ⋮ that opens the picker (`onReact`), and on a phone the
   * quick ones at the top of the sheet (`quick`). */
  onReact?: (() => void) | undefined;
  quick?: ReactNode;
}

/** Revealed with the ⋮ on hover or focus, beside the bubble. */
const BESIDE = "btn btn-ghost btn-circle btn-xs text-base-content/70 transition-opacity group-hover:opacity-100 focus-visible:opacity-100 max-md:hidden [@media(hover:none)]:hidden";

/**
 * The ⋮ beside a bubble, and ☺ further out to react in one click (as WhatsApp Web and Slack),
 * revealed on hover or focus (none on phones, PHONE_QUERY, where a tap opens the sheet, whose
 * top row reacts in one tap).
 */
export function MessageMenu({ entries, mine, phone, open, onOpenChange, bubble, preview, onReact, quick }: MessageMenuProps) {
  // In the order they are seen: on my side ☺ then ⋮, on theirs ⋮ then ☺.
  const react = onReact && !phone && (
    <div className={`off-bubble absolute top-1/2 -translate-y-1/2 ${mine ? "-left-16" : "-right-16"}`}>
      <button type="button" className={`${BESIDE} opacity-0`} onClick={onReact} aria-label="React" title="React" data-react-beside>
        <SmilePlus className="size-4" aria-hidden="true" />
      </button>
    </div>
  );
  return (
    <>
      {mine && react}
      <div className={`off-bubble absolute top-1/2 -translate-y-1/2 ${mine ? "-left-9" : "-right-9"}`}>
        <Menu
          label="Message actions"
          entries={entries}
          sheet={phone}
          sheetTitle={preview}
          sheetTop={quick}
          open={open}
          onOpenChange={onOpenChange}
          returnFocus={phone ? bubble : undefined}
          placement={mine ? "bottom-end" : "bottom-start"}
          buttonClassName={`${BESIDE} ${open ? "opacity-100" : "opacity-0"}`}
        >
          <EllipsisVertical className="size-4" aria-hidden="true" />
        </Menu>
      </div>
      {!mine && react}
    </>
  );
}

/** Inline editor in place of the text: Enter saves, Shift+Enter breaks the line, Escape cancels. */
export function MessageEditor({ messageId, initial, onDone }: { messageId: string; initial: string; onDone: () => void }) {
  const [text, setText] = useState(initial);
  const [saving, setSaving] = useState(false);
  const field = useRef<HTMLTextAreaElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const limit = textLimit(text, (next) => flushSync(() => setText(next)));

  useEffect(() => {
    const el = field.current;
    if (!el) return;
    el.focus({ preventScroll: true });
    el.setSelectionRange(el.value.length, el.value.length);
    // The editor is taller than the text it replaces: on the newest message, its buttons would
    // sit under the list's bottom edge.
    box.current?.scrollIntoView({ block: "nearest" });
  }, []);

  async function save() {
    const body = text.trim();
    if (saving || !body) return;
    if (body === initial.trim()) {
      onDone();
      return;
    }
    setSaving(true);
    const saved = await editOwnMessage(messageId, body);
    setSaving(false);
    if (saved) onDone();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void save();
    } else if (event.key === "Escape") {
      event.preventDefault(); // cancels the edit, not the conversation
      onDone();
    }
  }

  return (
    <div ref={box} className="flex min-w-56 flex-col gap-1.5 scroll-mb-4">
      <textarea
        ref={field}
        value={text}
        onChange={(e) => {
          if (limit.takes(e)) setText(e.target.value);
        }}
        onCompositionEnd={limit.onCompositionEnd}
        onPaste={limit.onPaste}
        onKeyDown={onKeyDown}
        aria-label="Edit message"
        disabled={saving}
        className="textarea textarea-sm field-sizing-content max-h-40 min-h-9 w-full resize-none bg-base-100 text-base-content"
      />
      <div className="flex justify-end gap-1 text-xs">
        <button type="button" className="btn btn-ghost btn-xs" onClick={onDone} disabled={saving}>
          Cancel
        </button>
        <button type="button" className="btn btn-xs" onClick={() => void save()} disabled={saving || !text.trim()}>
          {saving ? <span className="loading loading-spinner loading-xs" aria-hidden="true" /> : null} Save
        </button>
      </div>
    </div>
  );
}

/** Asks before deleting: a modal dialog, so focus stays inside until answered. */
export function ConfirmDelete({ messageId, onClose }: { messageId: string; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [deleting, setDeleting] = useState(false);

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  async function confirm() {
    setDeleting(true);
    await deleteOwnMessage(messageId);
    setDeleting(false);
    onClose();
  }

  function onKeyDown(event: KeyboardEvent<HTMLDialogElement>) {
    if (event.key === "Escape") {
      event.preventDefault(); // closes the dialog, not the conversation
      onClose();
    }
  }

  // On the page's body, not inside the bubble whose text colour (white in one's own) it
  // would take; clicks stay in the dialog (React passes them up to the bubble otherwise).
  return createPortal(
    <dialog
      ref={dialog}
      className="modal"
      onKeyDown={onKeyDown}
      onClose={onClose}
      onClick={(event) => event.stopPropagation()}
      aria-labelledby={`delete-${messageId}`}
    >
      <div className="modal-box max-w-sm">
        <h3 id={`delete-${messageId}`} className="text-lg font-semibold">
          Delete this message?
        </h3>
        <p className="py-3 text-sm text-base-content/70">It will be deleted for both of you.</p>
        <div className="modal-action">
          <button type="button" className="btn btn-ghost" onClick={onClose} disabled={deleting} autoFocus>
            Cancel
          </button>
          <button type="button" className="btn btn-error" onClick={() => void confirm()} disabled={deleting}>
            {deleting && <span className="loading loading-spinner loading-xs" aria-hidden="true" />} Delete
          </button>
        </div>
      </div>
      <div className="modal-backdrop" onClick={onClose} aria-hidden="true" />
    </dialog>,
    document.body,
  );
}
