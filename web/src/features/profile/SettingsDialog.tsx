import { LogOut } from "lucide-react";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import toast from "react-hot-toast";
import { changePassword, updateProfile } from "../../api/auth";
import { errorMessage } from "../../api/http";
import { Dialog } from "../../components/ui/Dialog";
import { NAME_MAX, nameProblem, newPasswordProblem, PASSWORD_MAX } from "../../lib/validation";
import { useAuthStore } from "../../store/auth";
import { BlockedList } from "./BlockedList";

function Field({
  label,
  children,
}: {
  label: string;
  children: (id: string) => ReactNode;
}) {
  const id = useId();
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      {children(id)}
    </div>
  );
}

function NameForm() {
  const user = useAuthStore((s) => s.user);
  const [name, setName] = useState(user?.fullName ?? "");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problem = nameProblem(name);
    setError(problem);
    if (problem) return;
    setBusy(true);
    try {
      useAuthStore.getState().signedIn(await updateProfile({ fullName: name.trim() }));
      toast.success("Name saved");
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="space-y-3" onSubmit={submit} noValidate aria-label="Your name">
      <Field label="Full name">
        {(id) => (
          <input
            id={id}
            className="input w-full"
            value={name}
            maxLength={NAME_MAX}
            autoComplete="name"
            onChange={(e) => setName(e.target.value)}
          />
        )}
      </Field>
      {error && (
        <p className="text-sm text-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="btn btn-primary btn-sm" disabled={busy || name.trim() === user?.fullName}>
        {busy && <span className="loading loading-spinner loading-xs" aria-hidden="true" />}
        Save name
      </button>
    </form>
  );
}

function PasswordForm() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problem = current ? newPasswordProblem(next, confirm) : "Enter your current password.";
    setError(problem);
    if (problem) return;
    setBusy(true);
    try {
      toast.success(await changePassword(current, next));
      setCurrent("");
      setNext("");
      setConfirm("");
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const input = (id: string, value: string, set: (v: string) => void, autoComplete: string) => (
    <input
      id={id}
      type="password"
      className="input w-full"
      value={value}
      maxLength={PASSWORD_MAX}
      autoComplete={autoComplete}
      onChange={(e) => set(e.target.value)}
    />
  );

  return (
    <form className="space-y-3" onSubmit={submit} noValidate aria-label="Change password">
      <Field label="Current password">{(id) => input(id, current, setCurrent, "current-password")}</Field>
      <Field label="New password">{(id) => input(id, next, setNext, "new-password")}</Field>
      <Field label="Confirm new password">{(id) => input(id, confirm, setConfirm, "new-password")}</Field>
      {error && (
        <p className="text-sm text-error" role="alert">
          {error}
        </p>
      )}
      <p className="text-xs text-base-content/70">Your other devices and browsers will be logged out.</p>
      <button type="submit" className="btn btn-primary btn-sm" disabled={busy}>
        {busy && <span className="loading loading-spinner loading-xs" aria-hidden="true" />}
        Change password
      </button>
    </form>
  );
}

interface SettingsDialogProps {
  onClose: () => void;
  onLogoutEverywhere: () => void;
}

/** Name, password, the people I blocked, and ending every session. */
export function SettingsDialog({ onClose, onLogoutEverywhere }: SettingsDialogProps) {
  const email = useAuthStore((s) => s.user?.email);
  return (
    <Dialog title="Settings" onClose={onClose}>
      <div className="space-y-6">
        <section className="space-y-3">
          <h3 className="text-sm font-semibold tracking-wide text-base-content/70 uppercase">Profile</h3>
          <p className="text-sm text-base-content/70">
            Signed in as <span className="font-medium text-base-content">{email}</span>
          </p>
          <NameForm />
        </section>
        <section className="space-y-3 border-t border-base-300 pt-5">
          <h3 className="text-sm font-semibold tracking-wide text-base-content/70 uppercase">Password</h3>
          <PasswordForm />
        </section>
        <section className="space-y-2 border-t border-base-300 pt-5">
          <h3 className="text-sm font-semibold tracking-wide text-base-content/70 uppercase">Blocked people</h3>
          <BlockedList />
        </section>
        <section className="space-y-2 border-t border-base-300 pt-5">
          <h3 className="text-sm font-semibold tracking-wide text-base-content/70 uppercase">Sessions</h3>
          <p className="text-sm text-base-content/70">
            Lost a phone or used a shared computer? End every session, this one too.
          </p>
          <button type="button" className="btn btn-error btn-outline btn-sm" onClick={onLogoutEverywhere}>
            <LogOut className="size-4" aria-hidden="true" /> Log out everywhere
          </button>
        </section>
      </div>
    </Dialog>
  );
}
