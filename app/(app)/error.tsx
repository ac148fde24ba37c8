'use client';

import { ErrorPanel } from '@/components/ui/error-panel';

/** A crash in a signed-in page: the header and navigation stay, with a retry and a way back. */
export default function AppError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorPanel {...props} />;
}
