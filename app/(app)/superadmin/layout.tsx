import { requireSuperadmin } from '@/lib/auth/session';

/** Superadmin pages: superadmins only; admins and users get the 403 page. */
export default async function SuperadminLayout({ children }: { children: React.ReactNode }) {
  await requireSuperadmin();
  return children;
}
