/** Dates as the pages show them: in UTC, the same on the server and in the browser (no hydration drift). */
export function formatDateTime(value: Date | string | null | undefined, empty = 'Never'): string {
  if (!value) return empty;
  const d = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(d.getTime())) return empty;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
