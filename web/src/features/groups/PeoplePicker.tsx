import { X } from "lucide-react";
import { useEffect, useState } from "react";
import { useShallow } from "zustand/react/shallow";
import { fetchContacts } from "../../api/messages";
import { Avatar } from "../../components/ui/Avatar";
import { SearchField } from "../../components/ui/SearchField";
import { matchesName } from "../../lib/people";
import { useChatStore } from "../../store/chat";
import type { Person } from "../../types";

/** Rows shown at once; typing narrows the rest down. */
const SHOWN = 50;

/** The server is asked once typing pauses this long. */
const SEARCH_DEBOUNCE_MS = 250;

interface Found {
  q: string;
  /** Null: the server could not answer (the contacts loaded stay narrowed by name instead). */
  people: Person[] | null;
  /** More people match than one page holds. */
  more: boolean;
}

/**
 * Everyone whose name contains `query`, as the server finds them (the contacts loaded are only
 * the first pages); null until it has answered this very query.
 */
function usePeopleFound(query: string): Found | null {
  const q = query.trim();
  const [answer, setAnswer] = useState<Found | null>(null);
  useEffect(() => {
    if (!q) return;
    let current = true;
    const timer = window.setTimeout(() => {
      fetchContacts({ q }).then(
        ({ people, next }) => current && setAnswer({ q, people, more: next !== null }),
        () => current && setAnswer({ q, people: null, more: false }),
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [q]);
  return q && answer?.q === q ? answer : null;
}

interface PeoplePickerProps {
  /** People who cannot be picked (already in the group, or me). */
  excluded: ReadonlySet<string>;
  selected: string[];
  onChange: (selected: string[]) => void;
  label: string;
}

/** Pick people with the people search: everyone to start with, found on the server by name as
 * one types (narrowed at once among those loaded meanwhile), a checkbox each. */
export function PeoplePicker({ excluded, selected, onChange, label }: PeoplePickerProps) {
  const [query, setQuery] = useState("");
  const { people, contactIds, contactsStatus, online } = useChatStore(
    useShallow((s) => ({ people: s.people, contactIds: s.contactIds, contactsStatus: s.contactsStatus, online: s.online })),
  );
  const found = usePeopleFound(query);
  // Those picked from a search, by id: the store may not know them.
  const [met, setMet] = useState<Record<string, Person>>({});
  const chosen = new Set(selected);
  // Until the server answers, those loaded so far narrow at once.
  const candidates = (found?.people ?? contactIds.map((id) => people[id]))
    .filter((p): p is Person => matchesName(p, query))
    .filter((p) => !excluded.has(p._id));
  const shown = candidates.slice(0, SHOWN);
  const nameOf = (id: string) => people[id]?.fullName ?? met[id]?.fullName;

  function toggle(person: Person) {
    const id = person._id;
    if (!people[id]) setMet((was) => ({ ...was, [id]: person }));
    onChange(chosen.has(id) ? selected.filter((x) => x !== id) : [...selected, id]);
  }

  function remove(id: string) {
    onChange(selected.filter((x) => x !== id));
  }

  return (
    <fieldset className="min-w-0 space-y-2">
      <legend className="mb-1 text-sm font-medium">{label}</legend>
      {selected.length > 0 && (
        <ul className="flex flex-wrap gap-1.5" aria-label="Picked">
          {selected.map((id) => (
            <li key={id} className="badge badge-soft badge-primary max-w-full gap-1 pr-1">
              <span className="truncate">{nameOf(id) ?? "Someone"}</span>
              <button
                type="button"
                className="btn btn-ghost btn-circle btn-xs"
                onClick={() => remove(id)}
                aria-label={`Remove ${nameOf(id) ?? "this person"}`}
              >
                <X className="size-3" aria-hidden="true" />
              </button>
            </li>
          ))}
        </ul>
      )}
      <SearchField label="Search people" value={query} onChange={setQuery} className="w-full" />
      <ul className="scroll-thin max-h-56 space-y-0.5 overflow-y-auto" data-testid="people-picker">
        {shown.map((person) => (
          <li key={person._id}>
            <label className="flex cursor-pointer items-center gap-3 rounded-box px-2 py-1.5 hover:bg-base-200">
              <input
                type="checkbox"
                className="checkbox checkbox-sm checkbox-primary"
                checked={chosen.has(person._id)}
                onChange={() => toggle(person)}
              />
              <Avatar name={person.fullName} src={person.profilePic} seed={person._id} size="xs" online={Boolean(online[person._id])} />
              <span className="min-w-0 flex-1 truncate">{person.fullName}</span>
            </label>
          </li>
        ))}
      </ul>
      <p className="text-xs text-base-content/70" aria-live="polite">
        {candidates.length === 0 && !query.trim() && contactsStatus !== "ready"
          ? "Loading people…"
          : candidates.length === 0
            ? query.trim()
              ? found
                ? "Nobody by that name."
                : "Searching…"
              : "Nobody else to add."
            : candidates.length > SHOWN || found?.more
              ? "More match: type more of the name."
              : ""}
      </p>
    </fieldset>
  );
}
