import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/auth/session';
import { LoginForm } from './login-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string }>;
}) {
  if (await getCurrentUser()) redirect('/');
  const { callbackUrl } = await searchParams;
  // Only same-site paths: never send a user to another site after sign-in.
  const next = callbackUrl?.startsWith('/') && !callbackUrl.startsWith('//') ? callbackUrl : '/';
  return (
    <>
      <h1 className="text-xl font-semibold">Sign in to the CRM</h1>
      <p className="mt-1 text-sm text-slate-600">Use your work e-mail and password.</p>
      <LoginForm next={next} />
    </>
  );
}
