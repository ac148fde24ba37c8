'use client';

import { ErrorPanel } from '@/components/ui/error-panel';

/** A crash on the sign-in pages: the card stays, with a retry and a way back. */
export default function AuthError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorPanel {...props} />;
}
