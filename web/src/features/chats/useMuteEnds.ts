import { useEffect, useState } from "react";
import { nextMuteEnd, useChatStore } from "../../store/chat";

/**
 * The longest wait between looks at the clock: a timer does not count a sleeping laptop's time
 * and a hidden tab's wait longer, so an end long past is noticed within a minute of waking.
 */
const LOOK_AGAIN_MS = 60_000;

/**
 * Turns a mute for a while off when it ends, so the bell, the badge and the title follow while
 * the page is open (the server reads it as ended by then too), and at once when the tab comes
 * back to the front. Sounds and notifications do not wait for it: isMuted looks at the time.
 */
export function useMuteEnds(): void {
  const next = useChatStore((s) => nextMuteEnd(s.chats));
  const [look, setLook] = useState(0);
  useEffect(() => {
    if (next === null) return;
    const ended = () => useChatStore.getState().mutesEnded(Date.now());
    const wait = Math.min(Math.max(0, Date.parse(next) - Date.now()), LOOK_AGAIN_MS);
    const timer = setTimeout(() => {
      ended();
      setLook((n) => n + 1); // not ended yet (a later end, a late timer): look again
    }, wait);
    const onVisible = () => {
      if (document.visibilityState === "visible") ended();
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [next, look]);
}
