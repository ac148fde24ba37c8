'use client';

import { signOut } from 'next-auth/react';
import { useState } from 'react';

export function LogoutButton() {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      disabled={pending}
      onClick={() => {
        setPending(true);
        // The API docs keep the key pasted into Authorize (persistAuthorization) in this browser's
        // localStorage under "authorized": signing out must not leave a key behind.
        window.localStorage.removeItem('authorized');
        void signOut({ callbackUrl: '/login' });
      }}
      className="mt-6 w-full rounded-md bg-slate-900 px-4 py-2 text-sm font-semibold text-white hover:bg-slate-700 disabled:opacity-60"
    >
      {pending ? 'Signing out…' : 'Sign out'}
    </button>
  );
}
