import { useEffect, useState } from "react";
import { nextMuteEnd, useChatStore } from "../../store/chat";

/** A timer's longest wait (about 24.8 days); a later end is waited for in steps. */
const LONGEST_WAIT_MS = 2 ** 31 - 1;

/**
 * Turns a mute for a while off when it ends, so the bell, the badge and the title follow while
 * the page is open (the server reads it as ended by then too). A late timer (a sleeping laptop)
 * changes nothing that counts: isMuted looks at the time itself.
 */
export function useMuteEnds(): void {
  const next = useChatStore((s) => nextMuteEnd(s.chats));
  const [step, setStep] = useState(0);
  useEffect(() => {
    if (next === null) return;
    const wait = Math.min(Math.max(0, Date.parse(next) - Date.now()), LONGEST_WAIT_MS);
    const timer = setTimeout(() => {
      useChatStore.getState().mutesEnded(Date.now());
      setStep((n) => n + 1); // an end further than one wait: wait again
    }, wait);
    return () => clearTimeout(timer);
  }, [next, step]);
}
