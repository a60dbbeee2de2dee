/**
 * Everything the chat page shows: people, groups, the chats list, presence, the open
 * conversation and every conversation's messages. One store, made of one slice per concern (the files beside
 * this one), so that an event touching several — a message arriving — is one update. Actions
 * are synchronous and named for what happened; the network lives in api/ and realtime/, which
 * call them.
 */
import { create } from "zustand";
import { createChatsSlice } from "./chats";
import { createConversationsSlice } from "./conversations";
import { createDraftsSlice } from "./drafts";
import { createGroupsSlice } from "./groups";
import { createMessagesSlice } from "./messages";
import { createOutboxSlice } from "./outbox";
import { createPeopleSlice } from "./people";
import { createPresenceSlice } from "./presence";
import { createReadsSlice } from "./reads";
import { createSessionSlice } from "./session";
import type { ChatState } from "./state";
import { createTypingSlice } from "./typing";
import { createViewSlice } from "./view";

export const useChatStore = create<ChatState>()((...a) => ({
  ...createSessionSlice(...a),
  ...createPeopleSlice(...a),
  ...createChatsSlice(...a),
  ...createGroupsSlice(...a),
  ...createViewSlice(...a),
  ...createConversationsSlice(...a),
  ...createDraftsSlice(...a),
  ...createOutboxSlice(...a),
  ...createMessagesSlice(...a),
  ...createReadsSlice(...a),
  ...createTypingSlice(...a),
  ...createPresenceSlice(...a),
}));

export type { ChatActions, ChatData, ChatState, LoadStatus } from "./state";
export { type ChatEntry, type EntrySettings, listOrder, mutedAt, nextMuteEnd, settingsOf } from "./chats";
export { isDraft } from "./drafts";
export { furthestReadByOthers, type GroupInfo, nameOf, seenBy, typingNames } from "./groups";
export { type ChatTarget, chatKeyOf, groupIdOf, groupKey, isGroupKey, targetOf } from "./keys";
export { type Conversation, emptyConversation, needsUnreadPage, newestIncomingId } from "./conversations";
export type { Announcement, Received } from "./messages";
export type { Connection } from "./presence";
export type { JumpTarget, UnreadMark } from "./view";
export { everyone, type PeopleList } from "./people";
export { initialChatData } from "./session";
export { firstUnreadIndex, newestId } from "../conversation";
