import Link from 'next/link';
import { buttonClasses } from './button';

/** A full-page message (403, 404, a crash): the code, what happened, and a way back. */
export function StatusPage({
  code,
  title,
  children,
  action,
}: {
  code: string;
  title: string;
  children?: React.ReactNode;
  /** Defaults to a link back to the app's start page. */
  action?: React.ReactNode;
}) {
  return (
    <div className="mx-auto flex min-h-[60vh] max-w-md flex-col items-center justify-center gap-4 p-8 text-center">
      <p className="text-sm font-semibold tracking-wide text-rose-700">{code}</p>
      <h1 className="text-2xl font-semibold">{title}</h1>
      {children && <div className="text-slate-600">{children}</div>}
      {action ?? (
        <Link href="/" className={buttonClasses('primary')}>
          Back to the app
        </Link>
      )}
    </div>
  );
}
