/**
 * Usage counting. Every key check on /crm/* reports here; the usage issue turns this into in-memory
 * hourly counters flushed in batches and a bounded access log.
 */
export type KeyCheckEvent = {
  keyId: string;
  organisationId: string | null;
  outcome: 'success' | 'denied' | 'rate_limited';
  status: number;
  method: string;
  path: string;
  ip: string | null;
  userAgent: string | null;
  latencyMs: number;
  at: Date;
};

export function recordKeyCheck(event: KeyCheckEvent): void {
  void event;
}
