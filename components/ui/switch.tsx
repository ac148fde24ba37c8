'use client';

import type { ButtonHTMLAttributes } from 'react';

/**
 * An on/off switch (role="switch"): a real button, so it can submit a form, is reachable by keyboard
 * and announces its state. Name it with aria-labelledby or aria-label.
 */
export function Switch({
  checked,
  className = '',
  ...props
}: Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'role'> & { checked: boolean }) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      className={`relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed disabled:opacity-50 ${checked ? 'bg-indigo-600' : 'bg-slate-300'} ${className}`}
      {...props}
    >
      <span
        aria-hidden="true"
        className={`inline-block h-5 w-5 rounded-full bg-surface shadow transition-transform ${checked ? 'translate-x-5' : 'translate-x-0.5'}`}
      />
    </button>
  );
}
