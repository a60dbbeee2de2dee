import { useEffect } from "react";
import { type ChatEntry, useChatStore } from "../../store/chat";

const BASE_TITLE = "SocketSpace";

/**
 * "(3) SocketSpace" while messages wait to be read. Muted conversations do not count (as in
 * Telegram): muting asks for quiet, and a title that keeps changing is not; their own badges in
 * the list still show, greyed.
 */
export function useUnreadTitle(): void {
  const unread = useChatStore((s) => unreadCount(s.chats));
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) ${BASE_TITLE}` : BASE_TITLE;
    return () => {
      document.title = BASE_TITLE;
    };
  }, [unread]);
}

/** Unread messages in conversations that are not muted: the title's count and the Chats tab's. */
export function unreadCount(chats: Record<string, ChatEntry>): number {
  return Object.values(chats).reduce((sum, c) => sum + (c.muted ? 0 : c.unreadCount), 0);
}
