import { StatusPage } from '@/components/ui/status-page';

export default function NotFound() {
  return (
    <main id="main" className="px-4">
      <StatusPage code="404" title="Page not found">
        The address may be mistyped, or what it pointed to was deleted.
      </StatusPage>
    </main>
  );
}
