import { Smile } from "lucide-react";
import { lazy, Suspense, useEffect, useRef, useState } from "react";

const EmojiPanel = lazy(() => import("./EmojiPanel"));

/** A picker of emoji for the composer, loaded the first time it opens. Picking one leaves it
 * open, as in WhatsApp; Escape, the button or a click elsewhere close it. */
export function EmojiButton({ onPick }: { onPick: (emoji: string) => void }) {
  const [open, setOpen] = useState(false);
  const holder = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      // Escape closes the picker only, not the conversation under it.
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
      button.current?.focus();
    };
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!holder.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    window.addEventListener("keydown", onKey, true);
    document.addEventListener("pointerdown", onPointer);
    return () => {
      window.removeEventListener("keydown", onKey, true);
      document.removeEventListener("pointerdown", onPointer);
    };
  }, [open]);

  return (
    <div className="relative">
      <button
        ref={button}
        type="button"
        className="btn btn-ghost btn-circle text-base-content/70"
        onClick={() => setOpen((was) => !was)}
        aria-label="Emoji"
        aria-expanded={open}
        aria-haspopup="dialog"
        title="Emoji"
      >
        <Smile className="size-5" />
      </button>
      {open && (
        <div
          ref={holder}
          role="dialog"
          aria-label="Choose an emoji"
          className="absolute bottom-full left-0 z-30 mb-2 overflow-hidden rounded-box border border-base-300 bg-base-100 shadow-lg"
          data-testid="emoji-picker"
        >
          <Suspense fallback={<p className="p-4 text-sm text-base-content/70">Loading…</p>}>
            <EmojiPanel onPick={onPick} />
          </Suspense>
        </div>
      )}
    </div>
  );
}
