import Link from 'next/link';
import { formatDateTime } from '@/lib/format';

type Notice = { id: string; name: string; visibleId: string; at: Date; url: string | null };

/** The owners' banner: keys a secret scanner reported leaked (each was revoked at that moment). */
export function LeakedKeysBanner({ keys, linkKeys = true }: { keys: Notice[]; linkKeys?: boolean }) {
  if (keys.length === 0) return null;
  return (
    <div
      role="alert"
      className="rounded-xl border border-rose-300 bg-rose-50 px-5 py-4 text-sm text-rose-800"
    >
      <p className="font-semibold">
        {keys.length === 1 ? 'An API key was' : `${keys.length} API keys were`} reported leaked and revoked
      </p>
      <ul className="mt-2 space-y-1">
        {keys.map((k) => (
          <li key={k.id}>
            {linkKeys ? (
              <Link href={`/admin/api-keys/${k.id}`} className="font-medium underline">
                {k.name}
              </Link>
            ) : (
              <span className="font-medium">{k.name}</span>
            )}{' '}
            <span className="font-mono">{k.visibleId}</span> — found {formatDateTime(k.at)}
            {k.url ? <span className="break-all"> at {k.url}</span> : null}
          </li>
        ))}
      </ul>
      <p className="mt-2">Remove the secret from where it was found and give the integration a new key.</p>
    </div>
  );
}
