import { useEffect } from "react";
import { useChatStore } from "../../store/chat";

const BASE_TITLE = "SocketSpace";

/** "(3) SocketSpace" while messages wait to be read. */
export function useUnreadTitle(): void {
  const unread = useChatStore((s) => Object.values(s.chats).reduce((sum, c) => sum + c.unreadCount, 0));
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) ${BASE_TITLE}` : BASE_TITLE;
    return () => {
      document.title = BASE_TITLE;
    };
  }, [unread]);
}
