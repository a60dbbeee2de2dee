import type { ReactNode } from "react";
import { Link } from "react-router";
import { Logo } from "../../components/ui/Logo";

interface AuthLayoutProps {
  title: string;
  subtitle: string;
  children: ReactNode;
  footer: ReactNode;
}

/** Form on one side, a calm preview of the product on the other (hidden on phones). */
export function AuthLayout({ title, subtitle, children, footer }: AuthLayoutProps) {
  return (
    <div className="grid min-h-dvh bg-base-100 lg:grid-cols-2">
      <main className="flex flex-col px-6 py-8 sm:px-12">
        <Link to="/" className="w-fit rounded-lg" aria-label="SocketSpace home">
          <Logo />
        </Link>
        <div className="mx-auto flex w-full max-w-sm flex-1 flex-col justify-center py-10">
          <h1 className="text-3xl font-bold tracking-tight">{title}</h1>
          <p className="mt-2 text-base-content/70">{subtitle}</p>
          <div className="mt-8">{children}</div>
          <p className="mt-8 text-center text-sm text-base-content/70">{footer}</p>
        </div>
      </main>
      <aside className="relative hidden overflow-hidden bg-primary lg:flex lg:items-center lg:justify-center" aria-hidden="true">
        <div className="absolute -top-24 -right-24 size-96 rounded-full bg-primary-content/10" />
        <div className="absolute -bottom-32 -left-16 size-80 rounded-full bg-primary-content/10" />
        <div className="relative w-full max-w-md space-y-3 px-10">
          <div className="chat chat-start">
            <div className="chat-bubble bg-white text-slate-800 shadow-lg">Are we still on for tonight?</div>
          </div>
          <div className="chat chat-end">
            <div className="chat-bubble bg-black/25 text-primary-content shadow-lg backdrop-blur">Yes! 7:30 at the usual place.</div>
          </div>
          <div className="chat chat-start">
            <div className="chat-bubble bg-white text-slate-800 shadow-lg">Perfect, see you there.</div>
          </div>
          <p className="pt-8 text-center text-2xl font-semibold text-primary-content">Real-time chat you host yourself.</p>
          <p className="text-center text-primary-content">Instant delivery, presence and read receipts — on your own server.</p>
        </div>
      </aside>
    </div>
  );
}
