/**
 * Reactions under a bubble (chips: emoji and count, mine highlighted; a click or Enter toggles
 * mine) and the picker the message menu's "React" entry opens (six common emoji, and "More"
 * for the whole emoji picker). The whole picker lives in the messages feature: whoever mounts
 * these passes it in as `Panel` (a feature never imports another).
 */
import { SmilePlus } from "lucide-react";
import { type ComponentType, type KeyboardEvent, type RefObject, Suspense, useEffect, useRef, useState } from "react";
import { createPortal, flushSync } from "react-dom";
import { nameOf, useChatStore } from "../../store/chat";
import { shownReactions, useReactionsStore } from "../../store/reactions";
import type { Reaction } from "../../types/reactions";
import { toggleReaction } from "./toggle";

export const QUICK_EMOJI = ["👍", "❤️", "😂", "😮", "😢", "🙏"] as const;

/** The whole emoji picker (features/messages/EmojiPanel, lazily loaded). */
export type EmojiPanelType = ComponentType<{ onPick: (emoji: string) => void }>;

const listFormat = new Intl.ListFormat("en", { type: "conjunction" });

/** "you and Bob", "Alice, Bob, and 3 others": me first, then the others in the order they reacted. */
export function reactorNames(reaction: Reaction, meId: string, nameOfUser: (userId: string) => string): string {
  const others = reaction.userIds.filter((id) => id !== meId).map(nameOfUser);
  const names = reaction.mine ? ["you", ...others] : others;
  const unnamed = reaction.count - names.length;
  if (unnamed > 0) names.push(unnamed === 1 ? "1 other" : `${unnamed} others`);
  return listFormat.format(names);
}

function useShown(messageId: string, fromView: Reaction[] | undefined): { shown: Reaction[]; meId: string } {
  const entry = useReactionsStore((s) => s.byMessage[messageId]);
  const meId = useChatStore((s) => s.meId) ?? "";
  return { shown: shownReactions(fromView, entry, meId), meId };
}

/** "Add a reaction" beside the chips (small), "More emoji" at the end of the quick row. */
function SmilePlusButton({
  label,
  small = false,
  onClick,
  buttonRef,
}: {
  label: string;
  small?: boolean;
  onClick: () => void;
  buttonRef?: RefObject<HTMLButtonElement | null>;
}) {
  return (
    <button
      ref={buttonRef}
      type="button"
      className={`btn btn-ghost ${small ? "btn-circle btn-xs text-base-content/70" : "btn-square"}`}
      aria-label={label}
      title={label}
      onClick={onClick}
    >
      <SmilePlus className={small ? "size-3.5" : "size-5"} aria-hidden="true" />
    </button>
  );
}

interface ReactionBarProps {
  messageId: string;
  /** The reactions the message's view carried when it was loaded. */
  fromView?: Reaction[];
  /** Set in a group: names come from its members. */
  groupId?: string | null;
  mine: boolean;
  Panel: EmojiPanelType;
}

export function ReactionBar({ messageId, fromView, groupId, mine, Panel }: ReactionBarProps) {
  const { shown, meId } = useShown(messageId, fromView);
  const people = useChatStore((s) => s.people);
  const groups = useChatStore((s) => s.groups);
  const nameOfUser = (userId: string) => nameOf({ people, groups }, userId, groupId);
  const [picking, setPicking] = useState(false);
  const add = useRef<HTMLButtonElement>(null);
  if (shown.length === 0) return null;
  return (
    // A row of its own under the time (the chat's footer row holds the time and the status).
    <div className={`chat-footer row-start-4 mt-1 flex max-w-full flex-wrap items-center gap-1 ${mine ? "justify-end" : ""}`} data-testid="reactions">
      {shown.map((reaction) => {
        const who = reactorNames(reaction, meId, nameOfUser);
        return (
          <button
            key={reaction.emoji}
            type="button"
            aria-pressed={reaction.mine}
            aria-label={`${reaction.emoji} ${reaction.count}, ${who} reacted`}
            title={who.charAt(0).toUpperCase() + who.slice(1)}
            onClick={() => void toggleReaction(messageId, reaction.emoji, !reaction.mine)}
            className={`btn btn-xs h-6 min-h-6 gap-1 rounded-full px-2 font-normal ${
              reaction.mine ? "btn-primary btn-soft border-primary" : "btn-ghost border-base-300 bg-base-100"
            }`}
            data-testid="reaction"
          >
            <span aria-hidden="true">{reaction.emoji}</span>
            <span aria-hidden="true" className="tabular-nums">
              {reaction.count}
            </span>
          </button>
        );
      })}
      <SmilePlusButton label="Add a reaction" small onClick={() => setPicking(true)} buttonRef={add} />
      {picking && (
        <ReactionPicker
          messageId={messageId}
          fromView={fromView}
          onDone={() => {
            // Gone first (flushSync): nothing outside a modal dialog takes the focus.
            flushSync(() => setPicking(false));
            add.current?.focus({ preventScroll: true });
          }}
          Panel={Panel}
        />
      )}
    </div>
  );
}

interface QuickReactionsProps {
  messageId: string;
  fromView?: Reaction[] | undefined;
  /** Chosen: before it is sent (the sheet or picker it sits in closes). */
  onPicked: () => void;
  /** In a menu (a phone's sheet): its items are menu items, checked when mine. */
  inMenu?: boolean;
  focusFirst?: boolean;
}

/**
 * The six common emoji in a row, mine marked: one click reacts, or takes mine back (WhatsApp's
 * and Telegram's quick row). In the picker, and at the top of a phone's message sheet.
 */
export function QuickReactions({ messageId, fromView, onPicked, inMenu = false, focusFirst = false }: QuickReactionsProps) {
  const { shown } = useShown(messageId, fromView);
  const mine = new Set(shown.filter((r) => r.mine).map((r) => r.emoji));
  const buttons = QUICK_EMOJI.map((emoji, i) => {
    const on = mine.has(emoji);
    return (
      <button
        key={emoji}
        type="button"
        className={`btn btn-ghost btn-square text-2xl ${on ? "bg-primary/15" : ""}`}
        aria-label={`React with ${emoji}`}
        // In a sheet, a tap's shortcut out of the Tab order: the menu's arrows and first focus
        // are its entries' (React among them, to the same row in the picker).
        {...(inMenu ? { role: "menuitemcheckbox", "aria-checked": on, tabIndex: -1 } : { "aria-pressed": on })}
        onClick={() => {
          onPicked();
          void toggleReaction(messageId, emoji, !on);
        }}
        autoFocus={focusFirst && i === 0}
      >
        {emoji}
      </button>
    );
  });
  if (!inMenu) return <>{buttons}</>;
  return (
    <li role="group" aria-label="Quick reactions" className="mb-1 flex-row flex-nowrap justify-between border-b border-base-300 pb-1" data-testid="quick-reactions">
      {buttons}
    </li>
  );
}

interface ReactionPickerProps {
  messageId: string;
  fromView?: Reaction[] | undefined;
  /** Picked or dismissed: the picker has closed. */
  onDone: () => void;
  Panel: EmojiPanelType;
}

/** A modal dialog (a menu closes when its entry is chosen, so the picker cannot live in it). */
export function ReactionPicker({ messageId, fromView, onDone, Panel }: ReactionPickerProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [more, setMore] = useState(false);

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  function pick(emoji: string) {
    onDone();
    void toggleReaction(messageId, emoji, true);
  }

  function onKeyDown(event: KeyboardEvent<HTMLDialogElement>) {
    if (event.key === "Escape") {
      event.preventDefault(); // closes the picker, not the conversation
      event.stopPropagation();
      onDone();
    }
  }

  // On the page's body, not inside the bubble whose colours it would take; clicks stay in the
  // dialog (React passes them up to the bubble otherwise, which opens a phone's sheet).
  return createPortal(
    <dialog
      ref={dialog}
      className="modal"
      onKeyDown={onKeyDown}
      onClose={onDone}
      onClick={(event) => event.stopPropagation()}
      aria-label="React to this message"
    >
      <div className="modal-box w-fit max-w-[calc(100vw-2rem)] p-2" data-testid="reaction-picker">
        {more ? (
          <Suspense fallback={<p className="p-4 text-sm text-base-content/70">Loading…</p>}>
            <Panel onPick={pick} />
          </Suspense>
        ) : (
          <div className="flex items-center gap-1">
            <QuickReactions messageId={messageId} fromView={fromView} onPicked={onDone} focusFirst />
            <SmilePlusButton label="More emoji" onClick={() => setMore(true)} />
          </div>
        )}
      </div>
      <div className="modal-backdrop" onClick={onDone} aria-hidden="true" />
    </dialog>,
    document.body,
  );
}
