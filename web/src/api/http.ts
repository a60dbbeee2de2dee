/** The one fetch wrapper: same-origin cookies, JSON in and out, server errors as ApiError. */

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Seconds to wait before asking again (a 429's Retry-After), when the server said. */
  readonly retryAfter: number | null;

  constructor(status: number, message: string, code: string, retryAfter: number | null = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

/** A network failure (offline, server down) rather than an answer. */
export const NETWORK_ERROR = "network_error";

interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: unknown;
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  data: T;
  headers: Headers;
}

/**
 * Whether the server's session is known to be the person the page shows. The cookie is the
 * browser's, and another tab may sign someone else in at any moment; a page that opened offline
 * shows the person last signed in on this device (store/auth.ts) without the server having said
 * so, and a page that lost its connection cannot tell what happened meanwhile. In either case a
 * request would go out as whoever the cookie is now, and its answer (their chats, their history)
 * would be drawn on this page. So, in doubt, requests wait until the server has been asked
 * (realtime/socket.ts asks GET /auth/check on every connect): the same person, they go; someone
 * else, they never do. A page that started online was confirmed by its own first check: its
 * requests never wait for another.
 */
let doubt: { settled: Promise<void>; confirm: () => void; refuse: (error: Error) => void } | null = null;
/** The server said it is someone else (or nobody): nothing goes out until a session starts. */
let refused = false;

/** The calls that ask or set who is signed in go out whoever the cookie is. */
const ANY_SESSION = new Set(["/auth/check", "/auth/login", "/auth/signup", "/auth/forgot-password", "/auth/reset-password"]);

/** Code of a request never sent: the server's session is not the person shown. */
export const NOT_YOUR_SESSION = "not_your_session";

function notYourSession(): ApiError {
  return new ApiError(401, "You are no longer signed in here. Please log in again.", NOT_YOUR_SESSION);
}

/** The connection was lost, or the page opened offline: requests wait for the next check. */
export function sessionDoubted(): void {
  if (doubt || refused) return;
  let confirm = () => {};
  let refuse: (error: Error) => void = () => {};
  const settled = new Promise<void>((resolve, reject) => {
    confirm = resolve;
    refuse = reject;
  });
  settled.catch(() => undefined); // each waiter sees the refusal; nobody else should
  doubt = { settled, confirm, refuse };
}

/** The server's session is still the person shown: what waited goes out. */
export function sessionConfirmed(): void {
  doubt?.confirm();
  doubt = null;
}

/** The server's session is someone else's, or none: what waited never goes out, nor anything after. */
export function sessionRefused(): void {
  doubt?.refuse(notYourSession());
  doubt = null;
  refused = true;
}

/**
 * Someone signed in, or the page found its session by a check: requests go. Whatever still
 * waited was the page before's, perhaps another person's: it never goes.
 */
export function sessionStarted(): void {
  doubt?.refuse(notYourSession());
  doubt = null;
  refused = false;
}

/** Whether requests wait for the server to say whose session it is. */
export function sessionInDoubt(): boolean {
  return doubt !== null;
}

async function sessionKnown(signal: AbortSignal | undefined): Promise<void> {
  for (;;) {
    if (refused) throw notYourSession();
    if (!doubt) return;
    // Offline it would fail anyway: fail now, as it always did (the page says it is offline).
    if (globalThis.navigator?.onLine === false) throw unreachable();
    const { settled } = doubt;
    await new Promise<void>((resolve, reject) => {
      const aborted = () => reject(new DOMException("The request was aborted.", "AbortError"));
      // Gone offline while it waited: it fails now, as it would have had it gone out.
      const offline = () => reject(unreachable());
      if (signal?.aborted) aborted();
      signal?.addEventListener("abort", aborted, { once: true });
      globalThis.addEventListener?.("offline", offline, { once: true });
      settled.then(resolve, reject).finally(() => {
        signal?.removeEventListener("abort", aborted);
        globalThis.removeEventListener?.("offline", offline);
      });
    });
  }
}

function unreachable(): ApiError {
  return new ApiError(0, "Cannot reach the server. Check your connection.", NETWORK_ERROR);
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const { method = "GET", body, signal } = options;
  if ((doubt || refused) && !ANY_SESSION.has(path.split("?")[0] ?? path)) await sessionKnown(signal);
  const init: RequestInit = {
    method,
    credentials: "same-origin",
    headers: { Accept: "application/json" },
    signal: signal ?? null,
  };
  if (body instanceof FormData) {
    init.body = body; // The browser sets multipart/form-data with its boundary.
  } else if (body !== undefined) {
    init.headers = { Accept: "application/json", "Content-Type": "application/json" };
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(`/api${path}`, init);
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw unreachable();
  }
  const text = await response.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!response.ok) {
    const payload = (parsed ?? {}) as { message?: unknown; code?: unknown };
    const message =
      typeof payload.message === "string" && payload.message
        ? payload.message
        : `The server answered ${response.status}.`;
    const code = typeof payload.code === "string" ? payload.code : `http_${response.status}`;
    const wait = Number(response.headers.get("Retry-After"));
    throw new ApiError(response.status, message, code, Number.isFinite(wait) && wait > 0 ? wait : null);
  }
  return { data: parsed as T, headers: response.headers };
}

/** The message to show a person for any error. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return "Something went wrong.";
}
