import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="mx-auto flex min-h-[60vh] max-w-md flex-col items-center justify-center gap-4 p-8 text-center">
      <p className="text-sm font-semibold tracking-wide text-slate-500">404</p>
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <Link
        href="/"
        className="rounded-md bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700"
      >
        Back to the app
      </Link>
    </main>
  );
}
