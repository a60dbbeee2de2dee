/**
 * The virtual list numbers its items so that prepending keeps the ones on screen in place: the
 * first item's number drops by exactly the number of items put before it. This tracks that
 * number from one render of the message list to the next.
 */

/** Large enough that years of scrolling up never reach 0 (the list needs a positive number). */
export const FIRST_INDEX_START = 1_000_000_000;

export interface ListAnchor {
  /** The key of the first item when the number was last worked out. */
  key: string | null;
  /** The number of that first item. */
  index: number;
}

export function initialAnchor(keys: readonly string[]): ListAnchor {
  return { key: keys[0] ?? null, index: FIRST_INDEX_START };
}

/** The anchor for the list as it is now: same when its first item is unchanged. */
export function moveAnchor(anchor: ListAnchor, keys: readonly string[]): ListAnchor {
  const first = keys[0] ?? null;
  if (first === anchor.key) return anchor;
  if (anchor.key === null || first === null) return { key: first, index: anchor.index };
  const before = keys.indexOf(anchor.key);
  // The old first item is gone (the list was replaced): start the count afresh from here.
  return { key: first, index: before > 0 ? anchor.index - before : anchor.index };
}
