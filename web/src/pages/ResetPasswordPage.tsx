import { type FormEvent, useState } from "react";
import toast from "react-hot-toast";
import { Link, useLocation, useNavigate } from "react-router";
import { AuthLayout } from "../features/auth/AuthLayout";
import { PasswordField, SubmitButton } from "../features/auth/AuthForms";
import { resetWithLink, tokenFrom } from "../features/auth/passwordReset";

function NewLink({ text }: { text: string }) {
  return (
    <div className="space-y-4" data-testid="reset-link-problem">
      <p className="rounded-box bg-error/10 p-4 text-sm" role="alert">
        {text}
      </p>
      <Link to="/forgot-password" className="btn btn-primary btn-block">
        Send me a new link
      </Link>
    </div>
  );
}

export default function ResetPasswordPage() {
  const location = useLocation();
  const navigate = useNavigate();
  const token = tokenFrom(location.search);
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [linkProblem, setLinkProblem] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!token) return;
    setBusy(true);
    const result = await resetWithLink(token, password, confirm);
    setBusy(false);
    if (result.ok) {
      // The server's sentence says it all ("… Log in with the new one."): nothing added to repeat it.
      toast.success(result.message, { id: "password-reset" });
      navigate("/login", { replace: true });
    } else if (result.linkProblem) {
      setLinkProblem(result.error);
    } else {
      setError(result.error);
    }
  }

  const footer = (
    <Link to="/login" className="link link-primary font-medium">
      Back to log in
    </Link>
  );
  const problem = token ? linkProblem : "This page needs the link from the email, with its token.";

  return (
    <AuthLayout title="Choose a new password" subtitle="At least 6 characters. You will be logged out everywhere." footer={footer}>
      {problem ? (
        <NewLink text={problem} />
      ) : (
        <form className="space-y-5" onSubmit={submit} noValidate aria-label="Choose a new password">
          <PasswordField
            label="New password"
            name="new-password"
            value={password}
            onChange={setPassword}
            autoComplete="new-password"
            autoFocus
          />
          <PasswordField
            label="Confirm new password"
            name="confirm-password"
            value={confirm}
            onChange={setConfirm}
            autoComplete="new-password"
          />
          {error && (
            <p className="text-sm text-error" role="alert">
              {error}
            </p>
          )}
          <SubmitButton busy={busy}>Set new password</SubmitButton>
        </form>
      )}
    </AuthLayout>
  );
}
