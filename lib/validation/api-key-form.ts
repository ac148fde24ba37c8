import type { FieldErrors } from '@/lib/errors';
import { toDateInputValue } from '@/lib/format';

/**
 * The admin pages' key form, read from FormData into the plain object the zod schemas of
 * lib/validation/api-keys.ts validate. Only known fields are read, so a tampered form meets the
 * same rules as the HTTP API (the schemas are strict, and the service checks tenants and scope).
 *
 * Fields: name, description, expiry_date ("YYYY-MM-DD", empty = no expiry), permissions (repeated),
 * tenants_mode ("all" | "list") with tenants (repeated organisation ids), organisation_id (create,
 * superadmins), protected (edit: a checkbox, with protected_field marking that the form has it). On edit, a form without tenants_mode leaves the tenants as they are, and expiry_date_initial carries the date the form was opened with: an
 * unchanged date is not sent, so saving a key whose expiry already passed does not fail.
 */
export function readApiKeyForm(formData: FormData, mode: 'create' | 'update'): Record<string, unknown> {
  const text = (name: string) => {
    const value = formData.get(name);
    return typeof value === 'string' ? value : undefined;
  };
  const list = (name: string) =>
    formData.getAll(name).filter((v): v is string => typeof v === 'string' && v !== '');

  const input: Record<string, unknown> = {
    name: text('name') ?? '',
    description: text('description') ?? '',
    permissions: list('permissions'),
  };
  // An edit form without tenants_mode leaves the tenants alone (an admin editing an "all tenants"
  // key a superadmin made); a create form always says which tenants.
  const tenantsMode = text('tenants_mode');
  if (mode === 'create' || tenantsMode !== undefined) {
    input.tenants = tenantsMode === 'all' ? 'all' : list('tenants');
  }
  const expiry = (text('expiry_date') ?? '').trim();
  const initial = text('expiry_date_initial');
  if (!(mode === 'update' && initial !== undefined && initial === expiry)) {
    input.expiry_date = expiry === '' ? null : expiry;
  }
  // IP allowlist: one entry a line (commas too); empty means anywhere. Rate limit: empty means none.
  const ips = text('allowed_ips');
  if (ips !== undefined) {
    input.allowed_ips = ips
      .split(/[\n,]/)
      .map((s) => s.trim())
      .filter(Boolean);
  }
  const rate = text('rate_limit_per_minute');
  if (rate !== undefined) {
    const trimmed = rate.trim();
    input.rate_limit_per_minute = trimmed === '' ? null : /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
  }
  // An edit form has the Protected checkbox (and a marker, since an unticked box sends nothing).
  if (mode === 'update' && formData.get('protected_field') !== null) {
    input.protected = formData.get('protected') === 'on';
  }
  if (mode === 'create') {
    const organisationId = text('organisation_id');
    if (organisationId) input.organisation_id = organisationId;
  }
  return input;
}

/** Field errors keyed by the form's top-level field ("tenants.0" → "tenants"); the root becomes "_". */
export function formFieldErrors(fields: FieldErrors | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [path, messages] of Object.entries(fields ?? {})) {
    const field = path.split('.')[0] || '_';
    const list = (out[field] ??= []);
    for (const m of messages) if (!list.includes(m)) list.push(m);
  }
  return out;
}

/**
 * The last day (UTC, "YYYY-MM-DD") a key works: a date chosen in the form is stored as the end of
 * that day (the next midnight), so the day shown is the one the admin picked.
 */
export function expiryDateInputValue(expiresAt: Date | null): string {
  return expiresAt ? toDateInputValue(new Date(expiresAt.getTime() - 1)) : '';
}
