/**
 * The chat store's whole shape: one store made of slices (the Zustand slices pattern), one file
 * per concern beside this one. Each slice declares what it owns; an action may still write
 * another slice's fields, so one event (a message arriving) is one update, seen all at once.
 */
import type { StateCreator } from "zustand";
import type { ChatsActions, ChatsData } from "./chats";
import type { ConversationsActions, ConversationsData } from "./conversations";
import type { DraftsActions, DraftsData } from "./drafts";
import type { GroupsActions, GroupsData } from "./groups";
import type { MessagesActions, MessagesData } from "./messages";
import type { OutboxActions } from "./outbox";
import type { PeopleActions, PeopleData } from "./people";
import type { PresenceActions, PresenceData } from "./presence";
import type { ReadsActions } from "./reads";
import type { SessionActions, SessionData } from "./session";
import type { TypingActions, TypingData } from "./typing";
import type { ViewActions, ViewData } from "./view";

export type LoadStatus = "idle" | "loading" | "ready" | "error";

export type ChatData = SessionData &
  PeopleData &
  ChatsData &
  GroupsData &
  ViewData &
  ConversationsData &
  DraftsData &
  MessagesData &
  TypingData &
  PresenceData;

export type ChatActions = SessionActions &
  PeopleActions &
  ChatsActions &
  GroupsActions &
  ViewActions &
  ConversationsActions &
  DraftsActions &
  OutboxActions &
  MessagesActions &
  ReadsActions &
  TypingActions &
  PresenceActions;

export type ChatState = ChatData & ChatActions;

/** A slice: written against the whole state, returns its own part of it. */
export type ChatSlice<Part> = StateCreator<ChatState, [], [], Part>;
