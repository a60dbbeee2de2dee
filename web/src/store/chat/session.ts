/** Whose chats these are: a new session starts from nothing, and so does a signed-out page. */
import { initialChats } from "./chats";
import { initialConversations } from "./conversations";
import { initialDrafts } from "./drafts";
import { initialGroups } from "./groups";
import { initialMessages } from "./messages";
import { initialPeople } from "./people";
import { initialPresence } from "./presence";
import type { ChatData, ChatSlice } from "./state";
import { initialTyping } from "./typing";
import { initialView } from "./view";

export interface SessionData {
  meId: string | null;
}

export interface SessionActions {
  sessionStarted: (meId: string) => void;
  sessionCleared: () => void;
}

export function initialChatData(): ChatData {
  return {
    meId: null,
    ...initialPeople(),
    ...initialChats(),
    ...initialGroups(),
    ...initialView(),
    ...initialConversations(),
    ...initialDrafts(),
    ...initialMessages(),
    ...initialTyping(),
    ...initialPresence(),
  };
}

export const createSessionSlice: ChatSlice<SessionData & SessionActions> = (set) => ({
  meId: null,
  sessionStarted: (meId) => set({ ...initialChatData(), meId }),
  sessionCleared: () => set(initialChatData()),
});
