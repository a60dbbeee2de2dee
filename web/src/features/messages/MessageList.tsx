import { AlertCircle, ArrowDown, Check, CheckCheck, Clock, Forward, RotateCcw, Trash2 } from "lucide-react";
import {
  type ComponentType,
  createContext,
  type KeyboardEvent,
  lazy,
  type ReactNode,
  type RefCallback,
  type RefObject,
  useCallback,
  useContext,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from "react";
import { flushSync } from "react-dom";
import { Virtuoso, type VirtuosoHandle } from "react-virtuoso";
import { Avatar } from "../../components/ui/Avatar";
import { Lightbox } from "../../components/ui/Lightbox";
import { PHONE_QUERY, useMediaQuery } from "../../components/ui/useMediaQuery";
import { systemText } from "../../lib/groupText";
import { compareIds } from "../../lib/ids";
import { clockTime, dayLabel, fullWhen } from "../../lib/time";
import { safeImageUrl } from "../../lib/urls";
import { type Conversation, firstUnreadIndex, furthestReadByOthers, type GroupInfo, seenBy, useChatStore } from "../../store/chat";
import { useSafetyStore } from "../../store/safety";
import type { ChatMessage } from "../../store/conversation";
import type { GroupMember, Person, Quote } from "../../types";
import { ConfirmDelete, MessageEditor, MessageMenu, type SafetyEntriesOf, messageEntries } from "./MessageActions";
import { COMPOSER_ID } from "./edits";
import { loadAround, loadLatest, loadNewer, loadOlder } from "./history";
import { MessageText } from "./MessageText";
import { quoteAuthor, quoteOf, quoteReachable, quoteText } from "./quotes";
import { initialAnchor, moveAnchor } from "./listAnchor";
import { useBottomKeptOnShrink, usePinnedToEnd } from "./useBottomKept";
import { useSeen } from "./useSeen";
import { discardSend, retrySend, sendNewMessage } from "./outbox";
import { SharedPicture } from "./SharedPicture";

const EmojiPanel = lazy(() => import("./EmojiPanel"));

/** A picture opened full size, with who shared it and when. */
interface ShownPicture {
  src: string;
  from: string;
  /** The viewer's name, read out: "Picture from Alice", "Your picture". */
  label: string;
  at: string;
}

/** Reactions, brought by the page (a feature never imports another): the bar under a bubble,
 * the picker (the menu's "React" entry, the ☺ beside it), both given the emoji picker as
 * `Panel`, and the quick row at the top of a phone's message sheet. */
export interface ReactionParts {
  Bar: ComponentType<{ messageId: string; fromView?: ChatMessage["reactions"]; groupId: string | null; mine: boolean; Panel: typeof EmojiPanel }>;
  Picker: ComponentType<{ messageId: string; fromView?: ChatMessage["reactions"]; onDone: () => void; Panel: typeof EmojiPanel }>;
  Quick: ComponentType<{ messageId: string; fromView?: ChatMessage["reactions"]; onPicked: () => void; inMenu?: boolean }>;
}
export const ReactionSlot = createContext<ReactionParts | null>(null);

/** Forwarding, brought by the page (features/forward): opens its dialog for a stored message. */
export type ForwardOf = (message: { messageId: string; text: string | null; hasImage: boolean }) => void;
export const ForwardSlot = createContext<ForwardOf | null>(null);

const QUICK_REPLIES = ["👋 Hi!", "How are you?", "What’s up?", "Nice to meet you!"] as const;
/** Within this many pixels of the bottom, new messages keep the view pinned to the bottom. */
const STICKY_PX = 120;
/** A typical one-line row: with a guess the list renders rows in its first frame, not the next. */
const ROW_GUESS_PX = 62;
/** Pixels rendered beyond the viewport, so scrolling shows no blank rows. */
const OVERSCAN = { top: 600, bottom: 300 };
/** How long a message jumped to stays highlighted. */
const HIGHLIGHT_MS = 2000;

/**
 * The message jumped to takes the focus once shown, so the keyboard goes on from there. A list
 * that starts at it stays hidden (visibility) until it has placed its rows, and a hidden element
 * takes no focus: tried again frame by frame until it does, for as long as the highlight lasts.
 */
const focusOnce = (element: HTMLElement | null) => focusWhenDrawn(element);

function focusWhenDrawn(element: HTMLElement | null, frames = Math.round(HIGHLIGHT_MS / 16)): void {
  if (!element?.isConnected) return;
  element.focus({ preventScroll: true });
  if (document.activeElement !== element && frames > 0) requestAnimationFrame(() => focusWhenDrawn(element, frames - 1));
}

/**
 * "Seen by N" under my message in a group; the names open on the line below on click or Enter
 * (in the row, not over it: nothing to clip at the list's edge, and the list measures it).
 */
function SeenBy({ readers, inWords }: { readers: GroupMember[]; inWords: boolean }) {
  const [open, setOpen] = useState(false);
  const listId = useId();
  function onKeyDown(event: KeyboardEvent) {
    if (event.key === "Escape" && open) {
      event.preventDefault(); // closes the list, not the conversation
      event.stopPropagation();
      setOpen(false);
    }
  }
  return (
    <span className="contents" onKeyDown={onKeyDown}>
      <button
        type="button"
        // Icon alone, still a finger's target (24 px, WCAG 2.5.8).
        className={`relative inline-flex items-center gap-1 rounded text-primary hover:underline focus-visible:outline-2 focus-visible:outline-primary ${
          inWords ? "" : "-m-1 min-h-6 min-w-6 justify-center"
        }`}
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen((o) => !o)}
        data-testid="seen-by"
        title={inWords ? undefined : `Seen by ${readers.length}`}
      >
        <CheckCheck className="size-3.5" aria-hidden="true" />
        <span className={inWords ? "" : "sr-only"}>Seen by {readers.length}</span>
      </button>
      {open && (
        <ul
          id={listId}
          className="flex basis-full flex-wrap justify-end gap-x-2 gap-y-0.5 text-base-content/70"
          aria-label="Seen by"
          data-testid="seen-by-list"
        >
          {readers.map((m, i) => (
            <li key={m._id} className="max-w-full truncate">
              {m.fullName}
              {i < readers.length - 1 ? "," : ""}
            </li>
          ))}
        </ul>
      )}
    </span>
  );
}

/**
 * My message's state: sending, sent (a tick), seen (two). "Seen" is said in words under my
 * newest seen message only (`inWords`), as Messenger and iMessage do; the older ones keep the
 * two ticks (named for a screen reader and on hover).
 */
function Status({
  message,
  readUpTo,
  group,
  meId,
  inWords,
}: {
  message: ChatMessage;
  readUpTo: string | null;
  group: GroupInfo | null;
  meId: string;
  inWords: boolean;
}) {
  if (message.delivery === "pending")
    return (
      <span className="inline-flex items-center gap-1" data-testid="status-pending">
        <Clock className="size-3.5" aria-hidden="true" /> Sending…
      </span>
    );
  if (message.delivery === "failed") return null;
  if (group && message._id !== null) {
    const readers = seenBy(group.members, meId, message._id);
    if (readers.length > 0) return <SeenBy readers={readers} inWords={inWords} />;
  }
  const read = !group && message._id !== null && readUpTo !== null && compareIds(readUpTo, message._id) >= 0;
  return read ? (
    <span className="inline-flex items-center gap-1 text-primary" data-testid="status-read" title={inWords ? undefined : "Seen"}>
      <CheckCheck className="size-3.5" aria-hidden="true" />
      <span className={inWords ? "" : "sr-only"}>Seen</span>
    </span>
  ) : (
    <span className="inline-flex items-center" data-testid="status-sent" title="Sent">
      <Check className="size-3.5" aria-hidden="true" />
      <span className="sr-only">Sent</span>
    </span>
  );
}

interface BubbleProps {
  message: ChatMessage;
  chatKey: string;
  meId: string;
  mine: boolean;
  /** Who wrote it, for the avatar (and the name, in a group). */
  sender: Person;
  showAvatar: boolean;
  /** In a group, the first bubble of a run is headed by the sender's name. */
  showName: boolean;
  readUpTo: string | null;
  group: GroupInfo | null;
  /** My newest seen message: its status says so in words. */
  seenInWords: boolean;
  /** A phone: a tap on my bubble opens its actions as a bottom sheet. */
  phone: boolean;
  onOpenImage: (shown: ShownPicture) => void;
  safetyEntries: SafetyEntriesOf;
  /** A sender's name, for a quote. */
  nameOf: (userId: string) => string;
}

/** The message a reply answers, on top of the bubble; a click or Enter goes to it (when I may read it). */
function QuoteButton({ quote, name, mine, onJump }: { quote: Quote; name: string; mine: boolean; onJump?: () => void }) {
  const look = `mb-1 block w-full min-w-32 rounded-[calc(var(--radius-field)*0.8)] border-l-4 px-2.5 py-1 text-left text-sm ${
    mine ? "border-primary-content/60 bg-primary-content/15" : "border-primary bg-base-200"
  }`;
  const said = (
    <>
      <span className="sr-only">Reply to </span>
      {name && <span className="block truncate text-xs font-semibold">{name}</span>}
      <span className={`line-clamp-2 break-words ${quote.deleted || quote.unavailable ? "italic opacity-70" : "opacity-85"}`}>
        {quoteText(quote)}
      </span>
    </>
  );
  if (!onJump) {
    return (
      <div className={look} data-testid="reply-quote">
        {said}
      </div>
    );
  }
  return (
    <button
      type="button"
      onClick={onJump}
      className={`${look} focus-visible:outline-2 focus-visible:outline-current`}
      title="Show the original message"
      data-testid="reply-quote"
    >
      {said}
    </button>
  );
}

/** A tap on a picture or a button in the bubble is theirs, not the bubble's. */
function insideControl(target: EventTarget): boolean {
  return target instanceof Element && target.closest("button, a, textarea, input") !== null;
}

function Bubble({
  message,
  chatKey,
  meId,
  mine,
  sender,
  showAvatar,
  showName,
  readUpTo,
  group,
  seenInWords,
  phone,
  onOpenImage,
  safetyEntries,
  nameOf,
}: BubbleProps) {
  const failed = message.delivery === "failed";
  const deleted = message.deletedAt !== null;
  const image = safeImageUrl(message.image);
  const [editing, setEditing] = useState(false);
  // Asked from the composer (Up in an empty box): taken here, and the focus goes back there after.
  const editAsked = useChatStore((s) => s.editTarget !== null && s.editTarget.messageId === message._id);
  const [fromComposer, setFromComposer] = useState(false);
  if (editAsked && !editing && message.text) {
    setEditing(true);
    setFromComposer(true);
  }
  useEffect(() => {
    if (editAsked) useChatStore.getState().editTaken();
  }, [editAsked]);
  const editDone = () => {
    setEditing(false);
    if (fromComposer) document.getElementById(COMPOSER_ID)?.focus();
    setFromComposer(false);
  };
  const [confirming, setConfirming] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  /** The reaction picker is open, from the menu or the ☺ beside the bubble (where the focus goes back). */
  const [reacting, setReacting] = useState<"menu" | "beside" | null>(null);
  const reactions = useContext(ReactionSlot);
  const forward = useContext(ForwardSlot);
  const bubble = useRef<HTMLDivElement>(null);
  const stored = message._id !== null && message.delivery === "sent" && !deleted;
  // Someone else's message that mentions me stands out; every mentioned @Name is a chip.
  const mentionsMe = !mine && !deleted && (message.mentions?.includes(meId) ?? false);
  const mentionNames = useMemo(() => (message.mentions ?? []).map((id) => ({ userId: id, name: nameOf(id) })), [message.mentions, nameOf]);
  const actions = stored
    ? messageEntries({
        mine,
        canEdit: Boolean(message.text),
        onEdit: () => setEditing(true),
        onDelete: () => setConfirming(true),
        onReply: () => useChatStore.getState().replyChosen(chatKey, quoteOf({ ...message, _id: message._id as string })),
        onReact: reactions ? () => setReacting("menu") : undefined,
        text: message.text,
        onForward: forward
          ? () => forward({ messageId: message._id as string, text: message.text, hasImage: Boolean(message.image) })
          : undefined,
        // In a group too: a block keeps them from messaging me directly and adding me to groups.
        safety: mine ? [] : safetyEntries(sender, { messageId: message._id as string, text: message.text }),
      })
    : [];
  const withMenu = actions.length > 0 && !editing;
  // A dialog opened from the message's menu (delete, react) gives the focus back to the menu's
  // button (on a phone, the bubble that opened the sheet); a message gone meanwhile, to the composer.
  const backToMessage = (from = "[aria-haspopup=menu]") => {
    const button = bubble.current?.querySelector<HTMLElement>(from);
    const target = phone ? bubble.current : button;
    target?.focus({ preventScroll: true });
    // Deleted meanwhile, the bubble takes no focus and has no ⋮.
    if (!target || document.activeElement !== target) document.getElementById(COMPOSER_ID)?.focus({ preventScroll: true });
  };
  return (
    <div
      className={`group chat ${mine ? "chat-end" : "chat-start"} py-0.5`}
      data-testid="message"
      data-mine={mine ? "true" : "false"}
      data-delivery={message.delivery}
      data-mentions-me={mentionsMe ? "true" : undefined}
    >
      {!mine && (
        <div className="chat-image">
          {showAvatar ? (
            <Avatar name={sender.fullName} src={sender.profilePic} seed={sender._id} size="xs" />
          ) : (
            <div className="size-8" />
          )}
        </div>
      )}
      {showName && !mine && (
        <div className="chat-header mb-0.5 max-w-full truncate text-xs font-medium text-base-content/70" data-testid="sender-name">
          {sender.fullName}
        </div>
      )}
      {/* The rest of a run shows no name; a screen reader still says whose each message is. */}
      {group && !showName && !mine && <span className="sr-only">{sender.fullName}:</span>}
      <div
        ref={bubble}
        onClick={phone && withMenu ? (event) => !insideControl(event.target) && setMenuOpen(true) : undefined}
        tabIndex={phone && withMenu ? -1 : undefined}
        // A mention of me is tinted, not outlined: the tail takes the bubble's colour (an
        // outline stopped where the tail began).
        // A deleted message of mine is neutral, not my colour (WhatsApp's): its place is kept,
        // nothing of it is left to read.
        className={`chat-bubble max-w-[min(80%,36rem)] ${
          mine && deleted
            ? "bg-base-100 text-base-content shadow-sm"
            : mine
            ? failed
              ? "chat-bubble-error"
              : "chat-bubble-primary"
            : `${mentionsMe ? "bg-[color-mix(in_oklab,var(--color-warning)_28%,var(--color-base-100))]" : "bg-base-100"} text-base-content shadow-sm`
        } ${message.delivery === "pending" ? "opacity-75" : ""} ${message.image ? "p-1.5" : ""}`}
      >
        {mentionsMe && <span className="sr-only">Mentions you:</span>}
        {withMenu && (
          <MessageMenu
            entries={actions}
            mine={mine}
            phone={phone}
            open={menuOpen}
            onOpenChange={setMenuOpen}
            bubble={bubble}
            preview={message.text ? message.text.slice(0, 150) : message.image ? "Picture" : ""}
            onReact={reactions ? () => setReacting("beside") : undefined}
            quick={
              phone && reactions ? (
                <reactions.Quick messageId={message._id as string} fromView={message.reactions} onPicked={() => setMenuOpen(false)} inMenu />
              ) : undefined
            }
          />
        )}
        {mine && stored && confirming && (
          <ConfirmDelete
            messageId={message._id as string}
            onClose={() => {
              // Gone first (flushSync): nothing outside a modal dialog takes the focus.
              flushSync(() => setConfirming(false));
              backToMessage();
            }}
          />
        )}
        {stored && reacting !== null && reactions && (
          <reactions.Picker
            messageId={message._id as string}
            fromView={message.reactions}
            onDone={() => {
              const from = reacting === "beside" ? "[data-react-beside]" : undefined;
              flushSync(() => setReacting(null));
              backToMessage(from);
            }}
            Panel={EmojiPanel}
          />
        )}
        {deleted ? (
          <span className="italic opacity-70" data-testid="message-deleted">
            {mine ? "You deleted this message" : "This message was deleted"}
          </span>
        ) : (
          <>
            {message.forwarded && (
              <span
                className={`flex items-center gap-1 text-xs italic opacity-75 ${message.image ? "px-1.5 pb-1" : "mb-0.5"}`}
                data-testid="forwarded-label"
              >
                <Forward className="size-3" aria-hidden="true" /> Forwarded
              </span>
            )}
            {message.replyTo && (
              <QuoteButton
                quote={message.replyTo}
                name={quoteAuthor(message.replyTo, meId, nameOf)}
                mine={mine}
                onJump={
                  quoteReachable(message.replyTo)
                    ? () => useChatStore.getState().jumpRequested(chatKey, (message.replyTo as Quote)._id)
                    : undefined
                }
              />
            )}
            {image && (
              <button
                type="button"
                className="block cursor-zoom-in rounded-[calc(var(--radius-field)*0.9)]"
                onClick={() =>
                  onOpenImage({
                    src: image,
                    from: mine ? "You" : sender.fullName,
                    label: mine ? "Your picture" : `Picture from ${sender.fullName}`,
                    at: message.createdAt,
                  })
                }
                aria-label="Open picture"
              >
                {/* As tall before the picture loads as after: a row that grows when its
                    picture arrives would push the newest message out of view, whatever the
                    list does about it afterwards. */}
                <SharedPicture src={image} width={message.imageWidth} height={message.imageHeight} />
              </button>
            )}
            {editing && message._id && message.text ? (
              <MessageEditor messageId={message._id} initial={message.text} onDone={editDone} />
            ) : message.text && (
              <MessageText
                text={message.text}
                className={message.image ? "px-2.5 pt-1.5 pb-1" : ""}
                mentions={mentionNames}
                meId={meId}
              />
            )}
          </>
        )}
      </div>
      <div
        className={`chat-footer mt-0.5 flex max-w-full flex-wrap items-center gap-1.5 text-xs text-base-content/70 ${mine ? "justify-end" : ""}`}
      >
        <time dateTime={message.createdAt} title={fullWhen(message.createdAt)}>
          {clockTime(message.createdAt)}
        </time>
        {message.editedAt && !deleted && <span data-testid="edited">· edited</span>}
        {/* Seen or not, a deleted message has nothing left to be read. */}
        {mine && !deleted && <Status message={message} readUpTo={readUpTo} group={group} meId={meId} inWords={seenInWords} />}
      </div>
      {stored && reactions && (
        <reactions.Bar
          messageId={message._id as string}
          fromView={message.reactions}
          groupId={message.groupId}
          mine={mine}
          Panel={EmojiPanel}
        />
      )}
      {failed && message.clientId && (
        // A row of its own under the time (two footers would share the chat's footer row).
        <div className="chat-footer row-start-4 mt-1 flex flex-wrap items-center gap-1" role="alert" data-testid="send-failed">
          <AlertCircle className="size-3.5 text-error" aria-hidden="true" />
          <span className="text-error">{message.error ?? "Not sent"}</span>
          {message.retryable && (
            <button
              type="button"
              className="btn btn-ghost btn-xs text-primary"
              onClick={() => retrySend(chatKey, message.clientId as string)}
            >
              <RotateCcw className="size-3" aria-hidden="true" /> Retry
            </button>
          )}
          <button
            type="button"
            className="btn btn-ghost btn-xs"
            onClick={() => discardSend(chatKey, message.clientId as string)}
          >
            <Trash2 className="size-3" aria-hidden="true" /> Discard
          </button>
        </div>
      )}
    </div>
  );
}

/** A change to the group, centred and muted between the bubbles. */
function SystemLine({ message, context }: { message: ChatMessage; context: RowContext }) {
  const text = message.system
    ? systemText(message.system, (id) => context.nameOf(id), context.meId)
    : (message.text ?? "The group changed");
  return (
    <p className="my-2 text-center text-xs text-base-content/70" data-testid="system-message">
      <span className="inline-block max-w-full rounded-full bg-base-100/70 px-3 py-1 break-words">
        {text}
        <span className="sr-only">, </span>
        <time className="ml-1.5 text-base-content/70" dateTime={message.createdAt} title={fullWhen(message.createdAt)}>
          {clockTime(message.createdAt)}
        </time>
      </span>
    </p>
  );
}

function HistorySkeleton() {
  return (
    <div className="space-y-4 p-6" aria-hidden="true">
      {[56, 40, 64, 32, 48].map((w, i) => (
        <div key={i} className={`chat ${i % 2 ? "chat-end" : "chat-start"}`}>
          <div className="skeleton h-10 rounded-box" style={{ width: `${w}%` }} />
        </div>
      ))}
    </div>
  );
}

function EmptyHistory({ chatKey, title, picture }: { chatKey: string; title: string; picture: string | null }) {
  return (
    <div className="flex h-full flex-col items-center justify-center px-6 py-10 text-center" data-testid="empty-history">
      <Avatar name={title} src={picture} seed={chatKey} size="lg" />
      <h3 className="mt-4 text-lg font-semibold">Start chatting with {title}</h3>
      <p className="mt-1 max-w-xs text-sm text-base-content/70">
        This is the beginning of your conversation. Say hello, or pick a quick reply:
      </p>
      <div className="mt-5 flex flex-wrap justify-center gap-2">
        {QUICK_REPLIES.map((reply) => (
          <button
            key={reply}
            type="button"
            className="btn btn-sm btn-soft btn-primary rounded-full"
            onClick={() => sendNewMessage(chatKey, reply, null)}
          >
            {reply}
          </button>
        ))}
      </div>
    </div>
  );
}

interface MessageListProps {
  chatKey: string;
  /** The partner's name, or the group's. */
  title: string;
  /** The partner's picture, or the group's. */
  picture: string | null;
  meId: string;
  conversation: Conversation;
  /** Set in a group: its members (names, read pointers). */
  group: GroupInfo | null;
  /** Who wrote a message: the partner, or a member of the group. */
  senderOf: (userId: string) => Person;
  /** The newest of the others' messages that the person has had on screen. */
  onSeen: (messageId: string) => void;
  /** Block and Report in the menu of another's message. */
  safetyEntries: SafetyEntriesOf;
}

/** What every row needs besides its own message: its neighbours decide dividers and avatars. */
interface RowContext {
  messages: ChatMessage[];
  firstItemIndex: number;
  chatKey: string;
  meId: string;
  readUpTo: string | null;
  /** My newest message someone has seen (its status is said in words). */
  seenMark: string | null;
  conversation: Conversation;
  group: GroupInfo | null;
  senderOf: (userId: string) => Person;
  nameOf: (userId: string) => string;
  openImage: (shown: ShownPicture) => void;
  phone: boolean;
  /** Ref for the rows of the others' messages: seen on screen, they are read. */
  watchSeen: RefCallback<HTMLElement>;
  /** The message just jumped to (a search result, a quote), highlighted for a moment. */
  highlight: string | null;
  /** The first of the messages that were unread when the chat was opened, and how many there were. */
  unread: { from: string; count: number } | null;
  safetyEntries: SafetyEntriesOf;
}

/**
 * My newest message up to `readUpTo` (what the others have read) that shows a status. None in
 * a window of older messages that the reading went past: the newest seen is not loaded.
 */
function newestSeenOfMine(messages: ChatMessage[], meId: string, readUpTo: string | null, hasNewer: boolean): string | null {
  if (readUpTo === null) return null;
  const newest = messages[messages.length - 1]?._id ?? null;
  if (hasNewer && newest !== null && compareIds(readUpTo, newest) > 0) return null;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as ChatMessage;
    if (m._id === null || compareIds(m._id, readUpTo) > 0) continue;
    if (m.senderId === meId && m.kind !== "system" && !m.deletedAt) return m._id;
  }
  return null;
}

/** Two neighbours in one run: the same person's messages, no system message between. */
function sameRun(a: ChatMessage | undefined, b: ChatMessage): boolean {
  return a !== undefined && a.kind !== "system" && b.kind !== "system" && a.senderId === b.senderId;
}

function Row({ index, message, context }: { index: number; message: ChatMessage; context: RowContext }) {
  const { messages, firstItemIndex, meId, readUpTo, group } = context;
  const i = index - firstItemIndex;
  const previous = messages[i - 1];
  const next = messages[i + 1];
  const day = dayLabel(message.createdAt);
  // The first message loaded starts a day only when nothing older exists: otherwise the
  // divider would come and go as older pages arrive, and move what is on screen.
  const newDay = previous ? dayLabel(previous.createdAt) !== day : !context.conversation.hasMore;
  // What the others wrote is watched for coming into view: it is read once seen.
  const incoming = message._id !== null && message.senderId !== meId;
  const highlighted = message._id !== null && message._id === context.highlight;
  // The padding lives inside the row: the virtual list measures rows, not their margins.
  return (
    <div
      className="mx-auto max-w-3xl px-3 sm:px-6"
      ref={incoming ? context.watchSeen : undefined}
      data-message-id={incoming ? (message._id ?? undefined) : undefined}
    >
      {!previous && !context.conversation.hasMore && (
        <p className="pb-2 text-center text-xs text-base-content/70" data-testid="history-start">
          This is the beginning of your conversation.
        </p>
      )}
      {newDay && (
        <div className="divider my-3 text-xs font-medium text-base-content/70" role="separator">
          {day}
        </div>
      )}
      {message._id !== null && message._id === context.unread?.from && <UnreadLine count={context.unread.count} />}
      <div
        className={`rounded-box outline-none transition-colors duration-700 ${highlighted ? "bg-warning/25" : ""}`}
        tabIndex={highlighted ? -1 : undefined}
        ref={highlighted ? focusOnce : undefined}
        data-testid={highlighted ? "jumped-to" : undefined}
      >
      {message.kind === "system" ? (
        <SystemLine message={message} context={context} />
      ) : (
        <Bubble
          message={message}
          chatKey={context.chatKey}
          meId={meId}
          mine={message.senderId === meId}
          sender={context.senderOf(message.senderId)}
          // A direct chat's avatar closes a run; a group's opens it, under the sender's name.
          showAvatar={group ? !sameRun(previous, message) || newDay : !next || !sameRun(message, next)}
          showName={group !== null && (!sameRun(previous, message) || newDay)}
          readUpTo={readUpTo}
          group={group}
          seenInWords={message._id !== null && message._id === context.seenMark}
          phone={context.phone}
          onOpenImage={context.openImage}
          safetyEntries={context.safetyEntries}
          nameOf={context.nameOf}
        />
      )}
      </div>
    </div>
  );
}

/** Where the messages unread when the chat was opened begin. */
function UnreadLine({ count }: { count: number }) {
  return (
    <div
      className="divider divider-primary my-3 text-xs font-semibold text-primary"
      role="separator"
      data-testid="unread-line"
    >
      {count === 1 ? "1 unread message" : `${count.toLocaleString()} unread messages`}
    </div>
  );
}

function LoadFailed({ text, onRetry }: { text: string; onRetry: () => void }) {
  return (
    <span className="flex items-center gap-2 text-sm text-base-content/70" role="alert">
      {text}
      <button type="button" className="btn btn-ghost btn-xs text-primary" onClick={onRetry}>
        <RotateCcw className="size-3" aria-hidden="true" /> Retry
      </button>
    </span>
  );
}

/** Loading or failing to load older messages; always the same height, so its changes never
 * move the messages under it. */
function ListTop({ context }: { context: RowContext }) {
  const { conversation, chatKey } = context;
  let content: ReactNode = null;
  if (conversation.olderStatus === "loading") {
    content = (
      <span
        className="loading loading-spinner loading-sm text-base-content/70"
        aria-label="Loading older messages"
        data-testid="older-loading"
      />
    );
  } else if (conversation.olderStatus === "error") {
    content = <LoadFailed text={conversation.error ?? "Could not load older messages."} onRetry={() => void loadOlder(chatKey)} />;
  }
  return <div className="flex h-14 items-center justify-center">{content}</div>;
}

/** After a jump the list may stop short of the newest: newer pages load here. */
function ListBottom({ context }: { context: RowContext }) {
  const { conversation, chatKey } = context;
  if (!conversation.hasNewer) return <div className="h-4" />;
  return (
    <div className="flex h-14 items-center justify-center">
      {conversation.newerStatus === "error" ? (
        <LoadFailed text={conversation.error ?? "Could not load newer messages."} onRetry={() => void loadNewer(chatKey)} />
      ) : (
        <span className="loading loading-spinner loading-sm text-base-content/70" aria-label="Loading newer messages" data-testid="newer-loading" />
      )}
    </div>
  );
}

const LIST_PARTS = { Header: ListTop, Footer: ListBottom };

/**
 * A jump asked of this conversation (store: jumpTarget): a message not loaded brings the page
 * around it (a new window, so a fresh list that starts there); a loaded one is scrolled to the
 * middle; then it is highlighted for a moment and the jump is done.
 */
function useJump(chatKey: string, conversation: Conversation, list: RefObject<VirtuosoHandle | null>) {
  const target = useChatStore((s) => (s.jumpTarget?.chatKey === chatKey ? s.jumpTarget.messageId : null));
  const [highlight, setHighlight] = useState<string | null>(null);
  const { messages, status } = conversation;
  // A list made for a jump starts at its message (scrolling a list not yet drawn falls short).
  const [startAt] = useState(() => {
    const index = target === null ? -1 : messages.findIndex((m) => m._id === target);
    return index < 0 ? null : { index, align: "center" as const };
  });
  const started = useRef(startAt !== null);
  const asked = useRef<string | null>(null);

  useEffect(() => {
    if (target === null || status !== "ready") return;
    const index = messages.findIndex((m) => m._id === target);
    if (index < 0) {
      if (asked.current !== target) void loadAround(chatKey, target);
      asked.current = target;
      return;
    }
    if (!started.current) list.current?.scrollToIndex({ index, align: "center", behavior: "auto" });
    started.current = false;
    // Highlighted in the next frame, where the list has drawn the rows around it.
    const frame = requestAnimationFrame(() => {
      setHighlight(target);
      useChatStore.getState().jumpDone();
    });
    return () => cancelAnimationFrame(frame);
  }, [target, status, messages, chatKey, list]);

  useEffect(() => {
    if (highlight === null) return;
    const timer = setTimeout(() => setHighlight(null), HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [highlight]);

  return { highlight, startAt };
}

/**
 * A chat opened with unread messages (store: unreadMark) starts at the first of them, under the
 * "N unread messages" line, with what came before above it; the line stays while the chat is
 * open. Decided once per opening, when the list first holds its messages: a list that starts
 * drawn (the messages were here) starts there, one drawn before they came is scrolled there.
 * A jump decides instead; lists after the first (a return to the newest) start at their end.
 */
function useUnreadStart(chatKey: string, meId: string, conversation: Conversation, jumping: boolean) {
  const mark = useChatStore((s) => (s.unreadMark?.chatKey === chatKey ? s.unreadMark : null));
  const { messages, status, hasMore } = conversation;
  const index = mark === null ? -1 : firstUnreadIndex(messages, mark.afterId, meId, hasMore);
  const deciding = mark !== null && !mark.placed && (jumping || status === "ready");
  const here = deciding && !jumping && index >= 0 ? index : null;
  const [startAt] = useState(() => (here === null ? null : { index: here, align: "start" as const }));
  useEffect(() => {
    if (deciding) useChatStore.getState().unreadPlaced(chatKey);
  }, [deciding, chatKey]);
  const first = index >= 0 ? messages[index] : undefined;
  const unread = mark !== null && first?._id ? { from: first._id, count: mark.count } : null;
  // A list drawn before its messages were known (live ones only): scrolled there, by the caller.
  const scrollTo = startAt === null ? here : null;
  return { startAt, unread, scrollTo };
}

/**
 * A conversation's messages: a skeleton while the first page loads, the invitation to say hello
 * in an empty one, else the list — made when there are messages to draw, so that where it starts
 * (the newest, a message jumped to, the first unread) is known when it is made.
 */
export function MessageList(props: MessageListProps) {
  const { conversation, chatKey, title, picture } = props;
  const { messages, status } = conversation;
  // Waiting for the page around the first unread: what arrives meanwhile (a live message, one
  // of mine) is not the list, and must not be shown as if it were (nor read there).
  const awaitingUnread = useChatStore((s) => s.unreadMark?.chatKey === chatKey && !s.unreadMark.placed && status !== "ready");
  if (status !== "ready" && (messages.length === 0 || awaitingUnread)) {
    return status === "error" ? (
      <div className="flex flex-1 items-center justify-center p-6 text-center text-base-content/70" role="alert">
        {conversation.error ?? "Could not load this conversation."}
      </div>
    ) : (
      <div className="flex-1 overflow-hidden bg-base-200/60">
        <HistorySkeleton />
      </div>
    );
  }
  if (messages.length === 0) {
    return (
      <div className="scroll-thin min-h-0 flex-1 overflow-y-auto bg-base-200/60 px-3 py-4 sm:px-6" data-testid="message-list">
        <EmptyHistory chatKey={chatKey} title={title} picture={picture} />
      </div>
    );
  }
  return <DrawnList {...props} />;
}

function DrawnList({ chatKey, meId, conversation, group, senderOf, onSeen, safetyEntries }: MessageListProps) {
  const list = useRef<VirtuosoHandle>(null);
  const keepBottomRef = useBottomKeptOnShrink();
  const phone = useMediaQuery(PHONE_QUERY);
  const watchSeen = useSeen(onSeen);
  const { messages, partnerReadUpTo } = conversation;
  const [anchor, setAnchor] = useState(() => initialAnchor(messages.map((m) => m.key)));
  const [atBottom, setAtBottom] = useState(true);
  /** The newest message key when the person scrolled away from the bottom. */
  const [leftAt, setLeftAt] = useState<string | null>(null);
  const [shown, setShown] = useState<ShownPicture | null>(null);
  const last = messages[messages.length - 1];
  const jump = useJump(chatKey, conversation, list);
  const { highlight } = jump;
  const jumping = useChatStore((s) => s.jumpTarget?.chatKey === chatKey) || jump.startAt !== null;
  const unreadStart = useUnreadStart(chatKey, meId, conversation, jumping);
  const startAt = jump.startAt ?? unreadStart.startAt;
  const { pinned, ref: pinnedRef, keepEnd, unpin, bottomChanged } = usePinnedToEnd(
    startAt === null,
    STICKY_PX,
    !conversation.hasNewer,
  );
  // A message to edit from the composer comes into view (its bubble then opens the editor).
  const editing = useChatStore((s) => (s.editTarget?.chatKey === chatKey ? s.editTarget.messageId : null));
  useEffect(() => {
    if (editing === null) return;
    const index = messages.findIndex((m) => m._id === editing);
    if (index < 0) {
      useChatStore.getState().editTaken(); // not in this list: nothing to open later
      return;
    }
    unpin(); // several screens up: the list must not follow its end back down meanwhile
    list.current?.scrollIntoView({ index, behavior: "auto" });
  }, [editing, messages, unpin]);
  useEffect(() => {
    if (unreadStart.scrollTo === null) return;
    unpin();
    list.current?.scrollToIndex({ index: unreadStart.scrollTo, align: "start", behavior: "auto" });
  }, [unreadStart.scrollTo, unpin]);
  const scrollerRef = useCallback(
    (element: HTMLElement | Window | null) => {
      keepBottomRef(element);
      pinnedRef(element);
    },
    [keepBottomRef, pinnedRef],
  );
  // Block turns into Unblock in the menus: the rows draw again when the list changes.
  useSafetyStore((s) => s.blocked);

  // Older messages put in front lower the first index by their number (React's "adjust state
  // while rendering"): the rows on screen keep their numbers and so their place.
  const keysFirst = messages[0]?.key ?? null;
  let current = anchor;
  if (keysFirst !== anchor.key) {
    current = moveAnchor(anchor, messages.map((m) => m.key));
    setAnchor(current);
  }

  const onBottomChange = useCallback(
    (bottom: boolean) => {
      setAtBottom(bottom);
      setLeftAt(bottom ? null : (last?.key ?? null));
      bottomChanged(bottom);
      if (!bottom && pinned.current) {
        // Left behind by messages coming faster than the list followed them: catch up. (Never
        // pinned in a window of older messages, whose end is not the newest.)
        list.current?.scrollToIndex({ index: "LAST", align: "end", behavior: "auto" });
      }
    },
    [last?.key, pinned, bottomChanged],
  );

  // At the bottom, new messages keep it there; my own new message always brings me down.
  const sendingMine = last?.senderId === meId && last.delivery === "pending";
  const follow = (bottom: boolean) => (bottom || pinned.current || sendingMine ? "auto" : false);

  // A list that stops short of the newest (after a jump) is replaced by the newest page.
  const jumpToLatest = () =>
    conversation.hasNewer
      ? loadLatest(chatKey)
      : list.current?.scrollToIndex({ index: "LAST", align: "end", behavior: "auto" });

  const newSinceLeft = leftAt !== null && last !== undefined && last.key !== leftAt;
  const rowContext: RowContext = {
    messages,
    firstItemIndex: current.index,
    chatKey,
    meId,
    readUpTo: partnerReadUpTo,
    seenMark: newestSeenOfMine(
      messages,
      meId,
      group ? furthestReadByOthers(group.members, meId) : partnerReadUpTo,
      conversation.hasNewer,
    ),
    conversation,
    group,
    senderOf,
    nameOf: (id) => senderOf(id).fullName,
    openImage: setShown,
    phone,
    watchSeen,
    highlight,
    unread: unreadStart.unread,
    safetyEntries,
  };
  return (
    <div className="relative flex min-h-0 flex-1 flex-col bg-base-200/60">
      <Virtuoso<ChatMessage, RowContext>
        ref={list}
        scrollerRef={scrollerRef}
        className="scroll-thin min-h-0 flex-1"
        data-testid="message-list"
        data={messages}
        context={rowContext}
        firstItemIndex={current.index}
        initialTopMostItemIndex={startAt ?? { index: "LAST", align: "end" }}
        computeItemKey={(_, message) => message.key}
        itemContent={(index, message, context) => <Row index={index} message={message} context={context} />}
        alignToBottom
        followOutput={conversation.hasNewer ? false : follow}
        atBottomThreshold={STICKY_PX}
        atBottomStateChange={onBottomChange}
        totalListHeightChanged={keepEnd}
        startReached={() => void loadOlder(chatKey)}
        endReached={() => void loadNewer(chatKey)}
        increaseViewportBy={OVERSCAN}
        defaultItemHeight={ROW_GUESS_PX}
        components={LIST_PARTS}
      />
      {shown && (
        <Lightbox
          src={shown.src}
          alt="Shared picture, full size"
          label={shown.label}
          from={shown.from}
          when={fullWhen(shown.at)}
          dateTime={shown.at}
          onClose={() => setShown(null)}
        />
      )}
      {(!atBottom || conversation.hasNewer) && (
        <button
          type="button"
          onClick={jumpToLatest}
          className={`btn btn-sm absolute right-4 bottom-3 rounded-full shadow-lg ${newSinceLeft ? "btn-primary" : "btn-neutral"}`}
          data-testid="jump-to-latest"
        >
          <ArrowDown className="size-4" aria-hidden="true" />
          {newSinceLeft ? "New messages" : "Latest"}
        </button>
      )}
    </div>
  );
}
