/**
 * Checks the forms make before asking the server, with the server's own limits and words,
 * counted as it counts (characters: an emoji is one).
 */
import { characters } from "./text";

export const NAME_MAX = 50;
export const PASSWORD_MIN = 6;
export const PASSWORD_MAX = 128;
/** Only its shape: the server decides the rest (a name without a dot, `alice@nas`, is fine on a
 * server with ALLOW_LOCAL_EMAIL_DOMAINS). */
const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function nameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (!trimmed) return "Enter your name.";
  if (characters(trimmed) > NAME_MAX) return `Full name must be at most ${NAME_MAX} characters.`;
  return null;
}

export function emailProblem(email: string): string | null {
  const trimmed = email.trim();
  if (!trimmed) return "Enter your email address.";
  if (!EMAIL.test(trimmed)) return "Enter a valid email address.";
  return null;
}

/** A new password (signing up, or a reset). */
export function passwordProblem(password: string): string | null {
  if (characters(password) < PASSWORD_MIN) return `Password must be at least ${PASSWORD_MIN} characters.`;
  if (characters(password) > PASSWORD_MAX) return `Password must be at most ${PASSWORD_MAX} characters.`;
  return null;
}

/** A new password and its confirmation, as typed twice. */
export function newPasswordProblem(password: string, confirm: string): string | null {
  const problem = passwordProblem(password);
  if (problem) return problem;
  if (password !== confirm) return "The two passwords do not match.";
  return null;
}

/** What is typed to log in: only that there is something (the server says whether it is right:
 * log-in never checks an email's format, so accounts made under other rules keep working). */
export function enteredEmailProblem(email: string): string | null {
  return email.trim() ? null : "Enter your email address.";
}

export function enteredPasswordProblem(password: string): string | null {
  return password ? null : "Enter your password.";
}
