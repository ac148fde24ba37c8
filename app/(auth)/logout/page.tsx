import type { Metadata } from 'next';
import { LogoutButton } from './logout-button';

export const metadata: Metadata = { title: 'Sign out' };

export default function LogoutPage() {
  return (
    <>
      <h1 className="text-xl font-semibold">Sign out</h1>
      <p className="mt-1 text-sm text-slate-600">You will need your password to sign in again.</p>
      <LogoutButton />
    </>
  );
}
