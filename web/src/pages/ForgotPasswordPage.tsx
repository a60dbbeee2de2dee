import { MailCheck, Mail } from "lucide-react";
import { type FormEvent, useState } from "react";
import { Link, useLocation } from "react-router";
import { AuthLayout } from "../features/auth/AuthLayout";
import { Field, SubmitButton } from "../features/auth/AuthForms";
import { requestResetLink } from "../features/auth/passwordReset";

function emailFrom(state: unknown): string {
  const email = (state as { email?: unknown } | null)?.email;
  return typeof email === "string" ? email : "";
}

export default function ForgotPasswordPage() {
  const location = useLocation();
  const [email, setEmail] = useState(() => emailFrom(location.state));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    const result = await requestResetLink(email);
    setBusy(false);
    if (result.ok) {
      setError(null);
      setSent(result.message);
    } else {
      setError(result.error);
    }
  }

  const footer = (
    <>
      Remembered it?{" "}
      <Link to="/login" className="link link-primary font-medium">
        Back to log in
      </Link>
    </>
  );

  if (sent !== null) {
    return (
      <AuthLayout title="Check your inbox" subtitle="The link works once, for a little while." footer={footer}>
        <div className="space-y-5" data-testid="reset-link-sent">
          <div className="flex items-start gap-3 rounded-box bg-success/10 p-4 text-sm" role="status">
            <MailCheck className="mt-0.5 size-5 shrink-0 text-success" aria-hidden="true" />
            <p>{sent}</p>
          </div>
          <p className="text-sm text-base-content/70">
            Nothing after a few minutes? Look in your spam folder, or{" "}
            <button type="button" className="link link-primary" onClick={() => setSent(null)}>
              try another address
            </button>
            .
          </p>
        </div>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout
      title="Forgot your password?"
      subtitle="Enter the email you signed up with and we will send you a link to choose a new one."
      footer={footer}
    >
      <form className="space-y-5" onSubmit={submit} noValidate aria-label="Reset password">
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
        {error && (
          <p className="text-sm text-error" role="alert">
            {error}
          </p>
        )}
        <SubmitButton busy={busy}>Send reset link</SubmitButton>
      </form>
    </AuthLayout>
  );
}
