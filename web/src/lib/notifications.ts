/**
 * Browser notifications, best effort: a browser without the API, a denied permission or a
 * throwing constructor (some phones allow them only from a service worker) never break a page.
 */

export type NotifyPermission = "default" | "granted" | "denied" | "unsupported";

const NOTIFY_KEY = "socketspace.notify";

function api(): typeof Notification | null {
  return typeof globalThis.Notification === "function" ? globalThis.Notification : null;
}

export function notifyPermission(): NotifyPermission {
  const N = api();
  return N ? (N.permission as NotifyPermission) : "unsupported";
}

/** Ask the browser; call it from a click, as browsers require. */
export async function askNotifyPermission(): Promise<NotifyPermission> {
  const N = api();
  if (!N) return "unsupported";
  try {
    return (await N.requestPermission()) as NotifyPermission;
  } catch {
    return notifyPermission();
  }
}

export function loadNotifyEnabled(): boolean {
  try {
    return globalThis.localStorage?.getItem(NOTIFY_KEY) === "on";
  } catch {
    return false;
  }
}

export function saveNotifyEnabled(enabled: boolean): void {
  try {
    globalThis.localStorage?.setItem(NOTIFY_KEY, enabled ? "on" : "off");
  } catch {
    // Not remembered: the toggle still works for this visit.
  }
}

export interface NotificationContent {
  title: string;
  body: string;
  /** One notification per conversation: a newer one replaces the older. */
  tag: string;
}

const BODY_MAX = 140;

export function notificationContent(
  senderName: string,
  partnerId: string,
  text: string | null,
  hasImage: boolean,
  count: number,
): NotificationContent {
  const what = text ? (text.length > BODY_MAX ? `${text.slice(0, BODY_MAX - 1)}…` : text) : hasImage ? "📷 A picture" : "A message";
  return {
    title: count > 1 ? `${senderName} (${count} new messages)` : senderName,
    body: what,
    tag: `chat-${partnerId}`,
  };
}

/** Show one; `onClick` runs when the person clicks it (the window is focused first). */
export function showNotification(content: NotificationContent, onClick: () => void): void {
  const N = api();
  if (!N || N.permission !== "granted") return;
  try {
    const note = new N(content.title, { body: content.body, tag: content.tag, icon: "/favicon.svg" });
    note.onclick = () => {
      globalThis.focus?.();
      onClick();
      note.close();
    };
  } catch {
    // Not allowed here (e.g. only from a service worker): the sound and badge still tell.
  }
}

/** What decides whether an arrived message may ring and notify (the settings aside). */
export interface NotifyCase {
  /** Someone else's message that nobody is looking at (store/chat Received.unnoticed). */
  unnoticed: boolean;
  /** The conversation is muted (mine, on every device). */
  muted: boolean;
  /** The message mentions me (Received.mentioned). */
  mentioned: boolean;
  /** Its sender is someone I blocked (store/safety): their mention never rings through mute. */
  fromBlocked: boolean;
}

/**
 * A message nobody is looking at rings and notifies, unless its conversation is muted; a
 * mention of me does even then (as in Slack and WhatsApp: muting a busy group must not hide
 * what is addressed to me), but never one from someone I blocked: the server drops mentions
 * across a block, and an older client or a race with the block must not undo that here.
 */
export function shouldNotify({ unnoticed, muted, mentioned, fromBlocked }: NotifyCase): boolean {
  return unnoticed && (!muted || (mentioned && !fromBlocked));
}
