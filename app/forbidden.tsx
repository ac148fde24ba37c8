'use client';

import { usePathname } from 'next/navigation';
import { StatusPage } from '@/components/ui/status-page';

/** 403: names the role the page needs, so the user knows whom to ask. */
export default function Forbidden() {
  const pathname = usePathname();
  const role = pathname.startsWith('/superadmin') ? 'a superadmin' : 'an admin or a superadmin';
  return (
    <main id="main" className="px-4">
      <StatusPage code="403" title="You don't have access to this page">
        This page needs the role of {role}. Ask an admin of your organisation if you need access.
      </StatusPage>
    </main>
  );
}
