/** Performance marks that end-to-end runs read to measure the app; harmless elsewhere. */
const marked = new Set<string>();

/** Mark a moment once per page load (the first time counts). */
export function markOnce(name: string): void {
  if (marked.has(name)) return;
  marked.add(name);
  globalThis.performance?.mark?.(name);
}
