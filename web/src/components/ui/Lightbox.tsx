import { X } from "lucide-react";
import { useModalDialog } from "./useModalDialog";

/**
 * A picture over everything, in a modal <dialog>: the browser keeps focus inside it and
 * returns it afterwards. Escape, the close button or a click beside the picture close it.
 */
export function Lightbox({ src, alt, onClose }: { src: string; alt: string; onClose: () => void }) {
  // Escape closes the picture only, not what lies under it (the conversation).
  const { ref, onKeyDown, onCancel } = useModalDialog(onClose);

  return (
    <dialog
      ref={ref}
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
