import { Search, X } from "lucide-react";
import { useId, useState } from "react";
import { useShallow } from "zustand/react/shallow";
import { Avatar } from "../../components/ui/Avatar";
import { matchesName } from "../../lib/people";
import { useChatStore } from "../../store/chat";
import type { Person } from "../../types";

/** Rows shown at once; typing narrows the rest down. */
const SHOWN = 50;

interface PeoplePickerProps {
  /** People who cannot be picked (already in the group, or me). */
  excluded: ReadonlySet<string>;
  selected: string[];
  onChange: (selected: string[]) => void;
  label: string;
}

/** Pick people with the people search: a name filter over the contacts, a checkbox each. */
export function PeoplePicker({ excluded, selected, onChange, label }: PeoplePickerProps) {
  const [query, setQuery] = useState("");
  const searchId = useId();
  const { people, contactIds, contactsStatus, online } = useChatStore(
    useShallow((s) => ({ people: s.people, contactIds: s.contactIds, contactsStatus: s.contactsStatus, online: s.online })),
  );
  const chosen = new Set(selected);
  const candidates = contactIds
    .filter((id) => !excluded.has(id))
    .map((id) => people[id])
    .filter((p): p is Person => matchesName(p, query));
  const shown = candidates.slice(0, SHOWN);

  function toggle(id: string) {
    onChange(chosen.has(id) ? selected.filter((x) => x !== id) : [...selected, id]);
  }

  return (
    <fieldset className="min-w-0 space-y-2">
      <legend className="mb-1 text-sm font-medium">{label}</legend>
      {selected.length > 0 && (
        <ul className="flex flex-wrap gap-1.5" aria-label="Picked">
          {selected.map((id) => (
            <li key={id} className="badge badge-soft badge-primary max-w-full gap-1 pr-1">
              <span className="truncate">{people[id]?.fullName ?? "Someone"}</span>
              <button
                type="button"
                className="btn btn-ghost btn-circle btn-xs"
                onClick={() => toggle(id)}
                aria-label={`Remove ${people[id]?.fullName ?? "this person"}`}
              >
                <X className="size-3" aria-hidden="true" />
              </button>
            </li>
          ))}
        </ul>
      )}
      <label className="input input-sm w-full bg-base-200 border-transparent" htmlFor={searchId}>
        <Search className="size-4 text-base-content/70" aria-hidden="true" />
        <input
          id={searchId}
          type="search"
          placeholder="Search people"
          aria-label="Search people"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
      </label>
      <ul className="scroll-thin max-h-56 space-y-0.5 overflow-y-auto" data-testid="people-picker">
        {shown.map((person) => (
          <li key={person._id}>
            <label className="flex cursor-pointer items-center gap-3 rounded-box px-2 py-1.5 hover:bg-base-200">
              <input
                type="checkbox"
                className="checkbox checkbox-sm checkbox-primary"
                checked={chosen.has(person._id)}
                onChange={() => toggle(person._id)}
              />
              <Avatar name={person.fullName} src={person.profilePic} seed={person._id} size="xs" online={Boolean(online[person._id])} />
              <span className="min-w-0 flex-1 truncate">{person.fullName}</span>
            </label>
          </li>
        ))}
      </ul>
      <p className="text-xs text-base-content/70" aria-live="polite">
        {contactsStatus !== "ready" && candidates.length === 0
          ? "Loading people…"
          : candidates.length === 0
            ? query.trim()
              ? "Nobody by that name."
              : "Nobody else to add."
            : candidates.length > SHOWN
              ? `${candidates.length - SHOWN} more: type a name to find them.`
              : ""}
      </p>
    </fieldset>
  );
}
