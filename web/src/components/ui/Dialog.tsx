import { X } from "lucide-react";
import { type ReactNode, useId } from "react";
import { useModalDialog } from "./useModalDialog";

/**
 * A modal <dialog> with a title: the browser keeps focus inside and gives it back on close.
 * Escape closes the dialog only, not what lies under it.
 */
export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const { ref, onKeyDown, onCancel } = useModalDialog(onClose);
  const titleId = useId();

  return (
    <dialog ref={ref} className="modal modal-open" aria-labelledby={titleId} onKeyDown={onKeyDown} onCancel={onCancel}>
      <div className="modal-box max-h-[90dvh] w-[min(32rem,94vw)] p-0">
        <div className="sticky top-0 z-10 flex items-center justify-between border-b border-base-300 bg-base-100 px-5 py-3">
          <h2 id={titleId} className="text-lg font-semibold">
            {title}
          </h2>
          <button type="button" className="btn btn-ghost btn-sm btn-circle" onClick={onClose} aria-label="Close">
            <X className="size-5" />
          </button>
        </div>
        <div className="px-5 py-4">{children}</div>
      </div>
      <div className="modal-backdrop" onClick={onClose} aria-hidden="true" />
    </dialog>
  );
}
