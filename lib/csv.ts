/**
 * One CSV line (RFC 4180): fields with commas, quotes or line breaks are quoted, quotes doubled.
 * Cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) get a leading apostrophe:
 * audit data holds text chosen by users and scripts (key names, user agents), and opening an export
 * must never execute it (CSV injection).
 */
export function csvLine(fields: readonly unknown[]): string {
  return fields.map(csvField).join(',') + '\r\n';
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text =
    value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : JSON.stringify(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
