import { initials } from "../../lib/initials";
import { safeImageUrl } from "../../lib/urls";
import { hueOf } from "./hue";

const SIZES = {
  xs: "size-8 text-xs",
  sm: "size-10 text-sm",
  md: "size-12 text-base",
  lg: "size-16 text-xl",
} as const;

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
      <div
        className={`${SIZES[size]} rounded-full ${src ? "bg-base-300" : "text-white"}`}
        // A hue of its own per id (dark enough for white initials), so people are told apart.
        style={src ? undefined : { backgroundColor: `oklch(52% 0.15 ${hueOf(seed ?? name)})` }}
      >
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
