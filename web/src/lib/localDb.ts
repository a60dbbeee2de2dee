/**
 * This browser's own storage for what must outlive the tab: IndexedDB, through `idb` (a small,
 * typed, maintained wrapper of promises around it). Nothing here is fatal: a browser without
 * IndexedDB (some private modes) simply remembers nothing.
 */
import { type DBSchema, type IDBPDatabase, openDB } from "idb";

interface StoredDraft {
  userId: string;
  /** A person's id or a group's key (store/chat/keys.ts). */
  chatKey: string;
  text: string;
}

interface LocalSchema extends DBSchema {
  drafts: { key: [string, string]; value: StoredDraft; indexes: { byUser: string } };
}

const DB_NAME = "socketspace";
const DB_VERSION = 1;

let opening: Promise<IDBPDatabase<LocalSchema>> | null = null;

function db(): Promise<IDBPDatabase<LocalSchema>> {
  opening ??= openDB<LocalSchema>(DB_NAME, DB_VERSION, {
    upgrade(database) {
      const drafts = database.createObjectStore("drafts", { keyPath: ["userId", "chatKey"] });
      drafts.createIndex("byUser", "userId");
    },
  });
  return opening;
}

/** My drafts, by conversation key. */
export async function readDrafts(userId: string): Promise<Record<string, string>> {
  try {
    const rows = await (await db()).getAllFromIndex("drafts", "byUser", userId);
    return Object.fromEntries(rows.map((row) => [row.chatKey, row.text]));
  } catch {
    return {};
  }
}

/** Keep a draft, or forget it when `text` is empty. Writes are applied in the order made. */
export async function writeDraft(userId: string, chatKey: string, text: string): Promise<void> {
  try {
    const database = await db();
    if (text === "") await database.delete("drafts", [userId, chatKey]);
    else await database.put("drafts", { userId, chatKey, text });
  } catch {
    // Not remembered past this visit; the draft still lives in the page.
  }
}
