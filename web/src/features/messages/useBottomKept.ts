import { useCallback, useEffect, useState } from "react";

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
    let atEnd = gapBelow() <= AT_END_PX;
    const onScroll = () => {
      atEnd = gapBelow() <= AT_END_PX;
    };
    const observer = new ResizeObserver(() => {
      const next = scroller.clientHeight;
      if (next < height && atEnd) scroller.scrollTop = scroller.scrollHeight;
      height = next;
      atEnd = gapBelow() <= AT_END_PX;
    });
    scroller.addEventListener("scroll", onScroll, { passive: true });
    observer.observe(scroller);
    return () => {
      scroller.removeEventListener("scroll", onScroll);
      observer.disconnect();
    };
  }, [scroller]);

  return useCallback((element) => setScroller(element instanceof HTMLElement ? element : null), []);
}
