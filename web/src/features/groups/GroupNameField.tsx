import { useCheckedValue } from "../../components/ui/useCheckedValue";
import { GROUP_NAME_MAX, groupNameProblem } from "./groups";

interface GroupNameFieldProps {
  id: string;
  value: string;
  onChange: (value: string) => void;
  error: string | null;
  /** The id of the element that says what is wrong, when something is. */
  errorId?: string;
}

/** "Group name", as the new-group dialog and the rename form ask for it. */
export function GroupNameField({ id, value, onChange, error, errorId }: GroupNameFieldProps) {
  return (
    <>
      <label htmlFor={id} className="text-sm font-medium">
        Group name
      </label>
      <input
        id={id}
        className={`input w-full ${error ? "input-error" : ""}`}
        value={value}
        maxLength={GROUP_NAME_MAX}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error && errorId ? errorId : undefined}
        autoFocus
      />
    </>
  );
}

/** A group name being typed and what is wrong with it (see useCheckedValue). */
export function useGroupName(initial: string) {
  return useCheckedValue(initial, groupNameProblem);
}
