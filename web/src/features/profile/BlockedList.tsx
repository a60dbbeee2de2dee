import { useShallow } from "zustand/react/shallow";
import { Avatar } from "../../components/ui/Avatar";
import { useSafetyStore } from "../../store/safety";

/** Settings' list of the people I blocked, each with Unblock (the safety dialogs ask first). */
export function BlockedList() {
  const { blocked, status, asked } = useSafetyStore(
    useShallow((s) => ({ blocked: s.blocked, status: s.blockedStatus, asked: s.asked })),
  );
  if (blocked.length === 0) {
    return (
      <p className="text-sm text-base-content/70" data-testid="blocked-empty">
        {status === "error"
          ? "Could not load the people you blocked."
          : status === "ready"
            ? "You have not blocked anyone."
            : "Loading…"}
      </p>
    );
  }
  return (
    <ul className="space-y-1" aria-label="Blocked people" data-testid="blocked-list">
      {blocked.map((person) => (
        <li key={person._id} className="flex items-center gap-3 py-1">
          <Avatar name={person.fullName} src={person.profilePic ?? null} seed={person._id} size="xs" />
          <span className="min-w-0 flex-1 truncate text-sm font-medium">{person.fullName}</span>
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            onClick={() => asked({ kind: "unblock", person })}
            aria-label={`Unblock ${person.fullName}`}
          >
            Unblock
          </button>
        </li>
      ))}
    </ul>
  );
}
