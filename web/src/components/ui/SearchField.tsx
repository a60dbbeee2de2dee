import { Search, X } from "lucide-react";
import type { KeyboardEvent, Ref } from "react";

interface SearchFieldProps {
  /** Its accessible name and placeholder. */
  label: string;
  value: string;
  onChange: (value: string) => void;
  onKeyDown?: (event: KeyboardEvent<HTMLInputElement>) => void;
  /** Shows a clear button while there is text (the owner gives the focus back). */
  onClear?: () => void;
  inputRef?: Ref<HTMLInputElement>;
  className?: string;
}

/** A search box (role searchbox) with its magnifier. */
export function SearchField({ label, value, onChange, onKeyDown, onClear, inputRef, className = "" }: SearchFieldProps) {
  return (
    <label className={`input input-sm border-transparent bg-base-200 ${className}`}>
      <Search className="size-4 text-base-content/70" aria-hidden="true" />
      <input
        ref={inputRef}
        type="search"
        placeholder={label}
        aria-label={label}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={onKeyDown}
        // With a clear button of ours, the browser's own (which leaves the focus behind) is hidden.
        className={onClear ? "[&::-webkit-search-cancel-button]:hidden" : undefined}
      />
      {onClear && value && (
        <button type="button" className="btn btn-ghost btn-xs btn-circle" onClick={onClear} aria-label="Clear search" title="Clear">
          <X className="size-3.5" aria-hidden="true" />
        </button>
      )}
    </label>
  );
}
