import { formatDateTime } from '@/lib/format';
import type { RotationUsage } from '@/lib/services/key-rotation';
import { EndOverlapButton } from './end-overlap-button';

/** During an overlap: which secret callers use, so an admin sees when the old one has gone quiet. */
export function RotationPanel({ keyId, usage }: { keyId: string; usage: RotationUsage }) {
  const quiet = usage.lastHour.previous === 0;
  return (
    <section
      aria-labelledby="rotation-heading"
      className="rounded-xl border border-indigo-200 bg-indigo-50/50 p-6 shadow-sm"
    >
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h2 id="rotation-heading" className="text-lg font-semibold">
            Rotating — old secret works until {formatDateTime(usage.endsAt)}
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            Both secrets work until then. {quiet ? 'The old secret has gone quiet in the last hour.' : ''}
          </p>
        </div>
        <EndOverlapButton keyId={keyId} />
      </div>
      <dl className="mt-4 grid gap-4 text-sm sm:grid-cols-3" aria-label="Requests per secret">
        <div>
          <dt className="text-xs font-medium tracking-wide text-slate-600 uppercase">
            New secret, last hour
          </dt>
          <dd className="mt-1 text-2xl font-semibold" data-testid="requests-current">
            {usage.lastHour.current}
          </dd>
        </div>
        <div>
          <dt className="text-xs font-medium tracking-wide text-slate-600 uppercase">
            Old secret ({usage.previousVisibleId}), last hour
          </dt>
          <dd className="mt-1 text-2xl font-semibold" data-testid="requests-previous">
            {usage.lastHour.previous}
          </dd>
        </div>
        <div>
          <dt className="text-xs font-medium tracking-wide text-slate-600 uppercase">Old secret last used</dt>
          <dd className="mt-1">{formatDateTime(usage.previousLastUsedAt, 'Not since the rotation')}</dd>
        </div>
      </dl>
    </section>
  );
}
