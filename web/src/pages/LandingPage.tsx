import { BellRing, ImageIcon, Server, Zap } from "lucide-react";
import { Link } from "react-router";
import { Logo } from "../components/ui/Logo";

const FEATURES = [
  { icon: Zap, title: "Instant", text: "Messages arrive the moment they are sent, in every open tab." },
  { icon: BellRing, title: "Nothing missed", text: "Unread badges, sounds and catch-up after a lost connection." },
  { icon: ImageIcon, title: "Pictures", text: "Share photos right inside the conversation." },
  { icon: Server, title: "Yours", text: "Self-hosted: one command on a laptop, or many servers." },
] as const;

export default function LandingPage() {
  return (
    <div className="min-h-dvh bg-base-100">
      <header className="mx-auto flex max-w-6xl items-center justify-between px-6 py-5">
        <Logo />
        <nav className="flex items-center gap-2" aria-label="Account">
          <Link to="/login" className="btn btn-ghost">
            Log in
          </Link>
          <Link to="/signup" className="btn btn-primary">
            Sign up
          </Link>
        </nav>
      </header>

      <main className="mx-auto max-w-6xl px-6">
        <section className="grid items-center gap-12 py-12 lg:grid-cols-2 lg:py-20">
          <div>
            <span className="badge badge-primary badge-soft mb-5">Self-hosted · real-time</span>
            <h1 className="text-4xl font-extrabold leading-tight tracking-tight sm:text-5xl">
              Conversations that feel <span className="text-primary">instant</span>.
            </h1>
            <p className="mt-5 max-w-lg text-lg text-base-content/70">
              SocketSpace is a fast, friendly chat you run on your own server. See who is online,
              talk one-to-one, share pictures — and never lose a message to a flaky network.
            </p>
            <div className="mt-8 flex flex-wrap gap-3">
              <Link to="/signup" className="btn btn-primary btn-lg">
                Get started — it’s free
              </Link>
              <Link to="/login" className="btn btn-outline btn-lg">
                I have an account
              </Link>
            </div>
          </div>

          <div className="mockup-window border border-base-300 bg-base-200 shadow-xl" aria-hidden="true">
            <div className="space-y-2 bg-base-100 p-6">
              <div className="chat chat-start">
                <div className="chat-header text-xs opacity-60">Grace</div>
                <div className="chat-bubble">Did the deploy go out?</div>
              </div>
              <div className="chat chat-end">
                <div className="chat-bubble chat-bubble-primary">Five minutes ago. Zero downtime.</div>
                <div className="chat-footer text-xs opacity-60">Seen</div>
              </div>
              <div className="chat chat-start">
                <div className="chat-bubble">You’re a legend.</div>
              </div>
            </div>
          </div>
        </section>

        <section className="grid gap-4 pb-20 sm:grid-cols-2 lg:grid-cols-4" aria-label="Features">
          {FEATURES.map(({ icon: Icon, title, text }) => (
            <div key={title} className="card border border-base-300 bg-base-100">
              <div className="card-body">
                <span className="grid size-10 place-items-center rounded-xl bg-primary/10 text-primary">
                  <Icon className="size-5" aria-hidden="true" />
                </span>
                <h2 className="card-title text-base">{title}</h2>
                <p className="text-sm text-base-content/70">{text}</p>
              </div>
            </div>
          ))}
        </section>
      </main>
    </div>
  );
}
