interface LogoProps {
  className?: string;
  withName?: boolean;
}

export function Logo({ className = "size-9", withName = true }: LogoProps) {
  return (
    <span className="inline-flex items-center gap-2.5">
      <svg viewBox="0 0 64 64" className={className} aria-hidden="true">
        <rect width="64" height="64" rx="18" className="fill-primary" />
        <path
          d="M18 22a6 6 0 0 1 6-6h16a6 6 0 0 1 6 6v12a6 6 0 0 1-6 6h-9l-8 7v-7h-5a6 6 0 0 1-6-6z"
          className="fill-primary-content"
        />
        <circle cx="26" cy="28" r="2.5" className="fill-primary" />
        <circle cx="32" cy="28" r="2.5" className="fill-primary" />
        <circle cx="38" cy="28" r="2.5" className="fill-primary" />
      </svg>
      {withName && <span className="text-lg font-bold tracking-tight">SocketSpace</span>}
    </span>
  );
}
