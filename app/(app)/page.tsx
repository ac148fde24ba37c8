import { redirect } from 'next/navigation';
import { canOpenAdminPages } from '@/lib/access';
import { requireUser } from '@/lib/auth/session';

export default async function HomePage() {
  const user = await requireUser();
  redirect(canOpenAdminPages(user) ? '/admin/api-keys' : '/settings/api');
}
