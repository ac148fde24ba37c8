/**
 * Who is calling: the Actor (a signed-in user, an API key, or the system itself) and the request
 * context recorded with what they do. Identity only; what an actor may do is decided in lib/access.ts.
 */
import type { UserRole } from '@/db/schema';
import type { Permission } from '@/lib/permissions';

/** Who is acting: a signed-in user, a script's API key, or the system itself. */
export type Actor =
  | { type: 'user'; userId: string; organisationId: string; role: UserRole; label: string }
  | {
      type: 'key';
      keyId: string;
      organisationId: string;
      label: string;
      permissions: Permission[];
      allTenants: boolean;
      tenantIds: string[];
      /** When the key stops working; a key never creates or extends a key past it (lib/access.ts). */
      expiresAt: Date | null;
      /** Personal keys act as their user. */
      userId: string | null;
    }
  | { type: 'system'; label: 'system' };

/** Where a change came from, for the audit trail. */
export type RequestContext = { ip?: string | null; userAgent?: string | null };
