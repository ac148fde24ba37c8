/**
 * THE date and number formats of the pages: one fixed locale and time zone (en-GB, UTC), so the
 * server render and the browser agree on every date (no hydration drift) and a date never reads in
 * US order. Dates: "27 Feb 2027"; times: "27 Feb 2027, 09:04 UTC"; relative: "in 2 weeks".
 */
type DateLike = Date | string | null | undefined;

const DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const TIME = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
});

function toDate(value: DateLike): Date | null {
  if (!value) return null;
  const d = typeof value === 'string' ? new Date(value) : value;
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "27 Feb 2027" (UTC); `empty` for no date. */
export function formatDate(value: DateLike, empty = '—'): string {
  const d = toDate(value);
  return d ? DATE.format(d) : empty;
}

/** "27 Feb 2027, 09:04 UTC"; `empty` for no date. */
export function formatDateTime(value: DateLike, empty = '—'): string {
  const d = toDate(value);
  return d ? `${DATE.format(d)}, ${TIME.format(d)} UTC` : empty;
}

/** "27 Feb 2027, 09:04:22 UTC": with seconds, for logs where order within a minute matters. */
export function formatUtc(date: Date): string {
  return `${DATE.format(date)}, ${date.toISOString().slice(11, 19)} UTC`;
}

/** "09:04": the time of day alone (UTC), for hourly chart buckets. */
export function formatTimeOfDay(date: Date): string {
  return TIME.format(date);
}

/** "2026-11-25": the value of an <input type="date"> (UTC). */
export function toDateInputValue(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** A key's expiry as the last day it works: expiry at midnight UTC means "through the day before". */
export function formatExpiry(expiresAt: Date | null | undefined): string {
  if (!expiresAt) return 'No expiry';
  return DATE.format(new Date(expiresAt.getTime() - 1));
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86400_000],
  ['month', 30 * 86400_000],
  ['week', 7 * 86400_000],
  ['day', 86400_000],
  ['hour', 3600_000],
  ['minute', 60_000],
];

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "3 minutes ago", "yesterday", "in 2 weeks"; "just now" under a minute. */
export function formatRelative(date: Date, now: Date = new Date()): string {
  const diff = date.getTime() - now.getTime();
  const abs = Math.abs(diff);
  if (abs < 60_000) return 'just now';
  for (const [unit, ms] of UNITS) {
    if (abs >= ms) return relative.format(Math.trunc(diff / ms), unit);
  }
  return 'just now';
}

const number = new Intl.NumberFormat('en');
export function formatCount(n: number): string {
  return number.format(n);
}
