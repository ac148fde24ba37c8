'use client';

import { useActionState, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { formatDateTime } from '@/lib/format';
import { SecretReveal } from '@/components/ui/secret-reveal';
import { Switch } from '@/components/ui/switch';
import { useToast } from '@/components/ui/toast';
import type { WebhookRow } from '../../_webhooks/rows';
import { WebhookTable } from '../../_webhooks/webhook-table';
import { callAction } from '@/lib/client/call-action';
import {
  regeneratePersonalKeyAction,
  turnOffPersonalKeyAction,
  turnOnPersonalKeyAction,
  type PersonalKeyActionState,
} from './actions';

type Props = {
  admin: boolean;
  organisationName: string;
  allowed: boolean;
  apiKey: {
    visibleId: string;
    createdAt: string;
    lastUsedAt: string | null;
    regeneratedAt: string | null;
  } | null;
  webhooks: WebhookRow[];
};

const IDLE: PersonalKeyActionState = { status: 'idle' };
type Action = (prev: PersonalKeyActionState, formData: FormData) => Promise<PersonalKeyActionState>;

export function ApiSettingsClient({ admin, organisationName, allowed, apiKey, webhooks }: Props) {
  const toast = useToast();
  const [confirm, setConfirm] = useState<null | 'regenerate' | 'off'>(null);
  // The secret lives here only, from the action's answer until "Done": then it is gone for good.
  const [reveal, setReveal] = useState<{ secret: string; visibleId: string } | null>(null);

  /** Runs an action, then closes its dialog, shows the new key or a toast: no effects needed. */
  function handled(action: Action): Action {
    return async (prev, formData) => {
      const result = await callAction(() => action(prev, formData));
      if (result.status === 'success') {
        setConfirm(null);
        if (result.secret && result.visibleId)
          setReveal({ secret: result.secret, visibleId: result.visibleId });
        toast.success(result.message ?? 'Saved.');
      } else if (result.status === 'error') {
        toast.error(result.message ?? 'That did not work.');
      }
      // Never keep the secret in the action state: it would outlive the dialog.
      return { status: result.status, message: result.message };
    };
  }

  const [onState, turnOn, turningOn] = useActionState(handled(turnOnPersonalKeyAction), IDLE);
  const [, regenerate, regenerating] = useActionState(handled(regeneratePersonalKeyAction), IDLE);
  const [, turnOff, turningOff] = useActionState(handled(turnOffPersonalKeyAction), IDLE);

  const suspended = Boolean(apiKey) && !allowed;

  return (
    <>
      <section aria-labelledby="key-heading" className="rounded-xl border border-slate-200 bg-surface p-6">
        <div className="flex items-start justify-between gap-6">
          <div>
            <div className="flex items-center gap-2">
              <h2 id="key-heading" className="text-lg font-semibold">
                API key
              </h2>
              {apiKey && !suspended && <Badge tone="green">On</Badge>}
              {suspended && <Badge tone="orange">Suspended</Badge>}
              {!apiKey && <Badge tone="grey">Off</Badge>}
            </div>
            <p id="key-help" className="mt-1 max-w-2xl text-sm text-slate-600">
              {apiKey
                ? 'Turning the key off clears it: it stops working at once and its webhooks are switched off.'
                : 'Turn it on to generate your personal key. It is shown once; you can have one key at a time.'}
            </p>
          </div>
          {apiKey ? (
            <Switch
              checked
              aria-labelledby="key-heading"
              aria-describedby="key-help"
              disabled={turningOff}
              onClick={() => setConfirm('off')}
            />
          ) : (
            <form action={turnOn}>
              <Switch
                type="submit"
                checked={false}
                aria-labelledby="key-heading"
                aria-describedby={allowed ? 'key-help' : 'key-not-allowed'}
                disabled={!allowed || turningOn}
              />
            </form>
          )}
        </div>

        {!allowed && (
          <p
            id="key-not-allowed"
            role="note"
            className="mt-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200"
          >
            {suspended
              ? `${organisationName} has turned off API access for non-admins: your key is kept, but refused until an admin allows it again.`
              : `${organisationName} doesn't allow API access for non-admins. Ask an admin to allow it under Security.`}
          </p>
        )}
        {onState.status === 'error' && (
          <p role="alert" className="mt-4 text-sm text-rose-700">
            {onState.message}
          </p>
        )}

        {apiKey && (
          <div className="mt-6 flex flex-wrap items-end justify-between gap-4 border-t border-slate-100 pt-5">
            <dl className="grid grid-cols-1 gap-x-10 gap-y-3 text-sm sm:grid-cols-3">
              <div>
                <dt className="text-xs font-medium text-slate-600 uppercase">Key</dt>
                <dd className="mt-0.5 font-mono" data-testid="personal-key-masked">
                  {apiKey.visibleId}
                </dd>
              </div>
              <div>
                <dt className="text-xs font-medium text-slate-600 uppercase">Created</dt>
                <dd className="mt-0.5">{formatDateTime(apiKey.regeneratedAt ?? apiKey.createdAt)}</dd>
              </div>
              <div>
                <dt className="text-xs font-medium text-slate-600 uppercase">Last used</dt>
                <dd className="mt-0.5">{formatDateTime(apiKey.lastUsedAt, 'Never')}</dd>
              </div>
            </dl>
            <Button
              variant="secondary"
              onClick={() => setConfirm('regenerate')}
              disabled={!admin && !allowed}
            >
              Regenerate new key
            </Button>
          </div>
        )}
      </section>

      <section aria-labelledby="webhooks-heading" className="space-y-3">
        <div>
          <h2 id="webhooks-heading" className="text-lg font-semibold">
            Webhooks
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            Subscriptions registered with your key: the CRM POSTs each change to their URL, signed.
          </p>
        </div>
        <WebhookTable
          rows={webhooks}
          empty={
            <>
              <p className="font-medium text-slate-700">No webhooks yet</p>
              <p className="mt-1">
                Automation platforms register them with your key:{' '}
                <code className="font-mono text-xs">
                  POST /crm/webhooks {'{'}&quot;url&quot;, &quot;entity&quot;, &quot;operation&quot;{'}'}
                </code>
              </p>
            </>
          }
        />
      </section>

      {confirm === 'regenerate' && (
        <Dialog title="Regenerate your API key?" onClose={() => setConfirm(null)}>
          <form action={regenerate} className="space-y-4">
            <p
              role="alert"
              className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200"
            >
              Any integration using the old key stops working immediately. Your webhooks stay registered.
            </p>
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={() => setConfirm(null)}>
                Cancel
              </Button>
              <Button type="submit" variant="danger" disabled={regenerating}>
                {regenerating ? 'Regenerating…' : 'Regenerate key'}
              </Button>
            </div>
          </form>
        </Dialog>
      )}

      {confirm === 'off' && (
        <Dialog title="Turn off your API key?" onClose={() => setConfirm(null)}>
          <form action={turnOff} className="space-y-4">
            <p className="text-sm text-slate-600">
              The key is cleared and stops working at once; its webhooks are switched off. Turning the key on
              again makes a new one.
            </p>
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={() => setConfirm(null)}>
                Cancel
              </Button>
              <Button type="submit" variant="danger" disabled={turningOff}>
                {turningOff ? 'Turning off…' : 'Turn off'}
              </Button>
            </div>
          </form>
        </Dialog>
      )}

      {reveal && (
        <Dialog title="Your personal API key" onClose={() => setReveal(null)}>
          <SecretReveal secret={reveal.secret} visibleId={reveal.visibleId} onDone={() => setReveal(null)} />
        </Dialog>
      )}
    </>
  );
}
