/**
 * The one Socket.IO connection: turns server events into store actions, fills gaps with
 * `sync` after every (re)connect, and offers the client → server calls with acks.
 */
import { io, type Socket } from "socket.io-client";
import { checkSession } from "../api/auth";
import { ApiError, sessionConfirmed, sessionDoubted, sessionRefused } from "../api/http";
import { type Gathered, gathered } from "../lib/gathered";
import { useAuthStore } from "../store/auth";
import { type ChatTarget, groupKey, settingsOf, useChatStore, type Received } from "../store/chat";
import { useReactionsStore } from "../store/reactions";
import type {
  Ack,
  ChangeAck,
  ConversationSettingsChanged,
  Group,
  GroupRemoved,
  MarkReadAck,
  Message,
  MessagesRead,
  PresenceChanged,
  SendAck,
  SyncAck,
  Typing,
  UserUpdated,
} from "../types";
import type { ReactionsOfMessage } from "../types/reactions";
import { ClientEvent, type ClientEventName, ServerEvent } from "./events";
import { refreshReactionsAfterGap } from "./staleReactions";

export interface SocketHooks {
  /** After messages were put in the store (live or from a sync): sounds, unknown senders. */
  messagesArrived: (received: Received[]) => void;
  /** Connected and caught up: the moment to (re)send what is still unsent. */
  caughtUp: () => void;
  /**
   * Caught up after a reconnect: `sync` brought the messages, not the groups' changes (a new
   * name, picture, members, my leaving) whose `groupUpdated` was missed while away.
   */
  reconnected: () => void;
  /** Someone we have never listed came online (they signed up after our lists loaded). */
  strangerOnline: (userId: string) => void;
  /** The server refused or dropped us: the session may have ended. */
  sessionInDoubt: (reason: string) => void;
}

const SYNC_PAGE = 500;
const CALL_TIMEOUT_MS = 10_000;
/** The server ends a typing indicator after 5 s; this is our own stop, should its end be lost. */
const TYPING_EXPIRY_MS = 6_000;

let socket: Socket | null = null;
/** The connection the server confirmed is the signed-in person's (sessionIsMine). */
let confirmed: Socket | null = null;
let detachWindow: (() => void) | null = null;
/**
 * What came in (server events) or would go out (reads) on a connection not yet confirmed: done
 * in order once it is, dropped if the session is someone else's. Until the server has said who
 * the cookie is, a newMessage may be for another person than the one whose chats are shown.
 */
let held: (() => void)[] = [];
/**
 * Live messages heard and not yet in the store. A burst (a busy group, many at once from my
 * other device) goes in as one change, so the page draws once, not once per message: a slow
 * phone drawing 150 in turn fell a minute behind. Any other event heard puts them in first,
 * so an edit or a read receipt finds its message.
 */
let arrivals: Gathered<Message> | null = null;
const typingExpiry = new Map<string, ReturnType<typeof setTimeout>>();

const store = () => useChatStore.getState();

/** The socket, when connected as the person this page shows: anything may be sent. */
function ready(): Socket | null {
  return socket?.connected && confirmed === socket ? socket : null;
}

export function isConnected(): boolean {
  return ready() !== null;
}

/** Connected, and the server not yet asked whose session it is: nothing may go out, by REST neither. */
export function isConfirming(): boolean {
  return socket !== null && socket.connected && confirmed !== socket;
}

/**
 * A server event's handler, held back while the connection is unconfirmed. Any event but a new
 * message first puts the messages gathered before it in the store, heard live or replayed.
 */
function heard<A extends unknown[]>(current: Socket, event: string, handler: (...args: A) => void): void {
  current.on(event, (...args: A) => {
    const run = () => {
      if (event !== ServerEvent.NEW_MESSAGE) arrivals?.flush();
      handler(...args);
    };
    if (confirmed === current) run();
    else if (socket === current) held.push(run);
  });
}

const SESSION_ENDED = "Your session has ended. Please log in again.";
const SOMEONE_ELSE = "Someone else has signed in on this browser since. Please log in again.";
/** Waits between asking again when the server could not say who we are (busy, unreachable). */
const CONFIRM_RETRY_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

function sessionOver(reason: string): void {
  sessionRefused(); // no REST request that waited for the answer goes out as them either
  disconnectSocket(); // nothing more of whoever the server now sees comes in
  store().sessionCleared();
  useAuthStore.getState().sessionEnded(reason);
}

/**
 * Asked after every (re)connect, before anything is synced or sent: is the server's session
 * (the cookie the socket went in with) still the person this page shows? The page may have
 * opened offline on the chats of the person last signed in here (store/auth.ts), and the
 * browser's cookie may have changed meanwhile (another tab signed someone else in, or the
 * session ended). Then the page drops to the login page, and nothing goes out as the wrong
 * person: their outbox is never resent.
 */
async function sessionIsMine(current: Socket): Promise<boolean> {
  for (let attempt = 0; socket === current && current.connected; attempt += 1) {
    try {
      const user = await checkSession();
      if (socket !== current) return false;
      if (user._id === useAuthStore.getState().user?._id) return true;
      sessionOver(SOMEONE_ELSE);
      return false;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        if (socket === current) sessionOver(SESSION_ENDED);
        return false;
      }
    }
    const wait = CONFIRM_RETRY_MS[Math.min(attempt, CONFIRM_RETRY_MS.length - 1)];
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  return false;
}

async function catchUp(current: Socket, hooks: SocketHooks): Promise<void> {
  let cursor = store().syncCursor;
  // Before the chats list has loaded there is nothing to catch up on: it is the snapshot.
  while (cursor !== null && current.connected) {
    let ack: Ack<SyncAck>;
    try {
      ack = (await current.timeout(CALL_TIMEOUT_MS).emitWithAck(ClientEvent.SYNC, {
        afterMessageId: cursor,
        limit: SYNC_PAGE,
      })) as Ack<SyncAck>;
    } catch {
      return; // Timed out: the next reconnect tries again.
    }
    if (!ack.ok) return;
    if (ack.messages.length > 0) hooks.messagesArrived(store().messagesSynced(ack.messages));
    const last = ack.messages[ack.messages.length - 1];
    if (!ack.hasMore || !last) break;
    cursor = last._id;
  }
}

export function connectSocket(hooks: SocketHooks): void {
  if (socket) return;
  const current = io({
    withCredentials: true,
    transports: ["websocket"],
    // One presenceChanged frame per announcement, instead of the full list or an event per person;
    // group traffic, people's new names and pictures, reactions, and my settings changed
    // elsewhere, which the server sends only to clients that ask for them.
    auth: { presence: "batch", groups: true, profiles: true, reactions: true, settings: true },
  });
  useReactionsStore.getState().reactionsCleared(); // a new session: the last one's are not mine
  socket = current;
  store().connectionChanged("connecting");
  let connectedBefore = false;

  current.on("connect", () => {
    store().connectionChanged("connected");
    const again = connectedBefore;
    connectedBefore = true;
    void (async () => {
      if (!(await sessionIsMine(current))) return;
      confirmed = current;
      sessionConfirmed();
      const replay = held;
      held = [];
      for (const heldBack of replay) heldBack();
      await catchUp(current, hooks);
      if (socket !== current || !current.connected) return;
      hooks.caughtUp();
      if (!again) return;
      hooks.reconnected();
      void refreshReactionsAfterGap();
    })();
  });

  current.on("disconnect", (reason) => {
    confirmed = null;
    sessionDoubted(); // until the next connection is confirmed, REST requests wait too (api/http.ts)
    held = []; // the next connection is asked again; sync brings what was held
    store().connectionChanged(navigator.onLine === false ? "offline" : "reconnecting");
    if (reason === "io server disconnect") {
      // The server closed us on purpose (a logout elsewhere, a revoked session).
      hooks.sessionInDoubt(SESSION_ENDED);
    }
  });

  current.on("connect_error", (error: Error) => {
    if (!current.active) {
      // Refused by the server's connect handler: it will not retry by itself.
      hooks.sessionInDoubt(error.message || SESSION_ENDED);
      return;
    }
    store().connectionChanged(navigator.onLine === false ? "offline" : "reconnecting");
  });

  heard(current, ServerEvent.GET_ONLINE_USERS, (ids: string[]) => store().onlineListReceived(ids));
  heard(current, ServerEvent.PRESENCE_CHANGED, (event: PresenceChanged) => {
    const me = useAuthStore.getState().user?._id;
    for (const userId of event.online) {
      store().userCameOnline(userId);
      // Our own arrival is in the frame too; only someone unknown calls for a contacts reload.
      if (userId !== me && !store().people[userId]) hooks.strangerOnline(userId);
    }
    for (const gone of event.offline) store().userWentOffline(gone.userId, gone.lastSeen);
  });
  const heardMessages = gathered<Message>((messages) => hooks.messagesArrived(store().messagesReceived(messages)));
  arrivals = heardMessages;
  heard(current, ServerEvent.NEW_MESSAGE, (message: Message) => heardMessages.add(message));
  heard(current, ServerEvent.MESSAGE_UPDATED, (message: Message) => store().messageChanged(message));
  heard(current, ServerEvent.MESSAGE_DELETED, (message: Message) => store().messageChanged(message));
  heard(current, ServerEvent.MESSAGES_READ, (event: MessagesRead) => store().messagesRead(event));
  heard(current, ServerEvent.TYPING, (event: Typing) => typingHeard(event));
  heard(current, ServerEvent.GROUP_UPDATED, (group: Group) => store().groupUpdated(group));
  heard(current, ServerEvent.GROUP_REMOVED, (event: GroupRemoved) => {
    for (const [key, timer] of typingExpiry) {
      if (key.startsWith(`${event.groupId}:`)) {
        clearTimeout(timer);
        typingExpiry.delete(key);
      }
    }
    store().groupRemoved(event.groupId);
  });
  heard(current, ServerEvent.USER_UPDATED, (profile: UserUpdated) => {
    store().userUpdated(profile);
    // My own change made in another tab: this tab's header follows.
    const auth = useAuthStore.getState();
    if (auth.user?._id === profile._id) {
      auth.signedIn({ ...auth.user, fullName: profile.fullName, profilePic: profile.profilePic });
    }
  });
  heard(current, ServerEvent.REACTIONS_UPDATED, (event: ReactionsOfMessage) =>
    useReactionsStore.getState().reactionsReceived(event.messageId, event.reactions),
  );
  // Muted or pinned in another tab or on another device.
  heard(current, ServerEvent.CONVERSATION_SETTINGS, (event: ConversationSettingsChanged) =>
    store().chatSettingsChanged(event.type === "group" ? groupKey(event._id) : event._id, settingsOf(event)),
  );
  // Still connected, but events meant for us may have been lost on the server's side.
  // Reactions too: a lost reactionsUpdated is in no sync answer.
  current.on(ServerEvent.RESYNC, () => {
    if (confirmed === current) void catchUp(current, hooks).then(refreshReactionsAfterGap);
  });

  // The browser knows about a lost network long before a ping times out.
  const offline = () => {
    store().connectionChanged("offline");
    current.disconnect();
  };
  const online = () => {
    if (!current.connected) {
      store().connectionChanged("reconnecting");
      current.connect();
    }
  };
  window.addEventListener("offline", offline);
  window.addEventListener("online", online);
  detachWindow = () => {
    window.removeEventListener("offline", offline);
    window.removeEventListener("online", online);
  };
}

function typingHeard({ userId, groupId, isTyping }: Typing): void {
  // A person typing in a group and to me are two indicators, each with its own expiry.
  const key = groupId ? `${groupId}:${userId}` : userId;
  const changed = (typing: boolean) =>
    groupId ? store().groupTypingChanged(groupId, userId, typing) : store().typingChanged(userId, typing);
  clearTimeout(typingExpiry.get(key));
  typingExpiry.delete(key);
  changed(isTyping);
  if (isTyping) {
    typingExpiry.set(
      key,
      setTimeout(() => {
        typingExpiry.delete(key);
        changed(false);
      }, TYPING_EXPIRY_MS),
    );
  }
}

export function disconnectSocket(): void {
  for (const timer of typingExpiry.values()) clearTimeout(timer);
  typingExpiry.clear();
  detachWindow?.();
  detachWindow = null;
  socket?.removeAllListeners();
  socket?.disconnect();
  socket = null;
  confirmed = null;
  held = [];
  arrivals?.drop(); // the session may be over: they are not put in a store now someone else's
  arrivals = null;
}

/** Ask the server again after a doubt about the session turned out to be unfounded. */
export function reconnectSocket(): void {
  if (socket && !socket.connected) socket.connect();
}

export class CallTimeout extends Error {
  constructor() {
    super("No answer from the server.");
    this.name = "CallTimeout";
  }
}

async function call<T>(event: ClientEventName, payload: object): Promise<Ack<T>> {
  const current = ready();
  if (!current) throw new CallTimeout();
  try {
    return (await current.timeout(CALL_TIMEOUT_MS).emitWithAck(event, payload)) as Ack<T>;
  } catch {
    throw new CallTimeout();
  }
}

/** To a person ({receiverId}) or a group ({groupId}): exactly one of the two. */
export async function callSendMessage(
  payload: ChatTarget & { text?: string; image?: string; clientId: string; replyToId?: string; mentions?: string[] },
): Promise<Ack<SendAck>> {
  return call(ClientEvent.SEND_MESSAGE, payload);
}

export function emitMarkRead(target: ChatTarget, upToMessageId: string, done: (ack: Ack<MarkReadAck>) => void): void {
  if (isConfirming()) {
    held.push(() => emitMarkRead(target, upToMessageId, done));
    return;
  }
  const current = ready();
  if (!current) return;
  // markRead names the other person as `userId` (the original event), or the group.
  const whose = "groupId" in target ? { groupId: target.groupId } : { userId: target.receiverId };
  current
    .timeout(CALL_TIMEOUT_MS)
    .emitWithAck(ClientEvent.MARK_READ, { ...whose, upToMessageId })
    .then((ack: Ack<MarkReadAck>) => done(ack))
    .catch(() => undefined);
}

/** Fire and forget: a lost typing signal only shows or hides three dots a little late. */
export function emitTyping(target: ChatTarget, isTyping: boolean): void {
  ready()?.emit(ClientEvent.TYPING, { ...target, isTyping });
}

export function callEditMessage(messageId: string, text: string): Promise<Ack<ChangeAck>> {
  return call(ClientEvent.EDIT_MESSAGE, { messageId, text });
}

export function callDeleteMessage(messageId: string): Promise<Ack<ChangeAck>> {
  return call(ClientEvent.DELETE_MESSAGE, { messageId });
}
