import { ImagePlus, Reply, SendHorizontal, X } from "lucide-react";
import { flushSync } from "react-dom";
import {
  type ChangeEvent,
  type ClipboardEvent,
  type FormEvent,
  type KeyboardEvent,
  type SyntheticEvent,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from "react";
import { firstFile, IMAGE_TYPES } from "../../lib/images";
import { type MentionQuery, canMentionMore, insertMention, matchMembers, mentionQueryAt, mentionedIds } from "../../lib/mentions";
import { playKeystroke } from "../../lib/sounds";
import { TEXT_MAX, characters } from "../../lib/text";
import { useChatStore } from "../../store/chat";
import { useSettingsStore } from "../../store/settings";
import { draftTyped, mentionPicked } from "./drafts";
import { COMPOSER_ID, lastEditable } from "./edits";
import { EmojiButton } from "./EmojiButton";
import { type MentionOption, MentionSuggestions, optionId } from "./MentionSuggestions";
import { sendNewMessage } from "./outbox";
import { fitsMessage, textLimit } from "./textLimit";
import { quoteText } from "./quotes";
import { typingInput, typingStopped } from "./typing";
import type { Attachment } from "./useAttachment";

/** From this length on, the box shows how much is left. */
const COUNT_FROM = TEXT_MAX - 200;

/** No member picked yet (one array, so the store's selector answers the same each time). */
const NO_PICKS: readonly MentionOption[] = [];

/** Keys that make a sound: characters, deleting, and the space bar. */
function audible(event: KeyboardEvent): boolean {
  return !event.ctrlKey && !event.metaKey && (event.key.length === 1 || event.key === "Backspace");
}

interface ComposerProps {
  /** The conversation: a person's id or a group's key. */
  chatKey: string;
  placeholder: string;
  attachment: Attachment;
  /** A sender's name, for "Replying to …". */
  nameOf: (userId: string) => string;
  /** A group's members: `@` suggests them, and the message mentions those picked. */
  members?: readonly MentionOption[];
}

export function Composer({ chatKey, placeholder, attachment, nameOf, members }: ComposerProps) {
  // The text is the conversation's draft: it waits in the store while another chat is open.
  const text = useChatStore((s) => s.drafts[chatKey] ?? "");
  const { image, size, attach, clear } = attachment;
  const textarea = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const soundEnabled = useSettingsStore((s) => s.soundEnabled);
  const empty = text.trim() === "" && image === null;
  const used = characters(text);
  const replyingTo = useChatStore((s) => s.conversations[chatKey]?.replyingTo ?? null);
  const cancelReply = () => useChatStore.getState().replyChosen(chatKey, null);
  const meId = useChatStore((s) => s.meId);
  const listId = useId();
  // The `@…` at the caret, the option the arrows are on, and the `@` Escape closed the list for.
  const [mention, setMention] = useState<MentionQuery | null>(null);
  const [active, setActive] = useState(0);
  const [closedAt, setClosedAt] = useState<number | null>(null);
  // The members picked in this draft (kept with it, in IndexedDB too: features/messages/drafts).
  const picked = useChatStore((s) => s.draftPicks[chatKey]) ?? NO_PICKS;
  // Nothing more is offered once the draft names as many as the server takes.
  const suggestions = useMemo(
    () => (members && mention && canMentionMore(text, picked) ? matchMembers(members, mention.query, meId) : []),
    [members, mention, meId, text, picked],
  );
  const suggesting = mention !== null && suggestions.length > 0 && closedAt !== mention.start;

  useEffect(() => {
    if (!replyingTo) return;
    // "Reply" chosen in a message's menu: the answer is typed here. In the next frame: the
    // closing menu hands the focus back to its button first (in a microtask).
    const frame = requestAnimationFrame(() => textarea.current?.focus());
    return () => cancelAnimationFrame(frame);
  }, [replyingTo]);

  useEffect(() => {
    // Type right away on a desktop; on a phone the keyboard would cover the conversation.
    if (window.matchMedia?.("(min-width: 768px)").matches) textarea.current?.focus();
    return () => typingStopped(chatKey);
  }, [chatKey]);

  function send(event?: FormEvent) {
    event?.preventDefault();
    if (empty) return;
    const mentions = members ? mentionedIds(text, picked) : [];
    sendNewMessage(chatKey, text, image, replyingTo, mentions, size);
    setMention(null);
    if (replyingTo) cancelReply();
    typingStopped(chatKey);
    draftTyped(chatKey, "");
    clear();
    textarea.current?.focus();
  }

  /** Where the caret is now decides whether a mention is being typed (typing, a click, the arrows). */
  function followCaret(event: SyntheticEvent<HTMLTextAreaElement>) {
    if (!members) return;
    const box = event.currentTarget;
    const next = box.selectionStart === box.selectionEnd ? mentionQueryAt(box.value, box.selectionStart) : null;
    if (next?.start !== mention?.start || next?.query !== mention?.query) {
      setMention(next);
      setActive(0);
      if (next?.start !== closedAt) setClosedAt(null);
    }
  }

  /** The member chosen: `@Full Name ` replaces what was typed after the `@`. */
  function pickMention(member: MentionOption) {
    const box = textarea.current;
    if (!box || !mention) return;
    const next = insertMention(text, mention, box.selectionStart, member.fullName);
    if (!fitsMessage(next.text)) return;
    // The new text is drawn now, so the caret goes after the name before the next key comes
    // (a caret set on the next frame, on a busy machine, landed after a letter typed since).
    flushSync(() => {
      mentionPicked(chatKey, next.text, member);
      setMention(null);
    });
    box.setSelectionRange(next.caret, next.caret);
    typingInput(chatKey, next.text);
  }

  /** The suggestions' keys (the combobox pattern); true when the key was theirs. */
  function suggestionKey(event: KeyboardEvent<HTMLTextAreaElement>): boolean {
    if (!suggesting || event.nativeEvent.isComposing) return false;
    const count = suggestions.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      setActive((i) => (i + (event.key === "ArrowDown" ? 1 : count - 1)) % count);
    } else if ((event.key === "Enter" && !event.shiftKey) || (event.key === "Tab" && !event.shiftKey)) {
      const member = suggestions[active];
      if (member) pickMention(member);
    } else if (event.key === "Escape") {
      setClosedAt(mention.start); // closes the list only: the reply and the conversation stay
    } else {
      return false;
    }
    event.preventDefault();
    return true;
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (suggestionKey(event)) return;
    if (event.key === "Escape" && replyingTo) {
      event.preventDefault(); // cancels the reply, not the conversation
      cancelReply();
      return;
    }
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
      return;
    }
    const plainUp = event.key === "ArrowUp" && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey;
    if (plainUp && text === "" && image === null && !event.nativeEvent.isComposing) {
      // Up in an empty box edits my last message (Slack, Telegram, Element): in a list that
      // shows the newest (not a window of older messages, not one still loading).
      const state = useChatStore.getState();
      const shown = state.conversations[chatKey];
      const latest = shown !== undefined && shown.status === "ready" && !shown.hasNewer;
      const mine = latest ? lastEditable(shown.messages, state.meId) : null;
      if (mine?._id) {
        event.preventDefault();
        state.editRequested(chatKey, mine._id);
      }
      return;
    }
    if (soundEnabled && audible(event)) playKeystroke();
  }

  async function pick(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (!file) return;
    await attach(file);
    textarea.current?.focus();
  }

  /** New text put in by us rather than typed: drawn now, so the caret can go after what came in. */
  function write(next: string) {
    flushSync(() => draftTyped(chatKey, next));
    typingInput(chatKey, next);
  }
  const limit = textLimit(text, write);

  /** An emoji goes in where the caret is, as if typed there. */
  function insert(emoji: string) {
    const box = textarea.current;
    const start = box?.selectionStart ?? text.length;
    const end = box?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + emoji + text.slice(end);
    if (!fitsMessage(next)) return;
    write(next);
    box?.setSelectionRange(start + emoji.length, start + emoji.length);
  }

  /** A picture pasted from the clipboard is attached; pasted text goes in as usual, or what fits of it. */
  function onPaste(event: ClipboardEvent<HTMLTextAreaElement>) {
    const file = firstFile(event.clipboardData);
    if (!file) {
      limit.onPaste(event);
      return;
    }
    event.preventDefault();
    void attach(file);
  }

  return (
    <form onSubmit={send} className="border-t border-base-300 bg-base-100 px-3 pt-3 pb-[max(0.75rem,env(safe-area-inset-bottom))] sm:px-6">
      <div className="mx-auto max-w-3xl">
        {replyingTo && (
          <div className="mb-2 flex items-center gap-2 rounded-field border-l-4 border-primary bg-base-200 py-1.5 pr-1 pl-3 text-sm" data-testid="replying-to">
            <Reply className="size-4 shrink-0 text-primary" aria-hidden="true" />
            <p className="min-w-0 flex-1 truncate">
              Replying to <span className="font-semibold">{replyingTo.senderId ? nameOf(replyingTo.senderId) : "a message"}</span>:{" "}
              <span className="text-base-content/70">{quoteText(replyingTo)}</span>
            </p>
            <button type="button" className="btn btn-ghost btn-circle btn-xs" onClick={cancelReply} aria-label="Cancel reply" title="Cancel reply (Esc)">
              <X className="size-3.5" />
            </button>
          </div>
        )}
        {image && (
          <div className="relative mb-3 w-fit" data-testid="image-preview">
            <img src={image} alt="Picture to send" className="size-20 rounded-box border border-base-300 object-cover" />
            <button
              type="button"
              className="btn btn-circle btn-xs btn-neutral absolute -top-2 -right-2"
              onClick={clear}
              aria-label="Remove picture"
            >
              <X className="size-3" />
            </button>
          </div>
        )}
        <div className="flex items-end gap-2">
          <button
            type="button"
            className="btn btn-ghost btn-circle text-base-content/70"
            onClick={() => fileInput.current?.click()}
            aria-label="Attach a picture"
            title="Attach a picture"
          >
            <ImagePlus className="size-5" />
          </button>
          <input
            ref={fileInput}
            type="file"
            accept={IMAGE_TYPES.join(",")}
            className="hidden"
            onChange={pick}
            tabIndex={-1}
            data-testid="image-input"
          />
          <EmojiButton onPick={insert} />
          <textarea
            ref={textarea}
            rows={1}
            value={text}
            onChange={(e) => {
              if (!limit.takes(e)) return; // counted as the server counts, not by maxLength
              draftTyped(chatKey, e.target.value);
              typingInput(chatKey, e.target.value);
              followCaret(e);
            }}
            onCompositionEnd={limit.onCompositionEnd}
            onSelect={followCaret}
            onBlur={() => setMention(null)}
            onKeyDown={onKeyDown}
            onPaste={onPaste}
            placeholder={placeholder}
            aria-label="Message"
            id={COMPOSER_ID}
            // The text box leads the suggestions (the combobox pattern; a textarea keeps its
            // own role, so without aria-expanded, which a text box may not carry).
            aria-autocomplete={members ? "list" : undefined}
            aria-controls={suggesting ? listId : undefined}
            aria-activedescendant={suggesting ? optionId(listId, active) : undefined}
            className="textarea field-sizing-content max-h-40 min-h-11 flex-1 resize-none rounded-field bg-base-200 border-transparent py-2.5 text-base leading-snug focus:border-primary/60 focus:outline-none"
          />
          {suggesting && (
            <MentionSuggestions
              anchor={textarea}
              id={listId}
              options={suggestions}
              active={active}
              onPick={pickMention}
              onActive={setActive}
            />
          )}
          <button type="submit" className="btn btn-primary btn-circle" disabled={empty} aria-label="Send message" title="Send (Enter)">
            <SendHorizontal className="size-5" />
          </button>
        </div>
        <div className={`mt-1.5 text-xs text-base-content/70 ${used >= COUNT_FROM ? "flex" : "hidden sm:flex"}`}>
          <p className="hidden sm:block">
            <kbd className="kbd kbd-xs">Enter</kbd> to send · <kbd className="kbd kbd-xs">Shift</kbd>+<kbd className="kbd kbd-xs">Enter</kbd> for a new line
          </p>
          {used >= COUNT_FROM && (
            <p className={`ml-auto tabular-nums ${used >= TEXT_MAX ? "font-semibold text-error" : ""}`} data-testid="text-count">
              {used.toLocaleString("en")} / {TEXT_MAX.toLocaleString("en")}
              <span className="sr-only"> characters</span>
            </p>
          )}
        </div>
      </div>
    </form>
  );
}
