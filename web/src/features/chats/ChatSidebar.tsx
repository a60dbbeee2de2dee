import { BellOff, ImageIcon, MessageCircle, Pin, Users, UsersRound, WifiOff } from "lucide-react";
import { type ComponentType, type ReactNode, useEffect, useId, useMemo, useRef, useState } from "react";
import { useShallow } from "zustand/react/shallow";
import { Avatar } from "../../components/ui/Avatar";
import { SearchField } from "../../components/ui/SearchField";
import { PHONE_QUERY, useMediaQuery } from "../../components/ui/useMediaQuery";
import { firstName, systemText, typingSentence } from "../../lib/groupText";
import { matchesName } from "../../lib/people";
import { shortWhen, untilWhen } from "../../lib/time";
import { markOnce } from "../../lib/perf";
import {
  type ChatEntry,
  everyone,
  type GroupInfo,
  groupIdOf,
  isDraft,
  listOrder,
  nameOf,
  type PeopleList,
  typingNames,
  useChatStore,
} from "../../store/chat";
import type { Person } from "../../types";
import { playClick } from "../../lib/sounds";
import { useSettingsStore } from "../../store/settings";
import { loadContacts, loadMoreContacts } from "./lists";
import { RowMenu, useRowMenuOpeners } from "./RowMenu";
import { unreadCount } from "./useUnreadTitle";

type Tab = "chats" | "contacts";

/** The people search asks the server once typing pauses this long. */
const SEARCH_DEBOUNCE_MS = 250;

/**
 * The end of a people list while the server has more: scrolled into view, it asks for the next
 * page. Keyed by that page's cursor, so a fresh observer looks again after each page (a short
 * page leaves it in view, and an observer only speaks when that changes).
 */
function MorePeople({ list }: { list: PeopleList }) {
  const end = useRef<HTMLLIElement>(null);
  const { query } = list;
  useEffect(() => {
    const element = end.current;
    if (!element) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) void loadMoreContacts(query);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [query]);
  return (
    <li ref={end} className="flex justify-center py-3" data-testid="more-contacts">
      {list.moreStatus === "error" ? (
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => void loadMoreContacts(query)}>
          Could not load more people. Retry
        </button>
      ) : (
        <span className="loading loading-dots loading-sm text-base-content/70" aria-label="Loading more people" />
      )}
    </li>
  );
}

function ConnectionBanner() {
  const connection = useChatStore((s) => s.connection);
  if (connection === "connected") return null;
  const offline = connection === "offline";
  return (
    <div
      className={`mx-3 mb-2 flex items-center gap-2 rounded-field px-3 py-2 text-sm ${
        offline ? "bg-error/10 text-error" : "bg-warning/15 text-warning-content"
      }`}
      role="status"
      data-testid="connection-status"
    >
      {offline ? (
        <WifiOff className="size-4" aria-hidden="true" />
      ) : (
        <span className="loading loading-spinner loading-xs" aria-hidden="true" />
      )}
      {offline ? "You are offline. Messages will send when you reconnect." : connection === "connecting" ? "Connecting…" : "Reconnecting…"}
    </div>
  );
}

function Preview({ entry, meId, groupId }: { entry: ChatEntry; meId: string | null; groupId: string | null }) {
  const last = entry.lastMessage;
  // Names of senders and of people in system messages, as the store knows them.
  const people = useChatStore((s) => s.people);
  const groups = useChatStore((s) => s.groups);
  const name = (id: string) => {
    const known = nameOf({ people, groups }, id, groupId);
    // A group's entry names its last sender, whom this page may not know yet.
    return known === "Someone" && id === last?.senderId && last.senderName ? last.senderName : known;
  };
  if (!last) return <span className="italic">{groupId ? "No messages yet" : "Say hello 👋"}</span>;
  if (last.kind === "system" && last.system) return <span className="italic">{systemText(last.system, name, meId)}</span>;
  // In a group, whose message it is: "You: " or the sender's first name.
  const mine =
    last.senderId === meId ? "You: " : groupId ? `${firstName(name(last.senderId))}: ` : "";
  if (last.deleted) return <span className="italic">{mine}Message deleted</span>;
  if (!last.text && last.hasImage)
    return (
      <span className="inline-flex items-center gap-1">
        {mine}
        <ImageIcon className="size-3.5" aria-hidden="true" /> Photo
      </span>
    );
  return (
    <>
      {mine}
      {last.text}
    </>
  );
}

interface RowProps {
  /** A person, or a group (no presence). */
  who: { _id: string; name: string; picture: string | null; group: boolean };
  /** Null: not shown (a group). */
  online: boolean | null;
  active: boolean;
  onOpen: () => void;
  secondary: ReactNode;
  trailing?: ReactNode;
  unread?: number;
  /** A chats-list entry: its menu (pin, mute) and what its settings show. */
  chat?: { key: string; muted: boolean; mutedUntil: string | null; pinned: boolean; mentions: number; phone: boolean };
}

function personRow(person: Person) {
  return { _id: person._id, name: person.fullName, picture: person.profilePic, group: false };
}

function groupRow(group: GroupInfo) {
  return { _id: group._id, name: group.name, picture: group.avatar, group: true };
}

/** Unread mentions of me in a group, apart from the unread count (they notify even when the group is muted). */
function MentionBadge({ count }: { count: number }) {
  if (count <= 0) return null;
  return (
    <span className="badge badge-primary badge-sm shrink-0 px-1.5 font-bold" data-testid="mention-badge" title={`${count} mentions of you`}>
      @<span className="sr-only"> {count} mentions of you</span>
    </span>
  );
}

/** A struck bell; a mute for a while says when it ends (read out, and on hover). */
function MutedIcon({ until }: { until: string | null }) {
  const label = until ? `Muted until ${untilWhen(until)}` : "Muted";
  return (
    <span title={label} className="inline-flex">
      <BellOff className="size-3.5" aria-label={label} role="img" data-testid="muted-icon" />
    </span>
  );
}

function Row({ who, online, active, onOpen, secondary, trailing, unread = 0, chat }: RowProps) {
  const [menuOpen, setMenuOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const openers = useRowMenuOpeners(() => setMenuOpen(true));
  const muted = chat?.muted ?? false;
  return (
    <li className="group relative">
      <button
        ref={button}
        type="button"
        onClick={() => {
          if (!openers.longPressed()) onOpen();
        }}
        {...(chat
          ? {
              onContextMenu: openers.onContextMenu,
              onKeyDown: openers.onKeyDown,
              onPointerDown: openers.onPointerDown,
              onPointerMove: openers.onPointerMove,
              onPointerUp: openers.onPointerUp,
              onPointerCancel: openers.onPointerCancel,
              // Besides its ⋮: the keys that open a context menu (RowMenu.tsx).
              "aria-keyshortcuts": "Shift+F10 ContextMenu",
              "data-muted": muted ? "true" : "false",
              "data-pinned": chat.pinned ? "true" : "false",
            }
          : {})}
        aria-current={active ? "true" : undefined}
        data-testid="chat-row"
        {...(who.group ? { "data-group": who._id } : { "data-person": who._id })}
        data-online={online ? "true" : "false"}
        // A finger held on an entry opens its menu, not a text selection or the system's callout.
        className={`flex w-full items-center gap-3 rounded-box px-3 py-2.5 text-left transition-colors ${
          active ? "bg-primary/10" : "hover:bg-base-200"
        } ${chat ? "select-none [-webkit-touch-callout:none]" : ""}`}
      >
        <span className="relative">
          <Avatar name={who.name} src={who.picture} seed={who._id} size="md" online={online ?? undefined} />
          {online !== null && <span className="sr-only">{online ? "(online)" : "(offline)"}</span>}
        </span>
        <span className="min-w-0 flex-1">
          <span className="flex items-baseline justify-between gap-2">
            <span className={`truncate ${unread > 0 ? "font-bold" : "font-semibold"}`} data-testid="chat-name">
              {who.name}
            </span>
            {who.group && <span className="sr-only">(group)</span>}
            <span className="flex shrink-0 items-center gap-1 text-base-content/70">
              {muted && <MutedIcon until={chat?.mutedUntil ?? null} />}
              {chat?.pinned && <Pin className="size-3.5" aria-label="Pinned" role="img" data-testid="pinned-icon" />}
              {trailing && (
                <span className="text-xs" data-testid="chat-time">
                  {trailing}
                </span>
              )}
            </span>
          </span>
          {/* Room for the ⋮ (RowMenu) while it shows: on hover, focus, or its menu open. */}
          <span
            className={`flex items-center justify-between gap-2 ${
              chat
                ? "md:[@media(hover:hover)]:group-hover:pr-7 md:[@media(hover:hover)]:group-focus-within:pr-7 md:[@media(hover:hover)]:group-has-[[aria-expanded=true]]:pr-7"
                : ""
            }`}
          >
            <span className={`truncate text-sm ${unread > 0 ? "text-base-content" : "text-base-content/70"}`}>{secondary}</span>
            <MentionBadge count={chat?.mentions ?? 0} />
            {unread > 0 && (
              // Greyed in a muted chat: still there, but not calling.
              <span
                className={`badge badge-sm shrink-0 font-semibold ${muted ? "border-transparent bg-base-300 text-base-content/80" : "badge-primary"}`}
                data-testid="unread-badge"
              >
                {unread > 99 ? "99+" : unread}
                <span className="sr-only"> unread</span>
              </span>
            )}
          </span>
        </span>
      </button>
      {chat && (
        <RowMenu chatKey={chat.key} open={menuOpen} onOpenChange={setMenuOpen} phone={chat.phone} row={button} />
      )}
    </li>
  );
}

function ListSkeleton() {
  return (
    <ul className="space-y-1 px-3" aria-hidden="true">
      {Array.from({ length: 6 }, (_, i) => (
        <li key={i} className="flex items-center gap-3 px-3 py-2.5">
          <div className="skeleton size-12 shrink-0 rounded-full" />
          <div className="flex-1 space-y-2">
            <div className="skeleton h-3.5 w-2/5" />
            <div className="skeleton h-3 w-4/5" />
          </div>
        </li>
      ))}
    </ul>
  );
}

function EmptyList({ icon, title, text }: { icon: ReactNode; title: string; text: string }) {
  return (
    <div className="flex flex-col items-center px-8 py-12 text-center">
      <span className="mb-3 grid size-12 place-items-center rounded-full bg-base-200 text-base-content/70">{icon}</span>
      <p className="font-semibold">{title}</p>
      <p className="mt-1 text-sm text-base-content/70">{text}</p>
    </div>
  );
}

/** What I typed there and have not sent, in place of the last message (not in the open chat, where it is in the box). */
function DraftOr({ chatKey, children }: { chatKey: string; children: ReactNode }) {
  const text = useChatStore((s) => (s.activeId === chatKey ? undefined : s.drafts[chatKey]));
  if (!isDraft(text)) return children;
  return (
    <span data-testid="row-draft">
      <span className="font-medium text-error">Draft:</span> {text.replace(/\s+/g, " ").trim()}
    </span>
  );
}

/** "Ada is typing…" under a group's name in the list. */
function GroupTyping({ groupId }: { groupId: string }) {
  const names = useChatStore(useShallow((s) => typingNames(s, groupId)));
  return names.length > 0 ? (
    <span className="text-primary" data-testid="row-typing">
      {typingSentence(names)}
    </span>
  ) : null;
}

function GroupRowSecondary({ groupId, entry, meId }: { groupId: string; entry: ChatEntry; meId: string | null }) {
  const typing = useChatStore((s) => Object.keys(s.groupTyping[groupId] ?? {}).some((id) => id !== meId));
  return typing ? <GroupTyping groupId={groupId} /> : <Preview entry={entry} meId={meId} groupId={groupId} />;
}

interface ChatSidebarProps {
  header: ReactNode;
  /** Opens the new-group dialog (the page owns it). */
  onNewGroup: () => void;
  /** The message search (the page brings it: another feature's), shown above the lists; while
   * it has text, what it finds stands in for them (its children). */
  MessageSearch: ComponentType<{ children: ReactNode }>;
}

export function ChatSidebar({ header, onNewGroup, MessageSearch }: ChatSidebarProps) {
  const [tab, setTab] = useState<Tab>("chats");
  const [query, setQuery] = useState("");
  const soundOn = useSettingsStore((s) => s.soundEnabled);
  const { meId, people, groups, chatOrder, chats, chatsStatus, found, online, activeId, typing, ...everyoneFields } = useChatStore(
    useShallow((s) => ({
      meId: s.meId,
      people: s.people,
      groups: s.groups,
      chatOrder: s.chatOrder,
      chats: s.chats,
      chatsStatus: s.chatsStatus,
      contactIds: s.contactIds,
      contactsStatus: s.contactsStatus,
      contactsNext: s.contactsNext,
      moreContactsStatus: s.moreContactsStatus,
      found: s.found,
      online: s.online,
      activeId: s.activeId,
      typing: s.typing,
    })),
  );
  useEffect(() => {
    // Navigation start to a usable list: read by the end-to-end timing test.
    if (chatsStatus === "ready") markOnce("chats-rendered");
  }, [chatsStatus]);
  const phone = useMediaQuery(PHONE_QUERY);
  // Muted chats are left out, as in the title (useUnreadTitle).
  const totalUnread = useMemo(() => unreadCount(chats), [chats]);
  const q = query.trim().toLowerCase();
  useEffect(() => {
    // People are searched on the server (a list holds a page at a time); meanwhile the people
    // already shown narrow at once, below.
    if (!q) return useChatStore.getState().searchCleared();
    if (q === useChatStore.getState().found?.query) return;
    const timer = setTimeout(() => void loadContacts(q), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [q]);
  const open = (id: string) => useChatStore.getState().chatOpened(id);
  const matches = (person: Person | undefined): person is Person => matchesName(person, q);

  function select(next: Tab) {
    if (soundOn) playClick();
    setTab(next);
    // People sign up all the time: the list is fresh whenever it is opened.
    if (next === "contacts") void loadContacts(q);
  }

  type ChatRow = { key: string; entry: ChatEntry } & ({ person: Person; group?: never } | { group: GroupInfo; person?: never });
  const shownOrder = useMemo(() => listOrder(chatOrder, chats), [chatOrder, chats]);
  const chatRows = shownOrder.flatMap((key): ChatRow[] => {
    const entry = chats[key];
    if (!entry) return [];
    const groupId = groupIdOf(key);
    if (groupId !== null) {
      const group = groups[groupId];
      return group && (!q || group.name.toLowerCase().includes(q)) ? [{ key, entry, group }] : [];
    }
    const person = people[key];
    return matches(person) ? [{ key, entry, person }] : [];
  });
  const shown = q && found ? found : everyone(everyoneFields);
  const contactRows = shown.ids.map((id) => people[id]).filter(matches);
  // Searching the chats finds people too (WhatsApp, Telegram): those it found with no chat yet
  // come under the chats that match, so a name typed there is never "not found" while it exists.
  const inChats = new Set(chatRows.map((row) => row.key));
  const peopleId = useId();
  const morePeople = q ? contactRows.filter((person) => !inChats.has(person._id)) : [];
  const peopleRow = (person: Person) => (
    <Row
      key={person._id}
      who={personRow(person)}
      online={Boolean(online[person._id])}
      active={activeId === person._id}
      onOpen={() => open(person._id)}
      secondary={online[person._id] ? "Online" : "Offline"}
    />
  );

  return (
    <aside className="flex h-full min-h-0 flex-col bg-base-100" aria-label="Conversations">
      {header}
      <ConnectionBanner />
      <MessageSearch>
        <div className="space-y-3 px-3 pb-2">
          <div className="flex items-center gap-2">
            <SearchField label="Search people" value={query} onChange={setQuery} className="min-w-0 flex-1" />
            <button
              type="button"
              className="btn btn-ghost btn-sm btn-circle"
              onClick={onNewGroup}
              aria-label="New group"
              aria-haspopup="dialog"
              title="New group"
              data-testid="new-group"
            >
              <UsersRound className="size-4.5" aria-hidden="true" />
            </button>
          </div>
          <div role="tablist" className="tabs tabs-box tabs-sm grid grid-cols-2" aria-label="Lists">
            <button
              type="button"
              role="tab"
              aria-selected={tab === "chats"}
              className={`tab gap-2 ${tab === "chats" ? "tab-active" : ""}`}
              onClick={() => select("chats")}
            >
              <MessageCircle className="size-4" aria-hidden="true" /> Chats
              {totalUnread > 0 && <span className="badge badge-primary badge-xs">{totalUnread}</span>}
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={tab === "contacts"}
              className={`tab gap-2 ${tab === "contacts" ? "tab-active" : ""}`}
              onClick={() => select("contacts")}
            >
              <Users className="size-4" aria-hidden="true" /> Contacts
            </button>
          </div>
        </div>

        <div className="scroll-thin min-h-0 flex-1 overflow-y-auto pb-3" role="tabpanel" aria-label={tab === "chats" ? "Chats" : "Contacts"}>
          {tab === "chats" ? (
            chatsStatus !== "ready" && chatRows.length === 0 ? (
              chatsStatus === "error" ? (
                <EmptyList icon={<WifiOff className="size-5" />} title="Could not load chats" text="Check your connection." />
              ) : (
                <ListSkeleton />
              )
            ) : chatRows.length === 0 && morePeople.length === 0 ? (
              q && (shown.status === "idle" || shown.status === "loading") ? (
                <ListSkeleton />
              ) : (
                <EmptyList
                  icon={<MessageCircle className="size-5" />}
                  title={q ? "Nobody and no chat by that name" : "No chats yet"}
                  text={q ? "Try another name." : "Open Contacts and say hello to someone, or start a group."}
                />
              )
            ) : (
              <>
                {chatRows.length > 0 && (
                  <ul className="space-y-0.5 px-2" data-testid="chat-list">
                    {chatRows.map(({ key, entry, person, group }) => (
                      <Row
                        key={key}
                        who={group ? groupRow(group) : personRow(person)}
                        online={group ? null : Boolean(online[person._id])}
                        active={activeId === key}
                        onOpen={() => open(key)}
                        secondary={
                          <DraftOr chatKey={key}>
                            {group ? (
                              <GroupRowSecondary groupId={group._id} entry={entry} meId={meId} />
                            ) : typing[person._id] ? (
                              <span className="text-primary" data-testid="row-typing">
                                typing…
                              </span>
                            ) : (
                              <Preview entry={entry} meId={meId} groupId={null} />
                            )}
                          </DraftOr>
                        }
                        trailing={entry.lastMessage ? shortWhen(entry.lastMessage.createdAt) : undefined}
                        unread={entry.unreadCount}
                        chat={{
                          key,
                          muted: entry.muted,
                          mutedUntil: entry.mutedUntil ?? null,
                          pinned: entry.pinnedAt !== null,
                          mentions: entry.mentionCount,
                          phone,
                        }}
                      />
                    ))}
                  </ul>
                )}
                {morePeople.length > 0 && (
                  <section aria-labelledby={peopleId} className="mt-2">
                    <div id={peopleId} className="px-5 pt-1 pb-1.5 text-xs font-semibold tracking-wide text-base-content/70 uppercase">
                      People
                    </div>
                    <ul className="space-y-0.5 px-2" data-testid="found-people">
                      {morePeople.map(peopleRow)}
                    </ul>
                  </section>
                )}
              </>
            )
          ) : shown.status !== "ready" && contactRows.length === 0 ? (
            <ListSkeleton />
          ) : contactRows.length === 0 ? (
            <EmptyList
              icon={<Users className="size-5" />}
              title={q ? "Nobody by that name" : "Nobody else here yet"}
              text={q ? "Try another name." : "Invite a friend to sign up."}
            />
          ) : (
            <ul className="space-y-0.5 px-2" data-testid="contact-list">
              {contactRows.map(peopleRow)}
              {shown.next !== null && <MorePeople key={shown.next} list={shown} />}
            </ul>
          )}
        </div>
      </MessageSearch>
    </aside>
  );
}
