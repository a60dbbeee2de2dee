import { Download, X } from "lucide-react";
import { useModalDialog } from "./useModalDialog";

interface LightboxProps {
  src: string;
  alt: string;
  onClose: () => void;
  /** The dialog's name ("Picture" when not given). */
  label?: string;
  /** Who shared it and when, at the top left (WhatsApp, Telegram): the picture alone said neither. */
  from?: string;
  when?: string;
  /** When: as a date-time for machines, `when` for people. */
  dateTime?: string;
}

/**
 * A picture over everything, in a modal <dialog>: the browser keeps focus inside it and
 * returns it afterwards. Escape, the close button or a click beside the picture close it.
 * A bar on top says who shared it and when, and downloads it.
 */
export function Lightbox({ src, alt, onClose, label = "Picture", from, when, dateTime }: LightboxProps) {
  // Escape closes the picture only, not what lies under it (the conversation).
  const { ref, onKeyDown, onCancel } = useModalDialog(onClose);

  return (
    <dialog
      ref={ref}
      className="modal modal-open bg-black/80 backdrop-blur-sm"
      aria-label={label}
      onKeyDown={onKeyDown}
      onCancel={onCancel}
      onClick={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
      data-testid="lightbox"
    >
      <div className="absolute inset-x-0 top-0 flex items-center gap-2 bg-gradient-to-b from-black/60 to-transparent p-4 text-white">
        {from && (
          <p className="min-w-0 flex-1 truncate text-sm" data-testid="lightbox-caption">
            <span className="font-semibold">{from}</span>
            {when && (
              <>
                <span aria-hidden="true"> · </span>
                <time dateTime={dateTime}>{when}</time>
              </>
            )}
          </p>
        )}
        <a href={src} download className="btn btn-circle btn-neutral ml-auto" aria-label="Download picture" title="Download picture">
          <Download className="size-5" aria-hidden="true" />
        </a>
        <button type="button" className="btn btn-circle btn-neutral" onClick={onClose} aria-label="Close picture" title="Close (Esc)" autoFocus>
          <X className="size-5" aria-hidden="true" />
        </button>
      </div>
      <img src={src} alt={alt} className="max-h-[85dvh] max-w-[94vw] rounded-box object-contain shadow-2xl" />
    </dialog>
  );
}
