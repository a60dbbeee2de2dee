/**
 * Sending: the bubble goes into the store at once, then the message travels (socket for text;
 * a picture is uploaded as a file first, then sent over REST by its id), and the answer
 * reconciles it by its clientId. Unsent messages wait for the connection and go out again after
 * a reconnect, always with the same clientId, so the server stores each one once. They are kept
 * in IndexedDB too (lib/localDb.ts) until stored or discarded: a closed tab loses none of them,
 * and the next visit sends them, in the order written.
 *
 * One message travels at a time, each after the answer to the one before (`sending`): the
 * receiver gets them in the order typed. Sent side by side, a text overtakes a picture still
 * uploading, and resends after a reconnect would arrive in whatever order they were answered.
 */
import toast from "react-hot-toast";
import { ApiError, NETWORK_ERROR, errorMessage } from "../../api/http";
import { fetchGroup, sendGroupMessage } from "../../api/groups";
import { uploadPicture } from "../../api/media";
import { type SendInput, sendMessage } from "../../api/messages";
import { dataUrlToBlob, readAsDataUrl } from "../../lib/images";
import { newClientId } from "../../lib/ids";
import { changeUnsent, forgetUnsent, keepUnsent, nextOutboxSeq, readOutbox } from "../../lib/localDb";
import { asSentence } from "../../lib/text";
import { CallTimeout, callSendMessage, isConnected } from "../../realtime/socket";
import { groupIdOf, targetOf, useChatStore } from "../../store/chat";
import type { ChatMessage } from "../../store/conversation";
import { loadLatest } from "./history";
import type { PictureSize } from "./useAttachment";
import type { Message, Quote } from "../../types";

const store = () => useChatStore.getState();
/** Messages queued or travelling, by clientId: each is in the queue once. */
const inFlight = new Set<string>();
/** The end of the queue: the delivery of the last message queued. */
let sending: Promise<void> = Promise.resolve();
/** Pictures uploaded for a message not yet stored: clientId → picture id. */
const uploaded = new Map<string, string>();

/** Codes after which the same message may well succeed later. */
const RETRYABLE_CODES = new Set(["rate_limited", "unavailable", "internal_error", NETWORK_ERROR]);

/**
 * A refusal worth trying again: the server was busy, slow or broken, or unreachable. Any other
 * 4xx is permanent (a picture it cannot read, a person who is gone): the same request would be
 * refused the same way, so no Retry is offered.
 */
function retryableAnswer(error: ApiError): boolean {
  return error.status === 0 || error.status === 408 || error.status === 429 || error.status >= 500 || RETRYABLE_CODES.has(error.code);
}

function findUnsent(chatKey: string, clientId: string): ChatMessage | undefined {
  return store().conversations[chatKey]?.messages.find((m) => m._id === null && m.clientId === clientId);
}

/** Whoever is signed in: the key of what is kept. */
const meId = () => store().meId ?? "";

function failed(chatKey: string, clientId: string, error: string, retryable: boolean): void {
  store().sendFailed(chatKey, clientId, error, retryable);
  void changeUnsent(meId(), clientId, { delivery: "failed", error, retryable });
}

function sendOverRest(chatKey: string, input: SendInput): Promise<Message> {
  const groupId = groupIdOf(chatKey);
  return groupId === null ? sendMessage(chatKey, input) : sendGroupMessage(groupId, input);
}

/**
 * Sends the message after every message queued before it has had its answer, and after every
 * older one still waiting: one typed while a reconnect's sync call is out (connected, the resend
 * of what waited offline not yet started) would otherwise overtake them.
 */
function deliver(chatKey: string, clientId: string): void {
  if (inFlight.has(clientId)) return;
  const message = findUnsent(chatKey, clientId);
  if (message) {
    for (const older of waiting()) {
      if (older.message.createdAt < message.createdAt) send(older);
    }
  }
  inFlight.add(clientId);
  sending = sending
    .then(() => deliverNow(chatKey, clientId))
    .catch(() => undefined) // nothing one message meets may stop the ones after it
    .finally(() => inFlight.delete(clientId));
}

/**
 * Refused for whom it mentions: someone named left the group while it waited, offline. The
 * text still deserves to arrive, so it goes once more naming those of them still in the group
 * (asked again), and, refused once more, naming nobody.
 */
function refusedForMentions(code: string, naming: string[]): boolean {
  return naming.length > 0 && code === "invalid_mentions";
}

async function stillInGroup(chatKey: string, mentions: string[]): Promise<string[]> {
  const groupId = groupIdOf(chatKey);
  if (groupId === null) return [];
  try {
    const members = new Set((await fetchGroup(groupId)).members.map((member) => member._id));
    return mentions.filter((id) => members.has(id));
  } catch {
    return [];
  }
}

/** `naming`: whom it mentions this time (null: as it was typed); `again`: a resend for that. */
async function deliverNow(
  chatKey: string,
  clientId: string,
  naming: string[] | null = null,
  again = false,
): Promise<void> {
  const unsent = findUnsent(chatKey, clientId);
  if (!unsent || unsent.delivery !== "pending") return;
  // Offline: it stays pending and goes out once we are connected and caught up.
  if (!isConnected()) return;
  // What it answers and whom it mentions travel with it, whichever way it goes.
  const mentions = naming ?? unsent.mentions ?? [];
  const extras = {
    ...(unsent.replyTo ? { replyToId: unsent.replyTo._id } : {}),
    ...(mentions.length > 0 ? { mentions } : {}),
  };
  const resend = async () =>
    deliverNow(chatKey, clientId, again ? [] : await stillInGroup(chatKey, mentions), true);
  try {
    let stored: Message;
    if (unsent.image) {
      // The picture goes up once as a file; a retry sends the same upload's id.
      let pictureId = uploaded.get(clientId);
      if (!pictureId) {
        pictureId = (await uploadPicture(dataUrlToBlob(unsent.image), "message")).id;
        uploaded.set(clientId, pictureId);
        void changeUnsent(meId(), clientId, { pictureId });
      }
      stored = await sendOverRest(chatKey, {
        clientId,
        image: pictureId,
        ...(unsent.text ? { text: unsent.text } : {}),
        ...extras,
      });
      uploaded.delete(clientId);
    } else {
      const ack = await callSendMessage({ ...targetOf(chatKey), text: unsent.text ?? "", clientId, ...extras });
      if (!ack.ok) {
        if (refusedForMentions(ack.code, mentions)) return resend();
        const retryable = RETRYABLE_CODES.has(ack.code);
        const reason = refusal(chatKey, ack.code, ack.message);
        failed(chatKey, clientId, reason, retryable);
        if (!retryable) toast.error(reason);
        return;
      }
      stored = ack.message;
    }
    store().sendAcknowledged(clientId, stored);
    void forgetUnsent(meId(), clientId);
  } catch (error) {
    if (error instanceof CallTimeout) {
      failed(chatKey, clientId, "Not sent: no answer from the server.", true);
    } else if (error instanceof ApiError && refusedForMentions(error.code, mentions)) {
      return resend();
    } else if (error instanceof ApiError) {
      const retryable = retryableAnswer(error);
      const reason = refusal(chatKey, error.code, error.message);
      failed(chatKey, clientId, reason, retryable);
      if (!retryable) toast.error(reason);
    } else {
      failed(chatKey, clientId, errorMessage(error), true);
    }
  }
}

/**
 * The server's refusal as the person should read it. The server says "Group not found." to
 * anyone who is not a member (it does not tell strangers which groups exist); to someone who
 * was in the group (a message written before they were removed, sent after) that is not true.
 */
export function refusal(chatKey: string, code: string | undefined, message: string): string {
  const groupId = groupIdOf(chatKey);
  if (code === "group_not_found" && groupId !== null && store().groups[groupId]) return NOT_A_MEMBER;
  return asSentence(message);
}

export const NOT_A_MEMBER = "You are no longer a member of this group.";

export function sendNewMessage(
  chatKey: string,
  text: string,
  image: string | null,
  replyTo: Quote | null = null,
  mentions: string[] = [],
  size: PictureSize | null = null,
): void {
  const senderId = store().meId;
  const body = text.trim();
  if (!senderId || (!body && !image)) return;
  const clientId = newClientId();
  const groupId = groupIdOf(chatKey);
  const draft = {
    clientId,
    senderId,
    receiverId: groupId === null ? chatKey : null,
    groupId,
    text: body || null,
    image,
    // Its box is the picture's shape while it travels, as the stored message's will be.
    ...(image && size ? { imageWidth: size.width, imageHeight: size.height } : {}),
    createdAt: new Date().toISOString(),
    replyTo,
    ...(mentions.length > 0 && groupId !== null ? { mentions } : {}),
  };
  store().sendStarted(draft);
  // Written while looking at older messages (after a jump): back to the newest, where it goes.
  if (store().conversations[chatKey]?.hasNewer) loadLatest(chatKey);
  // Kept before it travels: IndexedDB applies writes in the order made, so the forgetting
  // that its answer brings can never come first.
  void keepUnsent({
    ...draft,
    userId: senderId,
    seq: nextOutboxSeq(),
    picture: image ? dataUrlToBlob(image) : null,
    pictureId: null,
    delivery: "pending",
    error: null,
    retryable: false,
  });
  deliver(chatKey, clientId);
}

export function retrySend(chatKey: string, clientId: string): void {
  store().sendRetried(chatKey, clientId);
  void changeUnsent(meId(), clientId, { delivery: "pending", error: null, retryable: false });
  deliver(chatKey, clientId);
}

export function discardSend(chatKey: string, clientId: string): void {
  uploaded.delete(clientId);
  store().sendDiscarded(chatKey, clientId);
  void forgetUnsent(meId(), clientId);
}

/** Anything that would go out once connected: leaving the page now deserves a warning. */
export function hasUnsent(): boolean {
  return Object.values(store().conversations).some((c) =>
    c.messages.some((m) => m._id === null && (m.delivery === "pending" || m.retryable)),
  );
}

/** On opening the chat page: what an earlier visit left unsent is shown, then sent in order. */
export async function restoreOutbox(userId: string): Promise<void> {
  const rows = await readOutbox(userId);
  const restored = await Promise.all(
    rows.map(async (row) => {
      if (row.pictureId) uploaded.set(row.clientId, row.pictureId);
      return {
        clientId: row.clientId,
        senderId: row.userId,
        receiverId: row.receiverId,
        groupId: row.groupId,
        text: row.text,
        image: row.picture ? await readAsDataUrl(row.picture).catch(() => null) : null,
        ...(row.imageWidth && row.imageHeight ? { imageWidth: row.imageWidth, imageHeight: row.imageHeight } : {}),
        createdAt: row.createdAt,
        replyTo: row.replyTo ?? null,
        mentions: row.mentions ?? [],
        delivery: row.delivery,
        error: row.error,
        retryable: row.retryable,
      };
    }),
  );
  if (store().meId !== userId) return; // Signed out (or someone else signed in) meanwhile.
  store().unsentRestored(restored);
  resendUnsent();
}

/**
 * Keeps the outbox for the page's session: restores it now, and asks before the page is left
 * while something is unsent (it would go out on the next visit, but not before). Returns the
 * undoing.
 */
export function keepOutbox(userId: string): () => void {
  void restoreOutbox(userId);
  const warn = (event: BeforeUnloadEvent) => {
    if (hasUnsent()) event.preventDefault();
  };
  window.addEventListener("beforeunload", warn);
  return () => window.removeEventListener("beforeunload", warn);
}

/** Unsent messages that would go out once connected, oldest first across conversations. */
function waiting(): { chatKey: string; message: ChatMessage }[] {
  const found: { chatKey: string; message: ChatMessage }[] = [];
  for (const [chatKey, conversation] of Object.entries(store().conversations)) {
    for (const message of conversation.messages) {
      if (message._id !== null || !message.clientId || inFlight.has(message.clientId)) continue;
      if (message.delivery === "pending" || (message.delivery === "failed" && message.retryable)) {
        found.push({ chatKey, message });
      }
    }
  }
  // Written in this order, across conversations (a stable sort keeps a conversation's own).
  return found.sort((a, b) => a.message.createdAt.localeCompare(b.message.createdAt));
}

function send({ chatKey, message }: { chatKey: string; message: ChatMessage }): void {
  const clientId = message.clientId as string;
  if (message.delivery === "pending") deliver(chatKey, clientId);
  else retrySend(chatKey, clientId);
}

/** After (re)connecting and catching up: send whatever is still waiting, oldest first. */
export function resendUnsent(): void {
  for (const unsent of waiting()) send(unsent);
}
