import { AlertCircle, ArrowDown, Check, CheckCheck, Clock, RotateCcw, Trash2 } from "lucide-react";
import { type ReactNode, useCallback, useRef, useState } from "react";
import { Virtuoso, type VirtuosoHandle } from "react-virtuoso";
import { Avatar } from "../../components/ui/Avatar";
import { Lightbox } from "../../components/ui/Lightbox";
import { compareIds } from "../../lib/ids";
import { clockTime, dayLabel, fullWhen } from "../../lib/time";
import { safeImageUrl } from "../../lib/urls";
import type { Conversation } from "../../store/chat";
import type { ChatMessage } from "../../store/conversation";
import type { Person } from "../../types";
import { ConfirmDelete, MessageEditor, MessageMenu } from "./MessageActions";
import { loadOlder } from "./history";
import { initialAnchor, moveAnchor } from "./listAnchor";
import { discardSend, retrySend, sendNewMessage } from "./outbox";

const QUICK_REPLIES = ["👋 Hi!", "How are you?", "What’s up?", "Nice to meet you!"] as const;
/** Within this many pixels of the bottom, new messages keep the view pinned to the bottom. */
const STICKY_PX = 120;
/** A typical one-line row: with a guess the list renders rows in its first frame, not the next. */
const ROW_GUESS_PX = 62;
/** Pixels rendered beyond the viewport, so scrolling shows no blank rows. */
const OVERSCAN = { top: 600, bottom: 300 };

function Status({ message, readUpTo }: { message: ChatMessage; readUpTo: string | null }) {
  if (message.delivery === "pending")
    return (
      <span className="inline-flex items-center gap-1" data-testid="status-pending">
        <Clock className="size-3.5" aria-hidden="true" /> Sending…
      </span>
    );
  if (message.delivery === "failed") return null;
  const read = message._id !== null && readUpTo !== null && compareIds(readUpTo, message._id) >= 0;
  return read ? (
    <span className="inline-flex items-center gap-1 text-primary" data-testid="status-read">
      <CheckCheck className="size-3.5" aria-hidden="true" /> Seen
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
  mine: boolean;
  partner: Person;
  showAvatar: boolean;
  readUpTo: string | null;
  onOpenImage: (src: string) => void;
}

function Bubble({ message, mine, partner, showAvatar, readUpTo, onOpenImage }: BubbleProps) {
  const failed = message.delivery === "failed";
  const deleted = message.deletedAt !== null;
  const image = safeImageUrl(message.image);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const ownStored = mine && message._id !== null && message.delivery === "sent" && !deleted;
  return (
    <div
      className={`group chat ${mine ? "chat-end" : "chat-start"} py-0.5`}
      data-testid="message"
      data-mine={mine ? "true" : "false"}
      data-delivery={message.delivery}
    >
      {!mine && (
        <div className="chat-image">
          {showAvatar ? (
            <Avatar name={partner.fullName} src={partner.profilePic} seed={partner._id} size="xs" />
          ) : (
            <div className="size-8" />
          )}
        </div>
      )}
      <div
        className={`chat-bubble max-w-[min(80%,36rem)] ${
          mine ? (failed ? "chat-bubble-error" : "chat-bubble-primary") : "bg-base-100 text-base-content shadow-sm"
        } ${message.delivery === "pending" ? "opacity-75" : ""} ${message.image ? "p-1.5" : ""}`}
      >
        {ownStored && !editing && (
          <MessageMenu canEdit={Boolean(message.text)} onEdit={() => setEditing(true)} onDelete={() => setConfirming(true)} />
        )}
        {ownStored && confirming && <ConfirmDelete messageId={message._id as string} onClose={() => setConfirming(false)} />}
        {deleted ? (
          <span className="italic opacity-70" data-testid="message-deleted">
            This message was deleted
          </span>
        ) : (
          <>
            {image && (
              <button
                type="button"
                className="block cursor-zoom-in rounded-[calc(var(--radius-field)*0.9)]"
                onClick={() => onOpenImage(image)}
                aria-label="Open picture"
              >
                {/* A fixed height, so the row is as tall before the picture loads as after:
                    a row that grows when its picture arrives would push the newest message
                    out of view, whatever the list does about it afterwards. */}
                <img
                  src={image}
                  alt="Shared picture"
                  className="h-60 w-auto min-w-32 max-w-full rounded-[calc(var(--radius-field)*0.9)] bg-base-300 object-cover"
                />
              </button>
            )}
            {editing && message._id && message.text ? (
              <MessageEditor messageId={message._id} initial={message.text} onDone={() => setEditing(false)} />
            ) : message.text && (
              <p className={`whitespace-pre-wrap break-words ${message.image ? "px-2.5 pt-1.5 pb-1" : ""}`} data-testid="message-text">
                {message.text}
              </p>
            )}
          </>
        )}
      </div>
      <div className="chat-footer mt-0.5 flex items-center gap-1.5 text-xs text-base-content/55">
        <time dateTime={message.createdAt} title={fullWhen(message.createdAt)}>
          {clockTime(message.createdAt)}
        </time>
        {message.editedAt && !deleted && <span data-testid="edited">· edited</span>}
        {mine && <Status message={message} readUpTo={readUpTo} />}
      </div>
      {failed && message.clientId && (
        <div className="chat-footer mt-1 flex items-center gap-1" role="alert" data-testid="send-failed">
          <AlertCircle className="size-3.5 text-error" aria-hidden="true" />
          <span className="text-error">{message.error ?? "Not sent"}</span>
          <button
            type="button"
            className="btn btn-ghost btn-xs text-primary"
            onClick={() => retrySend(message.receiverId, message.clientId as string)}
          >
            <RotateCcw className="size-3" aria-hidden="true" /> Retry
          </button>
          <button
            type="button"
            className="btn btn-ghost btn-xs"
            onClick={() => discardSend(message.receiverId, message.clientId as string)}
          >
            <Trash2 className="size-3" aria-hidden="true" /> Discard
          </button>
        </div>
      )}
    </div>
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

function EmptyHistory({ partner }: { partner: Person }) {
  return (
    <div className="flex h-full flex-col items-center justify-center px-6 py-10 text-center" data-testid="empty-history">
      <Avatar name={partner.fullName} src={partner.profilePic} seed={partner._id} size="lg" />
      <h3 className="mt-4 text-lg font-semibold">Start chatting with {partner.fullName}</h3>
      <p className="mt-1 max-w-xs text-sm text-base-content/60">
        This is the beginning of your conversation. Say hello, or pick a quick reply:
      </p>
      <div className="mt-5 flex flex-wrap justify-center gap-2">
        {QUICK_REPLIES.map((reply) => (
          <button
            key={reply}
            type="button"
            className="btn btn-sm btn-soft btn-primary rounded-full"
            onClick={() => sendNewMessage(partner._id, reply, null)}
          >
            {reply}
          </button>
        ))}
      </div>
    </div>
  );
}

interface MessageListProps {
  partner: Person;
  meId: string;
  conversation: Conversation;
}

/** What every row needs besides its own message: its neighbours decide dividers and avatars. */
interface RowContext {
  messages: ChatMessage[];
  firstItemIndex: number;
  partner: Person;
  meId: string;
  readUpTo: string | null;
  conversation: Conversation;
  openImage: (src: string) => void;
}

function Row({ index, message, context }: { index: number; message: ChatMessage; context: RowContext }) {
  const { messages, firstItemIndex, partner, meId, readUpTo } = context;
  const i = index - firstItemIndex;
  const previous = messages[i - 1];
  const next = messages[i + 1];
  const day = dayLabel(message.createdAt);
  // The first message loaded starts a day only when nothing older exists: otherwise the
  // divider would come and go as older pages arrive, and move what is on screen.
  const newDay = previous ? dayLabel(previous.createdAt) !== day : !context.conversation.hasMore;
  // The padding lives inside the row: the virtual list measures rows, not their margins.
  return (
    <div className="mx-auto max-w-3xl px-3 sm:px-6">
      {!previous && !context.conversation.hasMore && (
        <p className="pb-2 text-center text-xs text-base-content/45" data-testid="history-start">
          This is the beginning of your conversation.
        </p>
      )}
      {newDay && (
        <div className="divider my-3 text-xs font-medium text-base-content/50" role="separator">
          {day}
        </div>
      )}
      <Bubble
        message={message}
        mine={message.senderId === meId}
        partner={partner}
        showAvatar={!next || next.senderId !== message.senderId}
        readUpTo={readUpTo}
        onOpenImage={context.openImage}
      />
    </div>
  );
}

/** Loading or failing to load older messages; always the same height, so its changes never
 * move the messages under it. */
function ListTop({ context }: { context: RowContext }) {
  const { conversation } = context;
  const partnerId = context.partner._id;
  let content: ReactNode = null;
  if (conversation.olderStatus === "loading") {
    content = (
      <span
        className="loading loading-spinner loading-sm text-base-content/50"
        aria-label="Loading older messages"
        data-testid="older-loading"
      />
    );
  } else if (conversation.olderStatus === "error") {
    content = (
      <span className="flex items-center gap-2 text-sm text-base-content/60" role="alert">
        {conversation.error ?? "Could not load older messages."}
        <button type="button" className="btn btn-ghost btn-xs text-primary" onClick={() => void loadOlder(partnerId)}>
          <RotateCcw className="size-3" aria-hidden="true" /> Retry
        </button>
      </span>
    );
  }
  return <div className="flex h-14 items-center justify-center">{content}</div>;
}

function ListBottom() {
  return <div className="h-4" />;
}

const LIST_PARTS = { Header: ListTop, Footer: ListBottom };

export function MessageList({ partner, meId, conversation }: MessageListProps) {
  const list = useRef<VirtuosoHandle>(null);
  const { messages, status, partnerReadUpTo } = conversation;
  const [anchor, setAnchor] = useState(() => initialAnchor(messages.map((m) => m.key)));
  const [atBottom, setAtBottom] = useState(true);
  /** The newest message key when the person scrolled away from the bottom. */
  const [leftAt, setLeftAt] = useState<string | null>(null);
  const [picture, setPicture] = useState<string | null>(null);
  const last = messages[messages.length - 1];

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
    },
    [last?.key],
  );

  // At the bottom, new messages keep it there; my own new message always brings me down.
  const sendingMine = last?.senderId === meId && last.delivery === "pending";
  const follow = (bottom: boolean) => (bottom || sendingMine ? "auto" : false);

  const jumpToLatest = () => list.current?.scrollToIndex({ index: "LAST", align: "end", behavior: "auto" });

  if (status !== "ready" && messages.length === 0) {
    return status === "error" ? (
      <div className="flex flex-1 items-center justify-center p-6 text-center text-base-content/60" role="alert">
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
        <EmptyHistory partner={partner} />
      </div>
    );
  }

  const newSinceLeft = leftAt !== null && last !== undefined && last.key !== leftAt;
  const rowContext: RowContext = {
    messages,
    firstItemIndex: current.index,
    partner,
    meId,
    readUpTo: partnerReadUpTo,
    conversation,
    openImage: setPicture,
  };
  return (
    <div className="relative flex min-h-0 flex-1 flex-col bg-base-200/60">
      <Virtuoso<ChatMessage, RowContext>
        ref={list}
        className="scroll-thin min-h-0 flex-1"
        data-testid="message-list"
        data={messages}
        context={rowContext}
        firstItemIndex={current.index}
        initialTopMostItemIndex={{ index: "LAST", align: "end" }}
        computeItemKey={(_, message) => message.key}
        itemContent={(index, message, context) => <Row index={index} message={message} context={context} />}
        alignToBottom
        followOutput={follow}
        atBottomThreshold={STICKY_PX}
        atBottomStateChange={onBottomChange}
        startReached={() => void loadOlder(partner._id)}
        increaseViewportBy={OVERSCAN}
        defaultItemHeight={ROW_GUESS_PX}
        components={LIST_PARTS}
      />
      {picture && <Lightbox src={picture} alt="Shared picture, full size" onClose={() => setPicture(null)} />}
      {!atBottom && (
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
