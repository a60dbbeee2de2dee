import { Logo } from "./Logo";

export function FullScreenLoader({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="flex h-full min-h-dvh flex-col items-center justify-center gap-6 bg-base-200" role="status" aria-live="polite">
      <Logo className="size-14" withName={false} />
      <span className="loading loading-dots loading-lg text-primary" aria-hidden="true" />
      <span className="sr-only">{label}</span>
    </div>
  );
}
