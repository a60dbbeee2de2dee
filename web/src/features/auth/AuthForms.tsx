import { Eye, EyeOff, Lock, Mail, User as UserIcon } from "lucide-react";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import { Link, useNavigate } from "react-router";
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
}

export function Field({ label, icon, trailing, onChange, ...input }: FieldProps) {
  const id = useId();
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <label className="input input-lg w-full">
        <span className="text-base-content/70" aria-hidden="true">
          {icon}
        </span>
        <input id={id} className="grow" onChange={(e) => onChange(e.target.value)} {...input} />
        {trailing}
      </label>
    </div>
  );
}

interface PasswordFieldProps {
  value: string;
  onChange: (v: string) => void;
  autoComplete: string;
  label?: string;
  name?: string;
  autoFocus?: boolean;
}

export function PasswordField({ value, onChange, autoComplete, label = "Password", name = "password", autoFocus }: PasswordFieldProps) {
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
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    const ok = await login({ email: email.trim(), password });
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
        value={email}
        onChange={setEmail}
        autoFocus
      />
      <PasswordField value={password} onChange={setPassword} autoComplete="current-password" />
      <div className="-mt-2 text-right">
        <Link to="/forgot-password" state={{ email: email.trim() }} className="link link-primary text-sm">
          Forgot password?
        </Link>
      </div>
      <SubmitButton busy={busy}>Log in</SubmitButton>
    </form>
  );
}

export function SignupForm() {
  const navigate = useNavigate();
  const [fullName, setFullName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    // The honeypot: people never see it; a form-filling bot fills it and is refused.
    const website = new FormData(event.currentTarget as HTMLFormElement).get("website");
    const ok = await signup({
      fullName: fullName.trim(),
      email: email.trim(),
      password,
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
        value={fullName}
        onChange={setFullName}
        autoFocus
      />
      <Field
        label="Email"
        icon={<Mail className="size-4" />}
        type="email"
        name="email"
        autoComplete="email"
        placeholder="you@example.com"
        value={email}
        onChange={setEmail}
      />
      <PasswordField value={password} onChange={setPassword} autoComplete="new-password" />
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
