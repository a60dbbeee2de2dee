const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

function sameDay(a: Date, b: Date): boolean {
  return a.toDateString() === b.toDateString();
}

/** "14:05" for a bubble. */
export function clockTime(iso: string): string {
  return timeFormat.format(new Date(iso));
}

/** "14:05" today, "Mar 3" before: for list previews. */
export function shortWhen(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  return sameDay(date, now) ? timeFormat.format(date) : dayFormat.format(date);
}

/** "14:05" today, "Mar 3, 14:05" later: when a mute for a while ends. */
export function untilWhen(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  return sameDay(date, now) ? timeFormat.format(date) : `${dayFormat.format(date)}, ${timeFormat.format(date)}`;
}

export function fullWhen(iso: string): string {
  return fullFormat.format(new Date(iso));
}

/** "last seen 5 min ago", for the conversation header. */
export function lastSeenText(iso: string | null, now: Date = new Date()): string {
  if (!iso) return "Offline";
  const date = new Date(iso);
  const minutes = Math.round((now.getTime() - date.getTime()) / 60_000);
  if (minutes < 1) return "Last seen just now";
  if (minutes < 60) return `Last seen ${minutes} min ago`;
  if (sameDay(date, now)) return `Last seen today at ${timeFormat.format(date)}`;
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (sameDay(date, yesterday)) return `Last seen yesterday at ${timeFormat.format(date)}`;
  return `Last seen ${dayFormat.format(date)}`;
}

/** A day separator label: "Today", "Yesterday", or the date. */
export function dayLabel(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (sameDay(date, now)) return "Today";
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (sameDay(date, yesterday)) return "Yesterday";
  return new Intl.DateTimeFormat(undefined, { weekday: "long", month: "long", day: "numeric" }).format(date);
}
