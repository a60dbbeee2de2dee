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

export async function request<T>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const { method = "GET", body, signal } = options;
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
    throw new ApiError(0, "Cannot reach the server. Check your connection.", NETWORK_ERROR);
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
