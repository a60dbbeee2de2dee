/**
 * This browser's own storage for what must outlive the tab: IndexedDB, through `idb` (a small,
 * typed, maintained wrapper of promises around it). Nothing here is fatal: a browser without
 * IndexedDB (some private modes) simply remembers nothing.
 */
import { type DBSchema, type IDBPDatabase, openDB } from "idb";
import type { Quote } from "../types";
import type { Mentionable } from "./mentions";

interface StoredDraft {
  userId: string;
  /** A person's id or a group's key (store/chat/keys.ts). */
  chatKey: string;
  text: string;
  /** The members picked while typing it (groups); absent from drafts kept before mentions. */
  mentions?: Mentionable[];
}

/** A draft as kept: its text and the members picked in it. */
export interface SavedDraft {
  text: string;
  mentions: Mentionable[];
}

/**
 * A message written here that the server has not stored yet (pending or failed): kept until it
 * is stored or discarded, so that closing the tab loses nothing. It goes out again with the same
 * clientId, which the server keeps unique per sender: it can never be stored twice.
 */
export interface StoredUnsent {
  userId: string;
  clientId: string;
  /** The order written, across conversations: resent oldest first. */
  seq: number;
  receiverId: string | null;
  groupId: string | null;
  text: string | null;
  /** The picture itself (IndexedDB keeps blobs as they are). */
  picture: Blob | null;
  /** Set once the picture is uploaded: a resend sends this id instead of uploading again. */
  pictureId: string | null;
  /** The picture's natural size, for its bubble's box (absent from rows kept before sizes). */
  imageWidth?: number;
  imageHeight?: number;
  createdAt: string;
  /** The message it answers (sent as replyToId); absent from rows kept before replies. */
  replyTo?: Quote | null;
  /** The members it mentions (groups); absent from rows kept before mentions. */
  mentions?: string[];
  delivery: "pending" | "failed";
  error: string | null;
  retryable: boolean;
}

interface LocalSchema extends DBSchema {
  drafts: { key: [string, string]; value: StoredDraft; indexes: { byUser: string } };
  outbox: { key: [string, string]; value: StoredUnsent; indexes: { byUser: string } };
}

const DB_NAME = "socketspace";
const DB_VERSION = 2;

let opening: Promise<IDBPDatabase<LocalSchema>> | null = null;

function db(): Promise<IDBPDatabase<LocalSchema>> {
  opening ??= openDB<LocalSchema>(DB_NAME, DB_VERSION, {
    upgrade(database, oldVersion) {
      if (oldVersion < 1) {
        const drafts = database.createObjectStore("drafts", { keyPath: ["userId", "chatKey"] });
        drafts.createIndex("byUser", "userId");
      }
      if (oldVersion < 2) {
        const outbox = database.createObjectStore("outbox", { keyPath: ["userId", "clientId"] });
        outbox.createIndex("byUser", "userId");
      }
    },
    // Another tab of a newer version wants to upgrade: let it, and open again when next asked.
    blocking() {
      void opening?.then((database) => database.close());
      opening = null;
    },
  });
  return opening;
}

/** My drafts, by conversation key. */
export async function readDrafts(userId: string): Promise<Record<string, SavedDraft>> {
  try {
    const rows = await (await db()).getAllFromIndex("drafts", "byUser", userId);
    return Object.fromEntries(rows.map((row) => [row.chatKey, { text: row.text, mentions: row.mentions ?? [] }]));
  } catch {
    return {};
  }
}

/** Keep a draft, or forget it when `text` is empty. Writes are applied in the order made. */
export async function writeDraft(userId: string, chatKey: string, text: string, mentions: readonly Mentionable[] = []): Promise<void> {
  try {
    const database = await db();
    if (text === "") await database.delete("drafts", [userId, chatKey]);
    else await database.put("drafts", { userId, chatKey, text, ...(mentions.length ? { mentions: [...mentions] } : {}) });
  } catch {
    // Not remembered past this visit; the draft still lives in the page.
  }
}

/** My unsent messages, oldest first. */
export async function readOutbox(userId: string): Promise<StoredUnsent[]> {
  try {
    const rows = await (await db()).getAllFromIndex("outbox", "byUser", userId);
    return rows.sort((a, b) => a.seq - b.seq);
  } catch {
    return [];
  }
}

let lastSeq = 0;

/** A strictly rising number for the write order, also across visits (it starts from the clock). */
export function nextOutboxSeq(): number {
  lastSeq = Math.max(Date.now(), lastSeq + 1);
  return lastSeq;
}

/** Keep an unsent message. Writes are applied in the order made. */
export async function keepUnsent(row: StoredUnsent): Promise<void> {
  try {
    await (await db()).put("outbox", row);
  } catch {
    // Not kept past this visit; the message still lives in the page.
  }
}

/** Change what is kept of an unsent message, if it is still kept. */
export async function changeUnsent(
  userId: string,
  clientId: string,
  change: Partial<Pick<StoredUnsent, "pictureId" | "delivery" | "error" | "retryable">>,
): Promise<void> {
  try {
    const tx = (await db()).transaction("outbox", "readwrite");
    const row = await tx.store.get([userId, clientId]);
    if (row) await tx.store.put({ ...row, ...change });
    await tx.done;
  } catch {
    // As above.
  }
}

/** Stored by the server, or discarded: no longer kept. */
export async function forgetUnsent(userId: string, clientId: string): Promise<void> {
  try {
    await (await db()).delete("outbox", [userId, clientId]);
  } catch {
    // A leftover is harmless: sent again, the server answers with the stored copy.
  }
}

/** Everything kept of a person who has left this device: their unsent messages and drafts. */
export async function forgetPerson(userId: string): Promise<void> {
  try {
    const tx = (await db()).transaction(["outbox", "drafts"], "readwrite");
    const stores = [tx.objectStore("outbox"), tx.objectStore("drafts")] as const;
    await Promise.all(
      stores.map(async (store) => {
        for (const key of await store.index("byUser").getAllKeys(userId)) await store.delete(key);
      }),
    );
    await tx.done;
  } catch {
    // IndexedDB refused: nothing was kept that it could give back either.
  }
}
