import { type KeyboardEvent, type SyntheticEvent, useEffect, useRef } from "react";

/**
 * Opens a <dialog> as a modal while the component is mounted: the browser keeps focus inside
 * and gives it back on close. Escape (and the browser's own cancel) call `onClose` and close
 * only this dialog, not what lies under it.
 */
export function useModalDialog(onClose: () => void) {
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const el = ref.current;
    if (el && !el.open) el.showModal?.();
    return () => el?.close?.();
  }, []);

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

  return { ref, onKeyDown, onCancel };
}
