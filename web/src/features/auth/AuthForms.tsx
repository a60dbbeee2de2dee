import { Eye, EyeOff, Lock, Mail, User as UserIcon } from "lucide-react";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import { flushSync } from "react-dom";
import { Link, useNavigate } from "react-router";
import { useCheckedValue } from "../../components/ui/useCheckedValue";
import { emailProblem, enteredEmailProblem, enteredPasswordProblem, nameProblem, passwordProblem } from "../../lib/validation";
import { login, signup } from "./session";

interface FieldProps {
  label: string;
  icon: ReactNode;
  type: string;
  name: string;
  autoComplete: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  trailing?: ReactNode;
  autoFocus?: boolean;
  /** What is wrong with the value, said under the field (and read out with it). */
  error?: string | null;
}

export function Field({ label, icon, trailing, onChange, error, ...input }: FieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <label className={`input input-lg w-full ${error ? "input-error" : ""}`}>
        <span className="text-base-content/70" aria-hidden="true">
          {icon}
        </span>
        <input
          id={id}
          className="grow"
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          {...input}
        />
        {trailing}
      </label>
      {error && (
        <p id={errorId} className="text-sm text-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * Checks every field of a form (each says what is wrong under it, an alert read out as it
 * comes) and puts the focus in the first that is wrong, once it is marked so (drawn first: the
 * field read out on focus says what is wrong); true when all are right. Their errors then
 * follow every change.
 */
function allRight(form: HTMLFormElement, fields: [string, { check(): string | null }][]): boolean {
  let wrong: string[] = [];
  flushSync(() => {
    wrong = fields.filter(([, field]) => field.check() !== null).map(([name]) => name);
  });
  if (wrong.length === 0) return true;
  const first = form.elements.namedItem(wrong[0] ?? "");
  if (first instanceof HTMLInputElement) first.focus();
  return false;
}

interface PasswordFieldProps {
  value: string;
  onChange: (v: string) => void;
  autoComplete: string;
  label?: string;
  name?: string;
  autoFocus?: boolean;
  error?: string | null;
}

export function PasswordField({ value, onChange, autoComplete, label = "Password", name = "password", autoFocus, error }: PasswordFieldProps) {
  const [shown, setShown] = useState(false);
  return (
    <Field
      label={label}
      icon={<Lock className="size-4" />}
      type={shown ? "text" : "password"}
      name={name}
      autoFocus={autoFocus ?? false}
      autoComplete={autoComplete}
      placeholder="At least 6 characters"
      value={value}
      onChange={onChange}
      error={error ?? null}
      trailing={
        <button
          type="button"
          className="btn btn-ghost btn-sm btn-circle -mr-2"
          onClick={() => setShown((s) => !s)}
          aria-label={shown ? "Hide password" : "Show password"}
          aria-pressed={shown}
        >
          {shown ? <EyeOff className="size-4" /> : <Eye className="size-4" />}
        </button>
      }
    />
  );
}

export function SubmitButton({ busy, children }: { busy: boolean; children: ReactNode }) {
  return (
    <button type="submit" className="btn btn-primary btn-lg btn-block" disabled={busy}>
      {busy && <span className="loading loading-spinner loading-sm" aria-hidden="true" />}
      {children}
    </button>
  );
}

export function LoginForm() {
  const navigate = useNavigate();
  const email = useCheckedValue("", enteredEmailProblem);
  const password = useCheckedValue("", enteredPasswordProblem);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!allRight(event.currentTarget, [["email", email], ["password", password]])) return;
    setBusy(true);
    const ok = await login({ email: email.value.trim(), password: password.value });
    setBusy(false);
    if (ok) navigate("/chat", { replace: true });
  }

  return (
    <form className="space-y-5" onSubmit={submit} noValidate aria-label="Log in">
      <Field
        label="Email"
        icon={<Mail className="size-4" />}
        type="email"
        name="email"
        autoComplete="email"
        placeholder="you@example.com"
        value={email.value}
        onChange={email.change}
        error={email.error}
        autoFocus
      />
      <PasswordField value={password.value} onChange={password.change} error={password.error} autoComplete="current-password" />
      <div className="-mt-2 text-right">
        <Link to="/forgot-password" state={{ email: email.value.trim() }} className="link link-primary text-sm">
          Forgot password?
        </Link>
      </div>
      <SubmitButton busy={busy}>Log in</SubmitButton>
    </form>
  );
}

export function SignupForm() {
  const navigate = useNavigate();
  const fullName = useCheckedValue("", nameProblem);
  const email = useCheckedValue("", emailProblem);
  const password = useCheckedValue("", passwordProblem);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    if (!allRight(form, [["fullName", fullName], ["email", email], ["password", password]])) return;
    setBusy(true);
    // The honeypot: people never see it; a form-filling bot fills it and is refused.
    const website = new FormData(form).get("website");
    const ok = await signup({
      fullName: fullName.value.trim(),
      email: email.value.trim(),
      password: password.value,
      ...(website ? { website: String(website) } : {}),
    });
    setBusy(false);
    if (ok) navigate("/chat", { replace: true });
  }

  return (
    <form className="space-y-5" onSubmit={submit} noValidate aria-label="Create account">
      <Field
        label="Full name"
        icon={<UserIcon className="size-4" />}
        type="text"
        name="fullName"
        autoComplete="name"
        placeholder="Ada Lovelace"
        value={fullName.value}
        onChange={fullName.change}
        error={fullName.error}
        autoFocus
      />
      <Field
        label="Email"
        icon={<Mail className="size-4" />}
        type="email"
        name="email"
        autoComplete="email"
        placeholder="you@example.com"
        value={email.value}
        onChange={email.change}
        error={email.error}
      />
      <PasswordField value={password.value} onChange={password.change} error={password.error} autoComplete="new-password" />
      <SubmitButton busy={busy}>Create account</SubmitButton>
      <div aria-hidden="true" className="sr-only">
        <label>
          Website
          <input type="text" name="website" tabIndex={-1} autoComplete="off" defaultValue="" />
        </label>
      </div>
    </form>
  );
}
