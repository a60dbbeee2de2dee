/** Forgotten passwords: asking for an emailed link, and setting a new password with it. */
import * as authApi from "../../api/auth";
import { ApiError, errorMessage } from "../../api/http";
import { emailProblem, newPasswordProblem } from "../../lib/validation";
import { useAuthStore } from "../../store/auth";
import { useChatStore } from "../../store/chat";

export type ForgotResult = { ok: true; message: string } | { ok: false; error: string };

/** "in 5 minutes", "in 1 hour": how long a rate limit lasts, from Retry-After seconds. */
export function waitText(seconds: number): string {
  if (seconds < 60) return "in a minute";
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `in ${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = Math.ceil(minutes / 60);
  return `in ${hours} hour${hours === 1 ? "" : "s"}`;
}

export async function requestResetLink(email: string): Promise<ForgotResult> {
  const problem = emailProblem(email);
  if (problem) return { ok: false, error: problem };
  try {
    return { ok: true, message: await authApi.forgotPassword(email.trim()) };
  } catch (error) {
    if (error instanceof ApiError && error.status === 429) {
      const when = error.retryAfter ? ` Try again ${waitText(error.retryAfter)}.` : "";
      return { ok: false, error: `${error.message}${when}` };
    }
    return { ok: false, error: errorMessage(error) };
  }
}

/** The token of a reset link (`/reset-password?token=…`), or null when there is none. */
export function tokenFrom(search: string): string | null {
  const token = new URLSearchParams(search).get("token")?.trim();
  return token ? token : null;
}

const LINK_PROBLEMS: Record<string, string> = {
  invalid_reset_token: "This reset link is not valid. It may have been copied incompletely.",
  reset_token_used: "This reset link has already been used.",
  reset_token_expired: "This reset link has expired.",
};

export type ResetResult =
  | { ok: true; message: string }
  /** `linkProblem`: the link itself is no good; a new one has to be asked for. */
  | { ok: false; error: string; linkProblem: boolean };

export async function resetWithLink(token: string, password: string, confirm: string): Promise<ResetResult> {
  const problem = newPasswordProblem(password, confirm);
  if (problem) return { ok: false, error: problem, linkProblem: false };
  try {
    const message = await authApi.resetPassword(token, password);
    // Every session has ended, this browser's too.
    useChatStore.getState().sessionCleared();
    useAuthStore.getState().signedOut();
    return { ok: true, message };
  } catch (error) {
    if (error instanceof ApiError && error.code in LINK_PROBLEMS) {
      return { ok: false, error: LINK_PROBLEMS[error.code] as string, linkProblem: true };
    }
    return { ok: false, error: errorMessage(error), linkProblem: false };
  }
}
