/** Everyone the page knows by id (from the contacts list and the chats list), and the contacts list. */
import type { Person } from "../../types";
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
});
