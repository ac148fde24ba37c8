import { formatDateTime } from '@/lib/format';

/** A key a secret scanner reported leaked: revoked at that moment; where it was found. */
export function LeakBanner({ leak }: { leak: { at: Date; url: string | null } }) {
  return (
    <div
      role="alert"
      className="rounded-xl border border-rose-300 bg-rose-50 px-6 py-4 text-sm text-rose-800"
    >
      <p className="font-semibold">This key was reported leaked and has been revoked.</p>
      <p className="mt-1">
        A secret scanner found it on {formatDateTime(leak.at)}
        {leak.url ? (
          <>
            {' '}
            at{' '}
            <a href={leak.url} className="break-all underline" rel="noreferrer noopener" target="_blank">
              {leak.url}
            </a>
          </>
        ) : null}
        . Remove it from there and give the integration a new key.
      </p>
    </div>
  );
}
