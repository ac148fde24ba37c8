'use client';

import { useEffect } from 'react';

/**
 * After a refused submit: focus the first invalid field (a group's first control) and scroll it into
 * view. Runs once per answer from the server (`answer` changes identity with each one).
 */
export function useFocusFirstInvalid(
  form: React.RefObject<HTMLFormElement | null>,
  answer: unknown,
  invalid: boolean,
) {
  useEffect(() => {
    if (!invalid) return;
    focusField(form.current, null);
  }, [answer, invalid, form]);
}

function focusField(form: HTMLFormElement | null, field: string | null) {
  const target = form?.querySelector<HTMLElement>(
    field ? `[data-field="${field}"]` : '[aria-invalid="true"]',
  );
  if (!target) return;
  const control = target.matches('input, select, textarea')
    ? target
    : target.querySelector<HTMLElement>('input:not([type=hidden]):not([disabled]), select, textarea');
  (control ?? target).focus({ preventScroll: true });
  (control ?? target).scrollIntoView({ block: 'center' });
}

/** The error summary: always visible (it sits in the sticky footer), each field a link to it. */
export function ErrorSummary({
  form,
  errors,
  labels,
}: {
  form: React.RefObject<HTMLFormElement | null>;
  errors: Record<string, string[]>;
  labels: Record<string, string>;
}) {
  const fields = Object.keys(errors).filter((f) => f !== '_' && errors[f]?.length);
  if (fields.length === 0) return null;
  return (
    <div role="alert" className="text-sm text-rose-700" data-testid="error-summary">
      <span className="font-medium">
        {fields.length === 1 ? '1 field needs' : `${fields.length} fields need`} attention:
      </span>{' '}
      {fields.map((f, i) => (
        <span key={f}>
          {i > 0 && ', '}
          <button
            type="button"
            className="underline underline-offset-2"
            onClick={() => focusField(form.current, f)}
          >
            {labels[f] ?? f}
          </button>
        </span>
      ))}
    </div>
  );
}
