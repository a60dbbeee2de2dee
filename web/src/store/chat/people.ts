/**
 * Everyone the page knows by id (from the contacts list and the chats list), and the contacts
 * list: the server's answer to the people search, page after page as it is scrolled.
 */
import type { Person, UserUpdated } from "../../types";
import type { GroupInfo } from "./groups";
import type { ChatSlice, LoadStatus } from "./state";

export interface PeopleData {
  people: Record<string, Person>;
  contactIds: string[];
  contactsStatus: LoadStatus;
  /** What the list answers: the search typed ("" for everyone). */
  contactsQuery: string;
  /** The server's cursor for the next page; null when the list is complete. */
  contactsNext: string | null;
  moreContactsStatus: LoadStatus;
}

/** Which search a page answers, and the cursor of the page after it. */
export interface ContactsPage {
  query: string;
  next: string | null;
}

export interface PeopleActions {
  contactsRequested: (query?: string) => void;
  /** The first page; an answer to a search no longer asked is dropped. */
  contactsLoaded: (people: Person[], page?: ContactsPage) => void;
  contactsFailed: () => void;
  moreContactsRequested: () => void;
  /** The page after `cursor`: kept only while the list still ends there. */
  moreContactsLoaded: (cursor: string, people: Person[], page: ContactsPage) => void;
  moreContactsFailed: () => void;
  /** `userUpdated`: someone renamed themself or changed their picture; shown wherever they appear. */
  userUpdated: (profile: UserUpdated) => void;
}

export function initialPeople(): PeopleData {
  return {
    people: {},
    contactIds: [],
    contactsStatus: "idle",
    contactsQuery: "",
    contactsNext: null,
    moreContactsStatus: "idle",
  };
}

function known(people: Record<string, Person>, list: Person[]): Record<string, Person> {
  const next = { ...people };
  for (const person of list) next[person._id] = person;
  return next;
}

export const createPeopleSlice: ChatSlice<PeopleData & PeopleActions> = (set) => ({
  ...initialPeople(),
  contactsRequested: (query = "") => set({ contactsStatus: "loading", contactsQuery: query }),
  contactsLoaded: (list, page = { query: "", next: null }) =>
    set((s) => {
      if (page.query !== s.contactsQuery) return {};
      return {
        people: known(s.people, list),
        contactIds: list.map((p) => p._id),
        contactsStatus: "ready",
        contactsNext: page.next,
        moreContactsStatus: "idle",
      };
    }),
  contactsFailed: () => set({ contactsStatus: "error" }),
  moreContactsRequested: () => set({ moreContactsStatus: "loading" }),
  moreContactsLoaded: (cursor, list, page) =>
    set((s) => {
      if (page.query !== s.contactsQuery || cursor !== s.contactsNext) return {};
      const listed = new Set(s.contactIds);
      return {
        people: known(s.people, list),
        contactIds: [...s.contactIds, ...list.map((p) => p._id).filter((id) => !listed.has(id))],
        contactsNext: page.next,
        moreContactsStatus: "ready",
      };
    }),
  moreContactsFailed: () => set({ moreContactsStatus: "error" }),
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
