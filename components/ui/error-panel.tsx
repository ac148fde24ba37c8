'use client';

import Link from 'next/link';
import { useEffect, useRef } from 'react';
import { Button } from './button';
import { StatusPage } from './status-page';

/**
 * What a route group's error.tsx shows: the app's frame stays, this replaces the page. The error's
 * message is not shown (it may be a server detail); its digest lets an operator find it in the logs.
 */
export function ErrorPanel({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const heading = useRef<HTMLDivElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <div ref={heading} tabIndex={-1} role="alert" className="outline-none">
      <StatusPage
        code="Something went wrong"
        title="This page could not be shown"
        action={
          <div className="flex flex-wrap justify-center gap-2">
            <Button onClick={reset}>Try again</Button>
            <Link
              href="/"
              className="rounded-md px-3.5 py-2 text-sm font-semibold text-indigo-700 hover:underline"
            >
              Back to the start page
            </Link>
          </div>
        }
      >
        <p>It may be a lost connection or a fault on the server.</p>
        {error.digest && <p className="mt-2 font-mono text-xs">Reference: {error.digest}</p>}
      </StatusPage>
    </div>
  );
}
