'use client';

import { signOut } from 'next-auth/react';
import { useState } from 'react';
import { buttonClasses } from '@/components/ui/button';

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
      className={`mt-6 w-full ${buttonClasses('primary')}`}
    >
      {pending ? 'Signing out…' : 'Sign out'}
    </button>
  );
}
