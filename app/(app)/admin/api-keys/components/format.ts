import { expiryDateInputValue } from '@/lib/validation/api-key-form';

// One fixed locale and time zone, so the server render and the browser agree on every date.
const DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
});

export function formatDate(date: Date | null | undefined): string {
  return date ? DATE.format(date) : '—';
}

export function formatDateTime(date: Date | null | undefined): string {
  return date ? `${DATE_TIME.format(date)} UTC` : '—';
}

/** The last day a key works (see expiryDateInputValue), as "5 Mar 2027". */
export function formatExpiry(expiresAt: Date | null): string {
  if (!expiresAt) return 'No expiry';
  return DATE.format(new Date(`${expiryDateInputValue(expiresAt)}T00:00:00Z`));
}
