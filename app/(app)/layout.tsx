import Link from 'next/link';
import { canOpenAdminPages, canOpenSuperadminPages } from '@/lib/access';
import { requireUser } from '@/lib/auth/session';
import { NavLink } from '@/components/ui/nav-link';
import { ToastProvider } from '@/components/ui/toast';
import { NotificationBell } from '@/components/api-keys/notification-bell';
import { actorFromUser } from '@/lib/auth/session';
import { listKeyNotifications } from '@/lib/services/key-notifications';

/** Every page of the signed-in app: a top bar with the navigation and who is signed in. */
export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  const admin = canOpenAdminPages(user);
  const superadmin = canOpenSuperadminPages(user);
  const notices = admin ? await listKeyNotifications(actorFromUser(user)) : null;
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex h-14 max-w-7xl items-center gap-6 px-6">
          <Link href="/" className="font-semibold tracking-tight text-slate-900">
            CRM <span className="text-indigo-600">API</span>
          </Link>
          <nav aria-label="Main" className="flex items-center gap-1 text-sm">
            {admin && (
              <>
                <NavLink href="/admin" exact>
                  Dashboard
                </NavLink>
                <NavLink href="/admin/api-keys">API keys</NavLink>
                <NavLink href="/admin/audit-log">Audit log</NavLink>
                <NavLink href="/admin/security">Security</NavLink>
              </>
            )}
            <NavLink href="/settings/api">API access</NavLink>
            {superadmin && <NavLink href="/superadmin/api">API management</NavLink>}
            {superadmin ? (
              <NavLink href="/superadmin/api-docs">API docs</NavLink>
            ) : (
              admin && <NavLink href="/admin/api-docs">API docs</NavLink>
            )}
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm">
            {notices && <NotificationBell notices={notices} />}
            <span className="hidden text-right sm:block">
              <span className="block font-medium text-slate-800">{user.name}</span>
              <span className="block text-xs text-slate-500">
                {user.organisationName} · {user.role}
              </span>
            </span>
            <Link
              href="/logout"
              className="rounded-md border border-slate-300 px-3 py-1.5 text-slate-700 hover:bg-slate-50"
            >
              Sign out
            </Link>
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-7xl px-6 py-8">
        <ToastProvider>{children}</ToastProvider>
      </main>
    </div>
  );
}
