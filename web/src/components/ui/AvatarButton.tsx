import { Camera } from "lucide-react";
import { Avatar } from "./Avatar";

interface AvatarButtonProps {
  name: string;
  src?: string | null;
  seed: string;
  size: "md" | "lg";
  /** What a click does, for screen readers ("Change profile picture"). */
  label: string;
  busy?: boolean;
  onClick: () => void;
}

/** A picture that changes when clicked: the avatar with a camera over it on hover and focus,
 * and a spinner while the new one uploads. */
export function AvatarButton({ name, src, seed, size, label, busy = false, onClick }: AvatarButtonProps) {
  return (
    // Named by its content, not aria-label: the initials a two-word name shows ("AL") are
    // visible text, which an aria-label would have to contain (WCAG 2.5.3, axe's
    // label-content-name-mismatch); they are aria-hidden, so the name is the label alone.
    <button type="button" className="group relative shrink-0 rounded-full" onClick={onClick} disabled={busy}>
      <span className="sr-only">{label}</span>
      <Avatar name={name} src={src} seed={seed} size={size} />
      <span className="absolute inset-0 grid place-items-center rounded-full bg-black/45 text-white opacity-0 transition-opacity group-hover:opacity-100 group-focus-visible:opacity-100">
        {busy ? <span className="loading loading-spinner loading-sm" /> : <Camera className={size === "lg" ? "size-5" : "size-4.5"} aria-hidden="true" />}
      </span>
    </button>
  );
}
