/** Checks the forms make before asking the server, with the server's own limits and words. */

export const NAME_MAX = 50;
export const PASSWORD_MIN = 6;
export const PASSWORD_MAX = 128;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function nameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (!trimmed) return "Enter your name.";
  if (trimmed.length > NAME_MAX) return `Full name must be at most ${NAME_MAX} characters.`;
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
  if (password.length < PASSWORD_MIN) return `Password must be at least ${PASSWORD_MIN} characters.`;
  if (password.length > PASSWORD_MAX) return `Password must be at most ${PASSWORD_MAX} characters.`;
  return null;
}

/** A new password and its confirmation, as typed twice. */
export function newPasswordProblem(password: string, confirm: string): string | null {
  const problem = passwordProblem(password);
  if (problem) return problem;
  if (password !== confirm) return "The two passwords do not match.";
  return null;
}

/** A password typed to log in: only that there is one (what it must be is the server's to say). */
export function enteredPasswordProblem(password: string): string | null {
  return password ? null : "Enter your password.";
}
