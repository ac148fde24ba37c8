'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { useCloseGuard } from '@/components/ui/dialog';

export const SECRET_CLOSE_QUESTION = 'Have you copied the key? It will not be shown again.';

/**
 * The one place a full key is ever shown: right after create or regenerate. It lives only in this
 * component's props (the action's state); closing the dialog unmounts it and the secret is gone.
 * Until Copy is pressed, Escape or × ask first: one keystroke must not lose the key.
 */
export function SecretReveal({
  secret,
  visibleId,
  onDone,
}: {
  secret: string;
  visibleId: string;
  onDone: () => void;
}) {
  const [copied, setCopied] = useState<'key' | 'curl' | null>(null);
  const [copyFailed, setCopyFailed] = useState(false);
  useCloseGuard(copied ? null : SECRET_CLOSE_QUESTION);
  const origin = typeof window === 'undefined' ? '' : window.location.origin;
  const curl = `curl -H "X-API-KEY: ${secret}" ${origin}/crm/me`;

  async function copy(text: string, what: 'key' | 'curl') {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(what);
      setCopyFailed(false);
    } catch {
      setCopyFailed(true);
    }
  }

  return (
    <div className="space-y-4">
      <div
        role="alert"
        className="rounded-md bg-amber-50 px-3 py-2 text-sm font-medium text-amber-900 ring-1 ring-amber-200"
      >
        Copy this key now — it will not be shown again.
      </div>
      <div>
        <label htmlFor="new-secret" className="block text-sm font-medium text-slate-700">
          Your new API key
        </label>
        <div className="mt-1 flex gap-2">
          <input
            id="new-secret"
            readOnly
            value={secret}
            onFocus={(e) => e.currentTarget.select()}
            data-testid="new-secret"
            className="block w-full min-w-0 rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-sm"
          />
          <Button onClick={() => copy(secret, 'key')}>{copied === 'key' ? 'Copied' : 'Copy'}</Button>
        </div>
        {copyFailed && (
          <p className="mt-1 text-sm text-rose-700">Copy failed: select the key and copy it by hand.</p>
        )}
        <p className="mt-1 text-xs text-slate-600">
          After you close this dialog the key is shown only as <span className="font-mono">{visibleId}</span>.
        </p>
      </div>
      <div>
        <div className="flex items-center justify-between">
          <span className="text-sm font-medium text-slate-700">Try it</span>
          <Button variant="ghost" size="sm" onClick={() => copy(curl, 'curl')}>
            {copied === 'curl' ? 'Copied' : 'Copy command'}
          </Button>
        </div>
        <pre
          data-testid="curl-example"
          className="mt-1 overflow-x-auto rounded-md bg-slate-900 px-3 py-2 font-mono text-xs whitespace-pre-wrap break-all text-slate-100"
        >
          {curl}
        </pre>
      </div>
      <div className="flex justify-end">
        <Button variant="secondary" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}
