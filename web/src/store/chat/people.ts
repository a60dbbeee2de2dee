/**
 * Everyone the page knows by id (from the contacts list and the chats list), the contacts list
 * (everyone, page after page as it is scrolled), and the server's answer to the people search.
 */
import type { Person, UserUpdated } from "../../types";
import type { GroupInfo } from "./groups";
import type { ChatSlice, LoadStatus } from "./state";

/** People by name as the server pages them: the ids so far, and where the next page begins. */
export interface PeopleList {
  /** The search it answers: "" for everyone. */
  query: string;
  ids: string[];
  status: LoadStatus;
  /** The server's cursor for the next page; null once the last page is in. */
  next: string | null;
  moreStatus: LoadStatus;
}

export interface PeopleData {
  people: Record<string, Person>;
  /** Everyone, page after page (the Contacts tab; the group member picker). */
  contactIds: string[];
  contactsStatus: LoadStatus;
  contactsNext: string | null;
  moreContactsStatus: LoadStatus;
  /** The people search typed in the sidebar, answered by the server; null when none is. */
  found: PeopleList | null;
}

/** Which search a page answers ("" for everyone), and the cursor of the page after it. */
export interface ContactsPage {
  query: string;
  next: string | null;
}

export interface PeopleActions {
  /** The first page of everyone (""), or of a search. */
  contactsRequested: (query?: string) => void;
  /** A first page; an answer to a search no longer asked is dropped. */
  contactsLoaded: (people: Person[], page?: ContactsPage) => void;
  contactsFailed: (query?: string) => void;
  moreContactsRequested: (query?: string) => void;
  /** The page after `cursor`: kept only while that list still ends there. */
  moreContactsLoaded: (cursor: string, people: Person[], page: ContactsPage) => void;
  moreContactsFailed: (query?: string) => void;
  /** The search box was emptied: the list is everyone again. */
  searchCleared: () => void;
  /** `userUpdated`: someone renamed themself or changed their picture; shown wherever they appear. */
  userUpdated: (profile: UserUpdated) => void;
}

export function initialPeople(): PeopleData {
  return {
    people: {},
    contactIds: [],
    contactsStatus: "idle",
    contactsNext: null,
    moreContactsStatus: "idle",
    found: null,
  };
}

function known(people: Record<string, Person>, list: Person[]): Record<string, Person> {
  const next = { ...people };
  for (const person of list) next[person._id] = person;
  return next;
}

/** Everyone's list, from the fields that hold it. */
export function everyone(
  s: Pick<PeopleData, "contactIds" | "contactsStatus" | "contactsNext" | "moreContactsStatus">,
): PeopleList {
  return { query: "", ids: s.contactIds, status: s.contactsStatus, next: s.contactsNext, moreStatus: s.moreContactsStatus };
}

/** The list that answers to `query`: everyone, or the search still asked (else none: a stale answer). */
function listFor(s: PeopleData, query: string): PeopleList | null {
  if (query === "") return everyone(s);
  return s.found?.query === query ? s.found : null;
}

function withList(list: PeopleList): Partial<PeopleData> {
  if (list.query !== "") return { found: list };
  return { contactIds: list.ids, contactsStatus: list.status, contactsNext: list.next, moreContactsStatus: list.moreStatus };
}

/** `change` applied to the list answering `query`, if one still does. */
function changed(s: PeopleData, query: string, change: (list: PeopleList) => PeopleList): Partial<PeopleData> {
  const list = listFor(s, query);
  return list ? withList(change(list)) : {};
}

export const createPeopleSlice: ChatSlice<PeopleData & PeopleActions> = (set) => ({
  ...initialPeople(),
  contactsRequested: (query = "") =>
    set((s) => {
      if (query === "") return { contactsStatus: "loading" };
      // Until the answer comes, the people shown so far stay (the sidebar narrows them at once).
      const shown = s.found ?? everyone(s);
      return { found: { query, ids: shown.ids, status: "loading", next: null, moreStatus: "idle" } };
    }),
  contactsLoaded: (list, page = { query: "", next: null }) =>
    set((s) => {
      const next = changed(s, page.query, (current) => ({
        ...current,
        ids: list.map((p) => p._id),
        status: "ready",
        next: page.next,
        moreStatus: "idle",
      }));
      return Object.keys(next).length === 0 ? {} : { ...next, people: known(s.people, list) };
    }),
  contactsFailed: (query = "") => set((s) => changed(s, query, (list) => ({ ...list, status: "error" }))),
  moreContactsRequested: (query = "") => set((s) => changed(s, query, (list) => ({ ...list, moreStatus: "loading" }))),
  moreContactsLoaded: (cursor, list, page) =>
    set((s) => {
      const current = listFor(s, page.query);
      if (!current || current.next !== cursor) return {};
      const listed = new Set(current.ids);
      return {
        ...withList({
          ...current,
          ids: [...current.ids, ...list.map((p) => p._id).filter((id) => !listed.has(id))],
          next: page.next,
          moreStatus: "ready",
        }),
        people: known(s.people, list),
      };
    }),
  moreContactsFailed: (query = "") => set((s) => changed(s, query, (list) => ({ ...list, moreStatus: "error" }))),
  searchCleared: () => set({ found: null }),
  userUpdated: ({ _id, fullName, profilePic }) =>
    set((s) => {
      const known = s.people[_id];
      const people = known ? { ...s.people, [_id]: { ...known, fullName, profilePic } } : s.people;
      let groups = s.groups;
      for (const [groupId, group] of Object.entries(s.groups)) {
        if (!group.members?.some((m) => m._id === _id)) continue;
        const members = group.members.map((m) => (m._id === _id ? { ...m, fullName, profilePic } : m));
        const next: GroupInfo = { ...group, members };
        groups = { ...groups, [groupId]: next };
      }
      return { people, groups };
    }),
});
