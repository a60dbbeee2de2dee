import { ArrowLeft, ImagePlus, X } from "lucide-react";
import { type DragEvent, useEffect, useRef, useState } from "react";
import { Avatar } from "../../components/ui/Avatar";
import { compareIds } from "../../lib/ids";
import { carriesFiles, firstFile } from "../../lib/images";
import { lastSeenText } from "../../lib/time";
import { emptyConversation, newestIncomingId, useChatStore } from "../../store/chat";
import type { Person } from "../../types";
import { Composer } from "./Composer";
import { loadHistory, reportRead } from "./history";
import { MessageList } from "./MessageList";
import { useAttachment } from "./useAttachment";

function Header({ partner, online, onClose }: { partner: Person; online: boolean; onClose: () => void }) {
  const connected = useChatStore((s) => s.connection === "connected");
  const status = online ? "Online" : connected ? lastSeenText(partner.lastSeen) : "Waiting for network…";
  return (
    <header className="flex items-center gap-3 border-b border-base-300 bg-base-100 px-3 py-2.5 sm:px-5">
      <button type="button" className="btn btn-ghost btn-circle btn-sm md:hidden" onClick={onClose} aria-label="Back to chats">
        <ArrowLeft className="size-5" />
      </button>
      <Avatar name={partner.fullName} src={partner.profilePic} seed={partner._id} size="sm" online={online} />
      <div className="min-w-0 flex-1">
        <h2 className="truncate font-semibold" data-testid="conversation-name">
          {partner.fullName}
        </h2>
        <p className={`truncate text-xs ${online ? "text-success" : "text-base-content/60"}`} data-testid="presence">
          {status}
        </p>
      </div>
      <button
        type="button"
        className="btn btn-ghost btn-circle btn-sm hidden md:inline-flex"
        onClick={onClose}
        aria-label="Close conversation"
        title="Close (Esc)"
      >
        <X className="size-5" />
      </button>
    </header>
  );
}

function TypingIndicator({ partner }: { partner: Person }) {
  const typing = useChatStore((s) => Boolean(s.typing[partner._id]));
  return (
    <div className="h-6 bg-base-200/60 px-5 text-xs text-base-content/60 sm:px-8" aria-live="polite">
      {typing && (
        <span className="inline-flex items-center gap-1.5" data-testid="typing-indicator">
          <span className="truncate">{partner.fullName} is typing</span>
          <span className="loading loading-dots loading-xs" aria-hidden="true" />
        </span>
      )}
    </div>
  );
}

/** Pictures dragged from the desktop can be dropped anywhere on the conversation. */
function useDropZone(attach: (file: File) => Promise<void>) {
  const [dragging, setDragging] = useState(false);
  const handlers = {
    onDragOver: (event: DragEvent) => {
      if (!carriesFiles(event.dataTransfer)) return;
      event.preventDefault(); // allows the drop
      event.dataTransfer.dropEffect = "copy";
      setDragging(true);
    },
    onDragLeave: (event: DragEvent) => {
      const to = event.relatedTarget as Node | null;
      if (!to || !event.currentTarget.contains(to)) setDragging(false);
    },
    onDrop: (event: DragEvent) => {
      if (!carriesFiles(event.dataTransfer)) return;
      event.preventDefault();
      setDragging(false);
      const file = firstFile(event.dataTransfer);
      if (file) void attach(file);
    },
  };
  return { dragging, handlers };
}

export function Conversation({ partnerId }: { partnerId: string }) {
  const partner = useChatStore((s) => s.people[partnerId]);
  const online = useChatStore((s) => Boolean(s.online[partnerId]));
  const meId = useChatStore((s) => s.meId);
  const conversation = useChatStore((s) => s.conversations[partnerId] ?? emptyConversation);
  const visible = useChatStore((s) => s.pageVisible);
  const unread = useChatStore((s) => s.chats[partnerId]?.unreadCount ?? 0);
  const reported = useRef<string | null>(null);
  const close = () => useChatStore.getState().chatClosed();
  const attachment = useAttachment();
  const drop = useDropZone(attachment.attach);

  useEffect(() => {
    void loadHistory(partnerId);
  }, [partnerId]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape" && !event.defaultPrevented) useChatStore.getState().chatClosed();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  // Open and visible: what the partner wrote is read.
  const newestIncoming = newestIncomingId(conversation, meId);
  useEffect(() => {
    if (!visible || conversation.status !== "ready" || !newestIncoming) return;
    if (reported.current !== null && compareIds(newestIncoming, reported.current) <= 0 && unread === 0) return;
    reported.current = newestIncoming;
    reportRead(partnerId, newestIncoming);
  }, [visible, conversation.status, newestIncoming, unread, partnerId]);

  if (!partner || !meId) return null;
  return (
    <section
      className="relative flex h-full min-h-0 flex-1 flex-col"
      aria-label={`Conversation with ${partner.fullName}`}
      data-testid="conversation"
      {...drop.handlers}
    >
      <Header partner={partner} online={online} onClose={close} />
      <MessageList partner={partner} meId={meId} conversation={conversation} />
      <TypingIndicator partner={partner} />
      <Composer partnerId={partnerId} partnerName={partner.fullName} attachment={attachment} />
      {drop.dragging && (
        <div
          className="pointer-events-none absolute inset-2 z-10 grid place-items-center rounded-box border-2 border-dashed border-primary bg-base-100/85"
          aria-hidden="true"
        >
          <p className="flex items-center gap-2 text-lg font-semibold text-primary">
            <ImagePlus className="size-6" /> Drop a picture to send it to {partner.fullName}
          </p>
        </div>
      )}
    </section>
  );
}

export function NoConversation() {
  return (
    <div className="flex h-full flex-1 flex-col items-center justify-center p-8 text-center" data-testid="no-conversation">
      <div className="mb-6 grid size-20 place-items-center rounded-3xl bg-primary/10">
        <svg viewBox="0 0 48 48" className="size-10 text-primary" aria-hidden="true">
          <path
            fill="currentColor"
            d="M10 12a6 6 0 0 1 6-6h16a6 6 0 0 1 6 6v12a6 6 0 0 1-6 6h-9l-8 7v-7h-5a6 6 0 0 1-6-6z"
            opacity=".9"
          />
        </svg>
      </div>
      <h2 className="text-xl font-semibold">Pick a conversation</h2>
      <p className="mt-2 max-w-sm text-base-content/60">
        Choose a chat on the left, or find someone under Contacts to start a new one.
      </p>
    </div>
  );
}

/** Screen readers hear new messages without moving focus. */
export function Announcer() {
  const announcement = useChatStore((s) => s.announcement);
  return (
    <div className="sr-only" aria-live="polite" aria-atomic="true" data-testid="announcer">
      {announcement?.text ?? ""}
    </div>
  );
}
