import { useEffect, useState } from "react";
import { createPortal } from "react-dom";
import { Toaster } from "react-hot-toast";

/** The topmost open modal <dialog>, else the page. */
function topLayerHost(): HTMLElement {
  const modals = [...document.querySelectorAll("dialog[open]")].filter((d) => d.matches(":modal"));
  return (modals[modals.length - 1] as HTMLElement | undefined) ?? document.body;
}

/**
 * Toasts, always in view. A modal <dialog> lies in the browser's top layer, above any z-index,
 * and makes the rest of the page inert (unseen by screen readers too); so while one is open
 * the toasts are rendered inside it, and move back to the page when it closes. They sit below
 * the headers (the conversation's and the profile's), which they used to cover, and let clicks
 * through to whatever lies under them.
 */
export function Toasts() {
  const [host, setHost] = useState<HTMLElement>(() => document.body);
  useEffect(() => {
    // Dialogs open and close as elements come and go and as their `open` attribute changes.
    const follow = () => setHost(topLayerHost());
    const observer = new MutationObserver(follow);
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["open"] });
    follow();
    return () => observer.disconnect();
  }, []);
  return createPortal(
    <Toaster
      position="top-center"
      containerClassName="toasts"
      containerStyle={{ top: "calc(env(safe-area-inset-top) + 5.5rem)" }}
      toastOptions={{
        className: "bg-base-100! text-base-content! shadow-lg! border! border-base-300! rounded-box!",
        style: { pointerEvents: "none" },
        duration: 4000,
      }}
    />,
    host,
  );
}
