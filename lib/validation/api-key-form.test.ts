import { describe, expect, it } from 'vitest';
import { fieldErrorsFromZod } from '@/lib/errors';
import { createApiKeySchema, updateApiKeySchema } from './api-keys';
import { expiryDateInputValue, formFieldErrors, readApiKeyForm } from './api-key-form';

const ORG = '0b9a3c4e-9a59-4c8f-8d55-2f1f6f1b2a10';
const OTHER = '6d2b0f8e-1c3d-4e5f-8a9b-0c1d2e3f4a5b';

function form(entries: [string, string][]): FormData {
  const data = new FormData();
  for (const [k, v] of entries) data.append(k, v);
  return data;
}

function future(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

describe('the admin key form against the API schemas', () => {
  it('reads a complete create form into valid input', () => {
    const input = readApiKeyForm(
      form([
        ['name', ' Billing sync '],
        ['description', 'Nightly export'],
        ['expiry_date', future(90)],
        ['permissions', 'customers:read'],
        ['permissions', 'customers:write'],
        ['tenants_mode', 'list'],
        ['tenants', ORG],
      ]),
      'create',
    );
    const parsed = createApiKeySchema.parse(input);
    expect(parsed).toMatchObject({
      name: 'Billing sync',
      description: 'Nightly export',
      permissions: ['customers:read', 'customers:write'],
      tenants: [ORG],
    });
    expect(parsed.expiry_date).toBeInstanceOf(Date);
  });

  it('reports every invalid field by name: empty name, no permission, past date, no tenant', () => {
    const result = createApiKeySchema.safeParse(
      readApiKeyForm(
        form([
          ['name', '  '],
          ['expiry_date', '2020-01-01'],
          ['tenants_mode', 'list'],
        ]),
        'create',
      ),
    );
    expect(result.success).toBe(false);
    const errors = formFieldErrors(fieldErrorsFromZod(result.error!.issues));
    expect(errors).toEqual({
      name: ['Enter a name.'],
      expiry_date: ['The expiry date must be in the future.'],
      permissions: ['Choose at least one permission.'],
      tenants: ['Choose "all" or a list of organisation ids.'],
    });
  });

  it('refuses unknown permissions and write on read-only analytics', () => {
    const result = createApiKeySchema.safeParse(
      readApiKeyForm(
        form([
          ['name', 'x'],
          ['permissions', 'analytics:write'],
          ['tenants', ORG],
        ]),
        'create',
      ),
    );
    expect(result.success).toBe(false);
    expect(formFieldErrors(fieldErrorsFromZod(result.error!.issues)).permissions).toEqual([
      'Unknown permission: analytics:write.',
    ]);
  });

  it('never makes write imply read', () => {
    const parsed = createApiKeySchema.parse(
      readApiKeyForm(
        form([
          ['name', 'x'],
          ['permissions', 'leads:write'],
          ['tenants', ORG],
        ]),
        'create',
      ),
    );
    expect(parsed.permissions).toEqual(['leads:write']);
  });

  it('maps "All tenants", empty expiry (no expiry) and the owner organisation', () => {
    const parsed = createApiKeySchema.parse(
      readApiKeyForm(
        form([
          ['name', 'x'],
          ['permissions', 'admin'],
          ['tenants_mode', 'all'],
          ['tenants', OTHER],
          ['expiry_date', ''],
          ['organisation_id', ORG],
        ]),
        'create',
      ),
    );
    expect(parsed).toMatchObject({ tenants: 'all', expiry_date: null, organisation_id: ORG });
  });

  it('on edit, leaves the tenants alone when the form does not offer them', () => {
    const input = readApiKeyForm(
      form([
        ['name', 'x'],
        ['permissions', 'leads:read'],
      ]),
      'update',
    );
    expect('tenants' in input).toBe(false);
    expect(updateApiKeySchema.parse(input).tenants).toBeUndefined();
  });

  it('ignores fields the form does not know, and organisation_id on edit', () => {
    const input = readApiKeyForm(
      form([
        ['name', 'x'],
        ['permissions', 'leads:read'],
        ['tenants_mode', 'list'],
        ['tenants', ORG],
        ['key_hash', 'abc'],
        ['status', 'active'],
        ['organisation_id', OTHER],
      ]),
      'update',
    );
    expect(Object.keys(input).sort()).toEqual([
      'description',
      'expiry_date',
      'name',
      'permissions',
      'tenants',
    ]);
    expect(updateApiKeySchema.safeParse(input).success).toBe(true);
  });

  it('on edit, leaves an unchanged (even past) expiry alone and validates a changed one', () => {
    const unchanged = readApiKeyForm(
      form([
        ['name', 'x'],
        ['permissions', 'leads:read'],
        ['tenants', ORG],
        ['expiry_date', '2020-01-01'],
        ['expiry_date_initial', '2020-01-01'],
      ]),
      'update',
    );
    expect('expiry_date' in unchanged).toBe(false);
    expect(updateApiKeySchema.safeParse(unchanged).success).toBe(true);
    const changed = readApiKeyForm(
      form([
        ['name', 'x'],
        ['permissions', 'leads:read'],
        ['tenants', ORG],
        ['expiry_date', '2021-01-01'],
        ['expiry_date_initial', '2020-01-01'],
      ]),
      'update',
    );
    expect(updateApiKeySchema.safeParse(changed).success).toBe(false);
    const cleared = readApiKeyForm(
      form([
        ['name', 'x'],
        ['permissions', 'leads:read'],
        ['tenants', ORG],
        ['expiry_date', ''],
        ['expiry_date_initial', '2020-01-01'],
      ]),
      'update',
    );
    expect(cleared.expiry_date).toBeNull();
  });

  it('shows a stored expiry as the last day the key works, the day that was picked', () => {
    const picked = createApiKeySchema.parse({
      name: 'x',
      permissions: ['leads:read'],
      tenants: [ORG],
      expiry_date: '2099-03-04',
    });
    expect(expiryDateInputValue(picked.expiry_date!)).toBe('2099-03-04');
    expect(expiryDateInputValue(new Date('2027-03-05T09:30:00Z'))).toBe('2027-03-05');
    expect(expiryDateInputValue(null)).toBe('');
  });

  it('reads the Protected checkbox of the edit form: ticked, unticked, or absent (unchanged)', () => {
    const base: [string, string][] = [
      ['name', 'x'],
      ['permissions', 'customers:read'],
    ];
    const read = (extra: [string, string][]) =>
      updateApiKeySchema.parse(readApiKeyForm(form([...base, ...extra]), 'update')).protected;
    expect(
      read([
        ['protected_field', '1'],
        ['protected', 'on'],
      ]),
    ).toBe(true);
    expect(read([['protected_field', '1']])).toBe(false);
    expect(read([])).toBeUndefined();
  });
});
