/**
 * The open conversation's address: /chat/u/<userId> for a person, /chat/g/<groupId> for a
 * group, /chat for none. The store says what is open (a click, a notification); the address
 * follows it, and the store follows the address when that changes by itself (Back, a link, a
 * reload), so either way they agree.
 */
import { useEffect, useRef } from "react";
import { useLocation, useNavigate } from "react-router";
import { groupIdOf, groupKey, useChatStore } from "../store/chat";

export function chatPath(chatKey: string | null): string {
  if (chatKey === null) return "/chat";
  const groupId = groupIdOf(chatKey);
  return groupId === null ? `/chat/u/${encodeURIComponent(chatKey)}` : `/chat/g/${encodeURIComponent(groupId)}`;
}

export function chatKeyFromPath(path: string): string | null {
  const match = /^\/chat\/([ug])\/([^/]+)\/?$/.exec(path);
  if (!match?.[2]) return null;
  let id: string;
  try {
    id = decodeURIComponent(match[2]);
  } catch {
    return null;
  }
  return match[1] === "g" ? groupKey(id) : id;
}

/** Call after the session has started: starting it closes any conversation. */
export function useChatRoute(): void {
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const activeId = useChatStore((s) => s.activeId);
  const last = useRef<{ path: string | null; active: string | null }>({ path: null, active: null });

  useEffect(() => {
    const seen = last.current;
    if (seen.path !== pathname) {
      const key = chatKeyFromPath(pathname);
      last.current = { path: pathname, active: key };
      const store = useChatStore.getState();
      if (key !== store.activeId) {
        if (key === null) store.chatClosed();
        else store.chatOpened(key);
      }
      return;
    }
    if (seen.active !== activeId) {
      const path = chatPath(activeId);
      last.current = { path, active: activeId };
      if (path !== pathname) navigate(path);
    }
  }, [pathname, activeId, navigate]);
}
