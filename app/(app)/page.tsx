import { redirect } from 'next/navigation';
import { isAdmin, requireUser } from '@/lib/auth/session';

export default async function HomePage() {
  const user = await requireUser();
  redirect(isAdmin(user) ? '/admin/api-keys' : '/settings/api');
}
