/** Everyone the page knows by id (from the contacts list and the chats list), and the contacts list. */
import type { Person, UserUpdated } from "../../types";
import type { GroupInfo } from "./groups";
import type { ChatSlice, LoadStatus } from "./state";

export interface PeopleData {
  people: Record<string, Person>;
  contactIds: string[];
  contactsStatus: LoadStatus;
}

export interface PeopleActions {
  contactsRequested: () => void;
  contactsLoaded: (people: Person[]) => void;
  contactsFailed: () => void;
  /** `userUpdated`: someone renamed themself or changed their picture; shown wherever they appear. */
  userUpdated: (profile: UserUpdated) => void;
}

export function initialPeople(): PeopleData {
  return { people: {}, contactIds: [], contactsStatus: "idle" };
}

export const createPeopleSlice: ChatSlice<PeopleData & PeopleActions> = (set) => ({
  ...initialPeople(),
  contactsRequested: () => set({ contactsStatus: "loading" }),
  contactsLoaded: (list) =>
    set((s) => {
      const people = { ...s.people };
      for (const person of list) people[person._id] = person;
      return { people, contactIds: list.map((p) => p._id), contactsStatus: "ready" };
    }),
  contactsFailed: () => set({ contactsStatus: "error" }),
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
