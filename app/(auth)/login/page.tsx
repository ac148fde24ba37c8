import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { safeCallbackPath } from '@/lib/access';
import { getCurrentUser } from '@/lib/auth/session';
import { LoginForm } from './login-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string | string[] }>;
}) {
  if (await getCurrentUser()) redirect('/');
  const { callbackUrl } = await searchParams;
  // Only paths of this origin (lib/access.ts rule 11): never send a user to another site after
  // sign-in. A repeated parameter arrives as an array and is simply not followed.
  const host = (await headers()).get('host') ?? 'localhost';
  const next = safeCallbackPath(callbackUrl, `http://${host}`);
  return (
    <>
      <h1 className="text-xl font-semibold">Sign in to the CRM</h1>
      <p className="mt-1 text-sm text-slate-500">Use your work e-mail and password.</p>
      <LoginForm next={next} />
    </>
  );
}
