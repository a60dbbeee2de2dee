import { type RefCallback, useCallback, useEffect, useRef } from "react";
import { compareIds } from "../../lib/ids";

/** Fractions of a row whose crossing is reported: enough to tell "half of it shows". */
const THRESHOLDS = [0, 0.25, 0.5, 0.75, 1];

/**
 * A row counts as seen when half of it shows, or (a message taller than the list) when it fills
 * half the list.
 */
export function onScreen(shownFraction: number, shownPx: number, viewportPx: number): boolean {
  return shownFraction >= 0.5 || (viewportPx > 0 && shownPx >= viewportPx / 2);
}

/** The newest of the ids, or null. */
export function newestOf(ids: Iterable<string>): string | null {
  let newest: string | null = null;
  for (const id of ids) if (newest === null || compareIds(id, newest) > 0) newest = id;
  return newest;
}

/** The person is looking at this page: it is visible and has the focus. */
function looking(): boolean {
  return document.visibilityState === "visible" && document.hasFocus();
}

/**
 * Tells `onSeen` the newest message that is on screen while the person is looking (the tab
 * visible and focused), as it comes into view or as they come back to the tab. Rows register
 * through the returned ref callback, on an element with `data-message-id`. Clipping by the
 * scrolling list counts (the observer's root is the viewport, which clips by every scrolling
 * ancestor), so a message that arrives while the person is scrolled far up is not seen.
 */
export function useSeen(onSeen: (messageId: string) => void): RefCallback<HTMLElement> {
  const shown = useRef(new Set<string>());
  const report = useRef(onSeen);
  const observer = useRef<IntersectionObserver | null>(null);
  const rows = useRef(new Set<HTMLElement>());

  useEffect(() => {
    report.current = onSeen;
  }, [onSeen]);

  useEffect(() => {
    const tell = () => {
      const newest = newestOf(shown.current);
      if (newest !== null && looking()) report.current(newest);
    };
    const watching = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const id = (entry.target as HTMLElement).dataset.messageId;
          if (!id) continue;
          const viewport = entry.rootBounds?.height ?? window.innerHeight;
          if (entry.isIntersecting && onScreen(entry.intersectionRatio, entry.intersectionRect.height, viewport)) {
            shown.current.add(id);
          } else {
            shown.current.delete(id);
          }
        }
        tell();
      },
      { threshold: THRESHOLDS },
    );
    observer.current = watching;
    for (const row of rows.current) watching.observe(row);
    document.addEventListener("visibilitychange", tell);
    window.addEventListener("focus", tell);
    return () => {
      watching.disconnect();
      observer.current = null;
      document.removeEventListener("visibilitychange", tell);
      window.removeEventListener("focus", tell);
    };
  }, []);

  return useCallback((element: HTMLElement | null) => {
    if (!element) return;
    rows.current.add(element);
    observer.current?.observe(element);
    return () => {
      rows.current.delete(element);
      observer.current?.unobserve(element);
      const id = element.dataset.messageId;
      if (id) shown.current.delete(id);
    };
  }, []);
}
