import { type RefObject, useCallback, useEffect, useRef, useState } from "react";

/** Within this many pixels of the end, the list counts as showing its newest message. */
const AT_END_PX = 8;

/**
 * The list's viewport shrinks from below when the composer grows (a picture attached, a second
 * line): the browser keeps the scroll offset, so the newest message slides under the composer.
 * When the list was at its end before it shrank, it is put back at its end. Returns the ref
 * callback for the scrolling element.
 */
export function useBottomKeptOnShrink(): (element: HTMLElement | Window | null) => void {
  const [scroller, setScroller] = useState<HTMLElement | null>(null);

  useEffect(() => {
    if (!scroller) return;
    const gapBelow = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
    let height = scroller.clientHeight;
    const observer = new ResizeObserver(() => {
      const next = scroller.clientHeight;
      // The gap before it shrank, worked out now (the offset is kept): not remembered from the
      // last scroll, which a list placed at its start by its first render never sends.
      if (next < height && gapBelow() - (height - next) <= AT_END_PX) scroller.scrollTop = scroller.scrollHeight;
      height = next;
    });
    observer.observe(scroller);
    return () => observer.disconnect();
  }, [scroller]);

  return useCallback((element) => setScroller(element instanceof HTMLElement ? element : null), []);
}

/**
 * Whether a list is at its very end after a scroll: yes when it lands within AT_END_PX of the
 * end, no when it moved up to further away. A scroll down that lands short of the end leaves it
 * as it was: a list put at its end (ours, or its own following) whose scroll event comes after
 * the list grew again (a scroll event waits for the next frame) has not been left by anyone.
 */
export function stillAtEnd(was: boolean, gapBelow: number, movedUp: boolean): boolean {
  if (gapBelow <= AT_END_PX) return true;
  return movedUp ? false : was;
}

/**
 * Whether the person wants the newest message in view: true once the list is nearer than
 * `nearPx` to its end, false once it moves up from further away (their scrolling, or a jump
 * to an older message). Unlike the list's own "at the bottom", a burst of messages does not
 * turn it off: messages arriving faster than the list follows them (many at once, a slow
 * machine) leave its end out of view for a moment, and following by that left the list
 * stuck part way with "New messages" showing. Never true while `endIsNewest` is false (a
 * window of older messages, whose end is not the newest message). Returns the flag, the
 * ref callback for the scrolling element, and `keepEnd`, to call when the list's height
 * changed: a list that was at its very end (`stillAtEnd`, at the last scroll) is put back there
 * (the newest message grew — a reaction under it, an edit that made it longer — and the
 * browser kept the offset, leaving what grew under the fold). Not one scrolled up even a
 * little: rows measured as they come into view change the height too, and that must not pull
 * back someone who has just started scrolling up. `unpin`, for a list about to be scrolled
 * away from its end by the page (before the list hears it left its end, which would bring it
 * back). And `bottomChanged`, for the list's own "at the bottom": a list at its end without
 * a scroll (all of it fits, as a chat opened at its first unread message often does) sends no
 * scroll event to say so; left unpinned, it was left behind by the first burst it did not
 * follow at once.
 */
export interface PinnedToEnd {
  pinned: RefObject<boolean>;
  ref: (element: HTMLElement | Window | null) => void;
  keepEnd: () => void;
  unpin: () => void;
  bottomChanged: (bottom: boolean) => void;
}

export function usePinnedToEnd(
  initially: boolean,
  nearPx: number,
  endIsNewest: boolean,
): PinnedToEnd {
  const pinned = useRef(initially && endIsNewest);
  const atEnd = useRef(initially && endIsNewest);
  const newest = useRef(endIsNewest);
  const [scroller, setScroller] = useState<HTMLElement | null>(null);

  useEffect(() => {
    newest.current = endIsNewest;
    if (!endIsNewest) pinned.current = false;
  }, [endIsNewest]);

  useEffect(() => {
    if (!scroller) return;
    let top = scroller.scrollTop;
    const onScroll = () => {
      const gapBelow = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
      atEnd.current = stillAtEnd(atEnd.current, gapBelow, scroller.scrollTop < top);
      // Short of the list's own threshold (rounding included): where it too says "at the end".
      if (gapBelow < nearPx - 1) pinned.current = newest.current;
      else if (scroller.scrollTop < top) pinned.current = false;
      top = scroller.scrollTop;
    };
    scroller.addEventListener("scroll", onScroll, { passive: true });
    return () => scroller.removeEventListener("scroll", onScroll);
  }, [scroller, nearPx]);

  const element = useRef<HTMLElement | null>(null);
  const ref = useCallback((given: HTMLElement | Window | null) => {
    element.current = given instanceof HTMLElement ? given : null;
    setScroller(element.current);
  }, []);
  const keepEnd = useCallback(() => {
    const list = element.current;
    if (pinned.current && atEnd.current && list) list.scrollTop = list.scrollHeight;
  }, []);
  const unpin = useCallback(() => {
    pinned.current = false;
    atEnd.current = false;
  }, []);
  const bottomChanged = useCallback(
    (bottom: boolean) => {
      const list = element.current;
      if (!bottom || !list) return;
      // By the list as it is now, as a scroll would judge it: the list's flag comes late and
      // may have judged rows by their estimated height.
      const gapBelow = list.scrollHeight - list.scrollTop - list.clientHeight;
      if (gapBelow < nearPx - 1) pinned.current = newest.current;
      atEnd.current = gapBelow <= AT_END_PX;
    },
    [nearPx],
  );
  return { pinned, ref, keepEnd, unpin, bottomChanged };
}
