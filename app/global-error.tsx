'use client';

import './globals.css';
import { ErrorPanel } from '@/components/ui/error-panel';

/** A crash in the root layout itself: the last resort, still in the app's style. */
export default function GlobalError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <main id="main">
          <ErrorPanel {...props} />
        </main>
      </body>
    </html>
  );
}
