/**
 * A hue (0–359°) derived from an id, the same on every screen and every visit: the colour of a
 * person's or a group's initials when they have no picture.
 */
export function hueOf(seed: string): number {
  let hash = 0;
  for (const ch of seed) hash = (Math.imul(hash, 31) + ch.charCodeAt(0)) | 0;
  // A second mix spreads ids that differ only in their last characters round the whole circle.
  hash = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b);
  hash ^= hash >>> 16;
  return (hash >>> 0) % 360;
}
