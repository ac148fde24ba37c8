import 'server-only';
import { getServerSession } from 'next-auth';
import { headers } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { getReadyDatabase } from '@/db/bootstrap';
import { findUserWithOrganisation } from '@/db/queries/users';
import { canOpenAdminPages, canOpenSuperadminPages } from '@/lib/access';
import type { Actor, RequestContext } from '@/lib/actor';
import { clientAddress } from '@/lib/api/client-address';
import { authOptions } from './options';

export type CurrentUser = NonNullable<Awaited<ReturnType<typeof findUserWithOrganisation>>>;

/** The signed-in user, re-read from the database so a demotion or a disable applies at once. */
export async function getCurrentUser(): Promise<CurrentUser | null> {
  const session = await getServerSession(authOptions());
  const id = (session?.user as { id?: string } | undefined)?.id;
  if (!id) return null;
  await getReadyDatabase();
  const user = await findUserWithOrganisation({ id });
  if (!user || user.disabledAt) return null;
  return user;
}

/** For pages: the user, or a redirect to sign-in. */
export async function requireUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect('/login');
  return user;
}

/** For admin pages: a signed-in admin or superadmin (lib/access.ts decides); anyone else gets the 403 page. */
export async function requireAdmin(): Promise<CurrentUser> {
  const user = await requireUser();
  if (!canOpenAdminPages(user)) forbidden();
  return user;
}

export async function requireSuperadmin(): Promise<CurrentUser> {
  const user = await requireUser();
  if (!canOpenSuperadminPages(user)) forbidden();
  return user;
}

export function actorFromUser(user: CurrentUser): Actor {
  return {
    type: 'user',
    userId: user.id,
    organisationId: user.organisationId,
    role: user.role,
    label: user.email,
  };
}

/** IP and user agent of the current request, for the audit trail. */
export function contextFromHeaders(h: Headers): RequestContext {
  return { ip: clientAddress(h), userAgent: h.get('user-agent') };
}

export async function currentRequestContext(): Promise<RequestContext> {
  return contextFromHeaders(await headers());
}
