/**
 * Requests started before the code that needs them has loaded: on a reload of /chat, the chats
 * and contacts lists travel while the session is checked and the chat page's code arrives,
 * instead of after both.
 */
import { type ApiResponse, request } from "./http";

const started = new Map<string, Promise<ApiResponse<unknown>>>();

/** Start a GET now, for one later `takePrefetched` of the same path. */
export function prefetch(path: string): void {
  if (started.has(path)) return;
  const pending = request<unknown>(path);
  pending.catch(() => undefined); // The taker sees the failure; nobody else should.
  started.set(path, pending);
}

/** The prefetched answer (body and headers) for `path`, once; null when none was started. */
export function takePrefetched<T>(path: string): Promise<ApiResponse<T>> | null {
  const pending = started.get(path);
  if (!pending) return null;
  started.delete(path);
  return pending as Promise<ApiResponse<T>>;
}
