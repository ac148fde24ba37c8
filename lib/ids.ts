/**
 * THE id check: every record id is a UUID, written out as PostgreSQL prints it. Anything else is
 * answered "not found" (or 400 for a header) before it can reach a query, where it would be an error.
 */
/** A UUID's text (case-insensitive), for patterns that match an id among other things. */
export const UUID_PATTERN = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const UUID = new RegExp(`^${UUID_PATTERN}$`, 'i');

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
