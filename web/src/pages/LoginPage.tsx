import { useEffect } from "react";
import toast from "react-hot-toast";
import { Link } from "react-router";
import { AuthLayout } from "../features/auth/AuthLayout";
import { LoginForm } from "../features/auth/AuthForms";
import { useAuthStore } from "../store/auth";

export default function LoginPage() {
  const endedReason = useAuthStore((s) => s.endedReason);
  useEffect(() => {
    if (endedReason) {
      toast.error(endedReason, { id: "session-ended" });
      useAuthStore.getState().endedReasonShown();
    }
  }, [endedReason]);

  return (
    <AuthLayout
      title="Welcome back"
      subtitle="Log in to pick up your conversations where you left them."
      footer={
        <>
          New to SocketSpace?{" "}
          <Link to="/signup" className="link link-primary font-medium">
            Create an account
          </Link>
        </>
      }
    >
      <LoginForm />
    </AuthLayout>
  );
}
