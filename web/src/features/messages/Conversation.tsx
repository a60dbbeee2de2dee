import { ArrowLeft, EllipsisVertical, ImagePlus, Info, X } from "lucide-react";
import {
  createContext,
  type DragEvent,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
} from "react";
import { useShallow } from "zustand/react/shallow";
import { Avatar } from "../../components/ui/Avatar";
import { Menu, type MenuEntry } from "../../components/ui/Menu";
import { typingSentence } from "../../lib/groupText";
import { compareIds } from "../../lib/ids";
import { carriesFiles, firstFile } from "../../lib/images";
import { lastSeenText } from "../../lib/time";
import {
  type Conversation as ConversationState,
  emptyConversation,
  type GroupInfo,
  groupIdOf,
  groupKey,
  typingNames,
  useChatStore,
} from "../../store/chat";
import { useSafetyStore } from "../../store/safety";
import type { GroupMember, Person } from "../../types";
import { Composer } from "./Composer";
import { copyText } from "./copy";
import { draftTyped } from "./drafts";
import { openHistory, reportRead } from "./history";
import type { SafetyEntriesOf } from "./MessageActions";
import { MessageList } from "./MessageList";
import { NOT_A_MEMBER } from "./outbox";
import { useAttachment } from "./useAttachment";

/** Tools for a conversation's header brought by the page (a feature never imports another):
 * the search within the conversation. */
export const HeaderToolsSlot = createContext<((chatKey: string) => ReactNode) | null>(null);

/** The page's entries about a conversation itself (features/chats: pin, mute), by its key. */
export type ChatEntriesOf = (chatKey: string) => MenuEntry[];

/** Pin and mute follow the conversation's entry in the list. */
function useChatEntries(chatKey: string, chatEntries: ChatEntriesOf | undefined): MenuEntry[] {
  useChatStore((s) => s.chats[chatKey]);
  return chatEntries?.(chatKey) ?? [];
}

interface HeaderProps {
  partner: Person;
  online: boolean;
  onClose: () => void;
  safetyEntries: SafetyEntriesOf;
  chatEntries: ChatEntriesOf | undefined;
}

function Header({ partner, online, onClose, safetyEntries, chatEntries }: HeaderProps) {
  const connected = useChatStore((s) => s.connection === "connected");
  // Block turns into Unblock once they are blocked.
  useSafetyStore((s) => s.blocked);
  // Report covers their newest message here.
  const entries = [...useChatEntries(partner._id, chatEntries), ...safetyEntries(partner)];
  const status = online ? "Online" : connected ? lastSeenText(partner.lastSeen) : "Waiting for network…";
  return (
    <HeaderShell onClose={onClose} chatKey={partner._id}>
      <Avatar name={partner.fullName} src={partner.profilePic} seed={partner._id} size="sm" online={online} />
      <div className="min-w-0 flex-1">
        <h2 className="truncate font-semibold" data-testid="conversation-name">
          {partner.fullName}
        </h2>
        <p className="flex items-center gap-1 truncate text-xs text-base-content/70" data-testid="presence">
          {online && <span className="size-2 shrink-0 rounded-full bg-success" aria-hidden="true" />}
          {status}
        </p>
      </div>
      <Menu label="Conversation options" entries={entries} buttonClassName="btn btn-ghost btn-circle btn-sm">
        <EllipsisVertical className="size-5" aria-hidden="true" />
      </Menu>
    </HeaderShell>
  );
}

interface GroupHeaderProps {
  group: GroupInfo;
  onClose: () => void;
  onShowGroup: () => void;
  chatEntries: ChatEntriesOf | undefined;
}

/** A group's header: its picture, name and members open the group panel; pin and mute are in its menu. */
function GroupHeader({ group, onClose, onShowGroup, chatEntries }: GroupHeaderProps) {
  const entries = useChatEntries(groupKey(group._id), chatEntries);
  const onlineCount = useChatStore((s) => (group.members ?? []).filter((m) => m._id !== s.meId && s.online[m._id]).length);
  const count = group.members?.length ?? group.memberCount;
  const status =
    group.myRole === null
      ? "You are no longer a member"
      : `${count} ${count === 1 ? "member" : "members"}${onlineCount > 0 ? ` · ${onlineCount} online` : ""}`;
  return (
    <HeaderShell onClose={onClose} chatKey={groupKey(group._id)}>
      <button
        type="button"
        className="flex min-w-0 flex-1 items-center gap-3 rounded-box text-left focus-visible:outline-2 focus-visible:outline-primary"
        onClick={onShowGroup}
        aria-haspopup="dialog"
        data-testid="group-details"
      >
        {/* Named by its content ("Group details: Crew, 3 members"): an aria-label would have to
            hold all the visible text, initials and status too (WCAG 2.5.3). */}
        <span className="sr-only">Group details: </span>
        <Avatar name={group.name} src={group.avatar} seed={group._id} size="sm" />
        <span className="min-w-0 flex-1">
          <h2 className="truncate font-semibold" data-testid="conversation-name">
            {group.name}
          </h2>
          <span className="block truncate text-xs text-base-content/70" data-testid="group-status">
            {status}
          </span>
        </span>
        <Info className="size-5 shrink-0 text-base-content/70" aria-hidden="true" />
      </button>
      {entries.length > 0 && (
        <Menu label="Conversation options" entries={entries} buttonClassName="btn btn-ghost btn-circle btn-sm">
          <EllipsisVertical className="size-5" aria-hidden="true" />
        </Menu>
      )}
    </HeaderShell>
  );
}

/** A group whose members are not loaded yet: nobody to suggest. */
const NO_MEMBERS: readonly GroupMember[] = [];

function HeaderShell({ onClose, chatKey, children }: { onClose: () => void; chatKey: string; children: ReactNode }) {
  const tools = useContext(HeaderToolsSlot)?.(chatKey);
  return (
    <header className="flex items-center gap-3 border-b border-base-300 bg-base-100 px-3 py-2.5 sm:px-5">
      <button type="button" className="btn btn-ghost btn-circle btn-sm md:hidden" onClick={onClose} aria-label="Back to chats">
        <ArrowLeft className="size-5" />
      </button>
      {children}
      {tools}
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
  return <TypingLine text={typing ? `${partner.fullName} is typing` : ""} />;
}

/** "Ada and Bo are typing…" */
function GroupTypingIndicator({ groupId }: { groupId: string }) {
  const names = useChatStore(useShallow((s) => typingNames(s, groupId)));
  return <TypingLine text={typingSentence(names).replace(/…$/, "")} />;
}

function TypingLine({ text }: { text: string }) {
  return (
    <div className="h-6 min-w-0 bg-base-200/60 px-5 text-xs text-base-content/70 sm:px-8" aria-live="polite">
      {text && (
        <span className="inline-flex max-w-full items-center gap-1.5" data-testid="typing-indicator">
          <span className="truncate">{text}</span>
          <span className="loading loading-dots loading-xs shrink-0" aria-hidden="true" />
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

/** Loads the history, closes on Escape, and reports what I have read (seen on screen) while it is open. */
function useOpenConversation(chatKey: string) {
  const meId = useChatStore((s) => s.meId);
  const conversation = useChatStore((s) => s.conversations[chatKey] ?? emptyConversation);
  const reported = useRef<string | null>(null);

  useEffect(() => {
    void openHistory(chatKey);
  }, [chatKey]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      // A dialog over the conversation (the group panel, a picture) takes its own Escape, even
      // when focus has fallen out of it (say, its focused button was removed).
      if (event.key === "Escape" && !event.defaultPrevented && !document.querySelector("dialog[open]")) {
        useChatStore.getState().chatClosed();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  // What the others wrote is read once it has been on screen while I was looking (MessageList).
  const onSeen = useCallback(
    (messageId: string) => {
      // Never back (scrolled up, older messages come into view); again only while a badge
      // says the server has not heard it yet.
      const unread = useChatStore.getState().chats[chatKey]?.unreadCount ?? 0;
      const order = reported.current === null ? 1 : compareIds(messageId, reported.current);
      if (order < 0 || (order === 0 && unread === 0)) return;
      reported.current = messageId;
      reportRead(chatKey, messageId);
    },
    [chatKey],
  );

  return { meId, conversation, onSeen };
}

interface ConversationProps {
  /** A person's id, or a group's key (store/chat keys.ts). */
  chatKey: string;
  /** Opens the group panel (a group's header). */
  onShowGroup?: () => void;
  /** Block and Report about another person, from the page (features/safety). */
  safetyEntries: SafetyEntriesOf;
  /** Pin and mute, from the page (features/chats). */
  chatEntries?: ChatEntriesOf;
}

export function Conversation({ chatKey, onShowGroup, safetyEntries, chatEntries }: ConversationProps) {
  const groupId = groupIdOf(chatKey);
  return groupId === null ? (
    <DirectConversation partnerId={chatKey} safetyEntries={safetyEntries} chatEntries={chatEntries} />
  ) : (
    <GroupConversation
      groupId={groupId}
      chatKey={chatKey}
      onShowGroup={onShowGroup ?? (() => undefined)}
      safetyEntries={safetyEntries}
      chatEntries={chatEntries}
    />
  );
}

interface DirectConversationProps {
  partnerId: string;
  safetyEntries: SafetyEntriesOf;
  chatEntries: ChatEntriesOf | undefined;
}

function DirectConversation({ partnerId, safetyEntries, chatEntries }: DirectConversationProps) {
  const partner = useChatStore((s) => s.people[partnerId]);
  const online = useChatStore((s) => Boolean(s.online[partnerId]));
  const { meId, conversation, onSeen } = useOpenConversation(partnerId);
  const close = () => useChatStore.getState().chatClosed();
  const attachment = useAttachment();
  const drop = useDropZone(attachment.attach);
  const senderOf = useCallback((id: string) => (partner && id === partner._id ? partner : unknownPerson(id)), [partner]);

  if (!partner || !meId) return <Unavailable conversation={conversation} onClose={close} />;
  return (
    <section
      className="relative flex h-full min-h-0 flex-1 flex-col"
      aria-label={`Conversation with ${partner.fullName}`}
      data-testid="conversation"
      {...drop.handlers}
    >
      <Header partner={partner} online={online} onClose={close} safetyEntries={safetyEntries} chatEntries={chatEntries} />
      <MessageList
        key={conversation.window}
        chatKey={partnerId}
        title={partner.fullName}
        picture={partner.profilePic}
        meId={meId}
        conversation={conversation}
        group={null}
        senderOf={senderOf}
        onSeen={onSeen}
        safetyEntries={safetyEntries}
      />
      <TypingIndicator partner={partner} />
      <Composer
        chatKey={partnerId}
        placeholder={`Message ${partner.fullName}`}
        attachment={attachment}
        nameOf={(id) => (id === meId ? "yourself" : partner.fullName)}
      />
      {drop.dragging && <DropHint name={partner.fullName} />}
    </section>
  );
}

interface GroupConversationProps {
  groupId: string;
  chatKey: string;
  onShowGroup: () => void;
  safetyEntries: SafetyEntriesOf;
  chatEntries: ChatEntriesOf | undefined;
}

function GroupConversation({ groupId, chatKey, onShowGroup, safetyEntries, chatEntries }: GroupConversationProps) {
  const group = useChatStore((s) => s.groups[groupId]);
  const people = useChatStore((s) => s.people);
  const { meId, conversation, onSeen } = useOpenConversation(chatKey);
  const close = () => useChatStore.getState().chatClosed();
  const attachment = useAttachment();
  const drop = useDropZone(attachment.attach);
  const members = group?.members;
  const senderOf = useCallback(
    (id: string): Person => {
      const member = members?.find((m) => m._id === id);
      if (member) return { _id: id, fullName: member.fullName, profilePic: member.profilePic, lastSeen: null };
      return people[id] ?? unknownPerson(id);
    },
    [members, people],
  );

  if (!group || !meId) return <Unavailable conversation={conversation} onClose={close} />;
  const member = group.myRole !== null;
  return (
    <section
      className="relative flex h-full min-h-0 flex-1 flex-col"
      aria-label={`Group conversation ${group.name}`}
      data-testid="conversation"
      data-group={groupId}
      {...(member ? drop.handlers : {})}
    >
      <GroupHeader group={group} onClose={close} onShowGroup={onShowGroup} chatEntries={chatEntries} />
      <MessageList
        key={conversation.window}
        chatKey={chatKey}
        title={group.name}
        picture={group.avatar}
        meId={meId}
        conversation={conversation}
        group={group}
        senderOf={senderOf}
        onSeen={onSeen}
        safetyEntries={safetyEntries}
      />
      <GroupTypingIndicator groupId={groupId} />
      {member ? (
        <Composer
          chatKey={chatKey}
          placeholder={`Message ${group.name}`}
          attachment={attachment}
          nameOf={(id) => (id === meId ? "yourself" : senderOf(id).fullName)}
          members={members ?? NO_MEMBERS}
        />
      ) : (
        <div className="border-t border-base-300 bg-base-100 px-4 py-4 text-center text-sm text-base-content/70">
          <p role="status" data-testid="not-a-member">
            {NOT_A_MEMBER} Its history up to then stays here.
          </p>
          <KeptDraft chatKey={chatKey} />
        </div>
      )}
      {member && drop.dragging && <DropHint name={group.name} />}
    </section>
  );
}

/**
 * What I was writing in a group I can no longer write in (removed, or left on another device):
 * shown, to copy elsewhere or let go, not dropped without a word with the composer.
 */
function KeptDraft({ chatKey }: { chatKey: string }) {
  const draft = useChatStore((s) => s.drafts[chatKey] ?? "");
  if (!draft.trim()) return null;
  return (
    <div className="mx-auto mt-3 flex max-w-lg flex-col gap-2 rounded-box bg-base-200 p-3 text-left" data-testid="kept-draft">
      <p className="text-xs font-medium">Your unsent text</p>
      <p className="line-clamp-3 break-words whitespace-pre-wrap text-base-content">{draft}</p>
      <div className="flex justify-end gap-1">
        <button type="button" className="btn btn-ghost btn-xs" onClick={() => draftTyped(chatKey, "")}>
          Discard
        </button>
        <button type="button" className="btn btn-xs" onClick={() => void copyText(draft)}>
          Copy
        </button>
      </div>
    </div>
  );
}

/**
 * A conversation opened by its address before the lists know it: loading, or (its history
 * refused: a group I was never in, an unknown person) a way back.
 */
function Unavailable({ conversation, onClose }: { conversation: ConversationState; onClose: () => void }) {
  if (conversation.status !== "error") {
    return (
      <div className="flex flex-1 items-center justify-center" role="status">
        <span className="loading loading-spinner loading-md text-base-content/70" aria-label="Opening the conversation" />
      </div>
    );
  }
  return (
    <div className="flex flex-1 flex-col items-center justify-center gap-3 p-6 text-center" role="alert" data-testid="conversation-unavailable">
      <p className="text-base-content/70">{conversation.error ?? "This conversation cannot be opened."}</p>
      <button type="button" className="btn btn-sm" onClick={onClose}>
        Back to chats
      </button>
    </div>
  );
}

function unknownPerson(id: string): Person {
  return { _id: id, fullName: "Someone", profilePic: "", lastSeen: null };
}

function DropHint({ name }: { name: string }) {
  return (
    <div
      className="pointer-events-none absolute inset-2 z-10 grid place-items-center rounded-box border-2 border-dashed border-primary bg-base-100/85"
      aria-hidden="true"
    >
      <p className="flex items-center gap-2 px-4 text-center text-lg font-semibold text-primary">
        <ImagePlus className="size-6 shrink-0" /> Drop a picture to send it to {name}
      </p>
    </div>
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
      <p className="mt-2 max-w-sm text-base-content/70">
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
