/** Message ids are decimal strings of up to 18 digits: compare them without losing precision. */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function maxId(a: string, b: string): string {
  return compareIds(a, b) >= 0 ? a : b;
}

/** The id just before this one: a read pointer that puts this message first among the unread. */
export function idBefore(id: string): string {
  return (BigInt(id) - 1n).toString();
}

/** A fresh id for an outgoing message; the server keeps it unique per sender. */
export function newClientId(): string {
  const c = globalThis.crypto;
  // randomUUID needs a secure context; a LAN address over plain http is not one.
  if (typeof c.randomUUID === "function") return c.randomUUID();
  const bytes = c.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
