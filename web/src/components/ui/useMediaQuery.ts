import { useSyncExternalStore } from "react";

/** Narrower than Tailwind's `md`: the layout where a conversation takes the whole screen. */
export const PHONE_QUERY = "(max-width: 767px)";

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
