import type { Person } from "../types";

/** The people search: a name containing what was typed, any case; everyone for an empty query. */
export function matchesName(person: Person | undefined, query: string): person is Person {
  if (!person) return false;
  const q = query.trim().toLowerCase();
  return !q || person.fullName.toLowerCase().includes(q);
}
