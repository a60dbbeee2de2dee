import { Link } from "react-router";
import { AuthLayout } from "../features/auth/AuthLayout";
import { SignupForm } from "../features/auth/AuthForms";

export default function SignupPage() {
  return (
    <AuthLayout
      title="Create your account"
      subtitle="It takes ten seconds. Then say hello to someone."
      footer={
        <>
          Already have an account?{" "}
          <Link to="/login" className="link link-primary font-medium">
            Log in
          </Link>
        </>
      }
    >
      <SignupForm />
    </AuthLayout>
  );
}
