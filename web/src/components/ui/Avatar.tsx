import { initials } from "../../lib/initials";
import { safeImageUrl } from "../../lib/urls";

const SIZES = {
  xs: "size-8 text-xs",
  sm: "size-10 text-sm",
  md: "size-12 text-base",
  lg: "size-16 text-xl",
} as const;

// A stable, pleasant colour per person when there is no picture.
const TINTS = [
  "bg-linear-to-br from-violet-500 to-indigo-600",
  "bg-linear-to-br from-sky-500 to-blue-600",
  "bg-linear-to-br from-emerald-500 to-teal-600",
  "bg-linear-to-br from-amber-500 to-orange-600",
  "bg-linear-to-br from-rose-500 to-pink-600",
  "bg-linear-to-br from-fuchsia-500 to-purple-600",
] as const;

function tint(seed: string): string {
  let hash = 0;
  for (const ch of seed) hash = (hash * 31 + ch.charCodeAt(0)) | 0;
  return TINTS[Math.abs(hash) % TINTS.length] ?? TINTS[0];
}

interface AvatarProps {
  name: string;
  src?: string | null;
  size?: keyof typeof SIZES;
  /** true: a green dot; false: no dot; undefined: presence not shown. */
  online?: boolean;
  seed?: string;
}

export function Avatar({ name, src: given, size = "sm", online, seed }: AvatarProps) {
  const src = safeImageUrl(given);
  const presence = online === undefined ? "" : online ? "avatar-online" : "";
  return (
    <div className={`avatar ${presence} ${src ? "" : "avatar-placeholder"} shrink-0`}>
      <div className={`${SIZES[size]} rounded-full ${src ? "bg-base-300" : `${tint(seed ?? name)} text-white`}`}>
        {src ? (
          <img src={src} alt="" loading="lazy" decoding="async" />
        ) : (
          <span aria-hidden="true" className="font-semibold">
            {initials(name)}
          </span>
        )}
      </div>
    </div>
  );
}
