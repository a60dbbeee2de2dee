import { useSyncExternalStore } from "react";

/**
 * A phone: narrower than Tailwind's `md` (where a conversation takes the whole screen), or a
 * touch screen with no hover to reveal what sits beside a message.
 */
export const PHONE_QUERY = "(max-width: 767px), (hover: none)";

/** Whether a CSS media query matches, kept current as the window changes. */
export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (changed) => {
      const list = globalThis.matchMedia?.(query);
      list?.addEventListener("change", changed);
      return () => list?.removeEventListener("change", changed);
    },
    () => globalThis.matchMedia?.(query).matches ?? false,
  );
}
