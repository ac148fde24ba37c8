import Link from 'next/link';
import { formatDateTime } from '@/lib/format';

type Notice = {
  kind: 'expiring' | 'unused' | 'leaked' | 'rotation_in_use';
  keyId: string;
  keyName: string;
  visibleId: string;
  at: Date | null;
};

const TEXT: Record<Notice['kind'], (n: Notice) => string> = {
  leaked: (n) => `reported leaked ${formatDateTime(n.at)} and revoked`,
  rotation_in_use: (n) => `old secret still in use; the overlap ends ${formatDateTime(n.at)}`,
  expiring: (n) => `expires ${formatDateTime(n.at)}`,
  unused: (n) => `unused since ${formatDateTime(n.at, 'it was created')}`,
};

/** The admins' bell in the header: a count, and the list on a click (no script needed). */
export function NotificationBell({ notices }: { notices: Notice[] }) {
  return (
    <details className="relative">
      <summary
        className="relative flex cursor-pointer list-none items-center rounded-md p-1.5 text-slate-600 hover:bg-slate-100"
        aria-label={`Notifications: ${notices.length}`}
      >
        <svg
          aria-hidden
          viewBox="0 0 24 24"
          className="h-5 w-5"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
        >
          <path d="M18 8a6 6 0 1 0-12 0c0 7-3 9-3 9h18s-3-2-3-9M13.7 21a2 2 0 0 1-3.4 0" />
        </svg>
        {notices.length > 0 && (
          <span
            data-testid="notification-count"
            className="absolute -top-1 -right-1 rounded-full bg-rose-600 px-1.5 text-xs font-semibold text-white"
          >
            {notices.length}
          </span>
        )}
      </summary>
      <div className="absolute right-0 z-20 mt-2 w-96 rounded-xl border border-slate-200 bg-surface p-3 text-sm shadow-lg">
        {notices.length === 0 ? (
          <p className="text-slate-600">Nothing needs your attention.</p>
        ) : (
          <ul className="max-h-96 space-y-2 overflow-y-auto">
            {notices.map((n) => (
              <li key={`${n.kind}-${n.keyId}`}>
                <Link
                  href={`/admin/api-keys/${n.keyId}`}
                  className="font-medium text-indigo-700 hover:underline"
                >
                  {n.keyName}
                </Link>{' '}
                <span className="font-mono text-xs text-slate-600">{n.visibleId}</span>
                <span className="block text-slate-600">{TEXT[n.kind](n)}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </details>
  );
}
