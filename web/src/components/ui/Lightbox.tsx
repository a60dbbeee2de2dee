import { X } from "lucide-react";
import { type KeyboardEvent, type SyntheticEvent, useEffect, useRef } from "react";

/**
 * A picture over everything, in a modal <dialog>: the browser keeps focus inside it and
 * returns it afterwards. Escape, the close button or a click beside the picture close it.
 */
export function Lightbox({ src, alt, onClose }: { src: string; alt: string; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const el = dialog.current;
    if (el && !el.open) el.showModal?.();
    return () => el?.close?.();
  }, []);

  // Escape closes the picture only, not what lies under it (the conversation).
  function onKeyDown(event: KeyboardEvent) {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      onClose();
    }
  }
  function onCancel(event: SyntheticEvent) {
    event.preventDefault();
    onClose();
  }

  return (
    <dialog
      ref={dialog}
      className="modal modal-open bg-black/80 backdrop-blur-sm"
      aria-label="Picture"
      onKeyDown={onKeyDown}
      onCancel={onCancel}
      onClick={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
      data-testid="lightbox"
    >
      <img src={src} alt={alt} className="max-h-[90dvh] max-w-[94vw] rounded-box object-contain shadow-2xl" />
      <button
        type="button"
        className="btn btn-circle btn-neutral absolute top-4 right-4"
        onClick={onClose}
        aria-label="Close picture"
        autoFocus
      >
        <X className="size-5" />
      </button>
    </dialog>
  );
}
