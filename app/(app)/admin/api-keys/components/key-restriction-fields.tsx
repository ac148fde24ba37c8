import { FieldError, inputClasses } from '@/components/ui/field';

/** The key form's IP allowlist and rate limit: plain fields, read by lib/validation/api-key-form.ts. */
export function KeyRestrictionFields({
  idPrefix,
  allowedIps,
  rateLimitPerMinute,
  errors,
}: {
  idPrefix: string;
  allowedIps: string[] | null;
  rateLimitPerMinute: number | null;
  errors: Record<string, string[]>;
}) {
  const err = (field: string) => (errors[field]?.length ? `${idPrefix}-${field}-error` : undefined);
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <div>
        <label htmlFor={`${idPrefix}-allowed-ips`} className="block text-sm font-medium text-slate-700">
          Allowed IP addresses <span className="font-normal text-slate-600">(optional)</span>
        </label>
        <textarea
          id={`${idPrefix}-allowed-ips`}
          name="allowed_ips"
          rows={3}
          defaultValue={(allowedIps ?? []).join('\n')}
          aria-invalid={errors.allowed_ips ? true : undefined}
          aria-describedby={[`${idPrefix}-allowed-ips-hint`, err('allowed_ips')].filter(Boolean).join(' ')}
          className={`mt-1 font-mono ${inputClasses}`}
          placeholder={'203.0.113.7\n2001:db8::/32'}
        />
        <p id={`${idPrefix}-allowed-ips-hint`} className="mt-1 text-xs text-slate-600">
          One address or CIDR range a line. Empty: the key works from anywhere.
        </p>
        <FieldError id={`${idPrefix}-allowed_ips-error`} errors={errors.allowed_ips} />
      </div>
      <div>
        <label htmlFor={`${idPrefix}-rate-limit`} className="block text-sm font-medium text-slate-700">
          Rate limit <span className="font-normal text-slate-600">(requests a minute, optional)</span>
        </label>
        <input
          id={`${idPrefix}-rate-limit`}
          name="rate_limit_per_minute"
          type="number"
          min={1}
          inputMode="numeric"
          defaultValue={rateLimitPerMinute ?? ''}
          aria-invalid={errors.rate_limit_per_minute ? true : undefined}
          aria-describedby={[`${idPrefix}-rate-limit-hint`, err('rate_limit_per_minute')]
            .filter(Boolean)
            .join(' ')}
          className={`mt-1 w-44 ${inputClasses}`}
          placeholder="No limit"
        />
        <p id={`${idPrefix}-rate-limit-hint`} className="mt-1 text-xs text-slate-600">
          Counted across all servers; past it, requests get 429 until the minute is up. Empty: no limit.
        </p>
        <FieldError id={`${idPrefix}-rate_limit_per_minute-error`} errors={errors.rate_limit_per_minute} />
      </div>
    </div>
  );
}
