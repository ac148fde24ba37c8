import Link from 'next/link';
import { canOpenAdminPages, canOpenSuperadminPages } from '@/lib/access';
import { requireUser } from '@/lib/auth/session';
import { NavLink } from '@/components/ui/nav-link';
import { NavMenu } from '@/components/ui/nav-menu';
import { ToastProvider } from '@/components/ui/toast';
import { NotificationBell } from '@/components/api-keys/notification-bell';
import { actorFromUser } from '@/lib/auth/session';
import { listKeyNotifications } from '@/lib/services/key-notifications';

/**
 * Every page of the signed-in app: a skip link, a top bar with the navigation and who is signed in.
 * Wide screens show the links; narrower ones a Menu button that opens them, so the bar never
 * overflows (Sign out stays reachable on a phone).
 */
export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  const admin = canOpenAdminPages(user);
  const superadmin = canOpenSuperadminPages(user);
  const links = (
    <>
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
    </>
  );
  const who = (
    <span className="block">
      <span className="block font-medium text-slate-800">{user.name}</span>
      <span className="block text-xs text-slate-600">
        {user.organisationName} · {user.role}
      </span>
    </span>
  );
  const signOut = (
    <Link
      href="/logout"
      className="rounded-md border border-slate-300 px-3 py-1.5 whitespace-nowrap text-slate-700 hover:bg-slate-100"
    >
      Sign out
    </Link>
  );
  const notices = admin ? await listKeyNotifications(actorFromUser(user)) : null;
  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-surface px-4 py-2 text-sm font-semibold text-indigo-700 shadow focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
      >
        Skip to content
      </a>
      <header className="relative border-b border-slate-200 bg-surface">
        <div className="mx-auto flex h-14 max-w-7xl items-center gap-6 px-4 sm:px-6">
          <Link href="/" className="font-semibold tracking-tight whitespace-nowrap text-slate-900">
            CRM <span className="text-indigo-700">API</span>
          </Link>
          <nav aria-label="Main" className="hidden items-center gap-1 text-sm xl:flex">
            {links}
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm">
            {notices && <NotificationBell notices={notices} />}
            <div className="hidden items-center gap-3 text-right xl:flex">
              {who}
              {signOut}
            </div>
          </div>
          <NavMenu className="xl:hidden">
            <nav aria-label="Main" className="flex flex-col gap-1 text-sm">
              {links}
            </nav>
            <div className="mt-3 flex items-center justify-between gap-3 border-t border-slate-200 pt-3 text-sm">
              {who}
              {signOut}
            </div>
          </NavMenu>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto max-w-7xl px-4 py-6 outline-none sm:px-6 sm:py-8">
        <ToastProvider>{children}</ToastProvider>
      </main>
    </div>
  );
}
