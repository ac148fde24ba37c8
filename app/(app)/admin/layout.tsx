import { requireAdmin } from '@/lib/auth/session';

/** Admin pages: admins and superadmins only; users get the 403 page. */
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  await requireAdmin();
  return children;
}
