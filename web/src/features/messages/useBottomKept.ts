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
