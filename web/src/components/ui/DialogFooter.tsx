import type { ReactNode, Ref } from "react";

interface DialogFooterProps {
  /** The way out that changes nothing. */
  onCancel: () => void;
  cancelLabel?: string;
  cancelRef?: Ref<HTMLButtonElement>;
  /** Focus starts on the way out (a question whose "yes" cannot be taken back). */
  cancelFocused?: boolean;
  /** The action's face. */
  action: ReactNode;
  /** The action; without it the action button submits the form around it. */
  onAction?: () => void;
  /** Under way: both buttons wait, the action spins. */
  busy?: boolean;
  /** The action is not possible yet (nothing picked). */
  disabled?: boolean;
  /** A destructive action (block, report, leave): in the error colour. */
  danger?: boolean;
  /** Small buttons, for a form inside a panel. */
  small?: boolean;
  className?: string;
}

/** Cancel, then the action, at the end of a dialog or a form. */
export function DialogFooter({
  onCancel,
  cancelLabel = "Cancel",
  cancelRef,
  cancelFocused = false,
  action,
  onAction,
  busy = false,
  disabled = false,
  danger = false,
  small = false,
  className = "",
}: DialogFooterProps) {
  const size = small ? "btn-sm" : "";
  return (
    <div className={`flex justify-end gap-2 ${className}`}>
      <button ref={cancelRef} type="button" className={`btn btn-ghost ${size}`} onClick={onCancel} disabled={busy} autoFocus={cancelFocused}>
        {cancelLabel}
      </button>
      <button
        type={onAction ? "button" : "submit"}
        className={`btn ${danger ? "btn-error" : "btn-primary"} ${size}`}
        onClick={onAction}
        disabled={busy || disabled}
      >
        {busy && <span className="loading loading-spinner loading-xs" aria-hidden="true" />}
        {action}
      </button>
    </div>
  );
}
