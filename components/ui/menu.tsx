'use client';

import { useEffect, useId, useRef, useState } from 'react';

/**
 * A small actions menu (button + role="menu"). The list is position: fixed under its button, so a
 * scrolling table card does not clip it, and follows the button when something scrolls; it closes
 * on Escape, outside clicks and choice.
 */
export type MenuItem = {
  label: string;
  onSelect: () => void;
  danger?: boolean;
  disabled?: boolean;
  /** Draw a line above this item: destructive actions sit apart. */
  separated?: boolean;
};

export function Menu({
  label,
  items,
  buttonClassName,
}: {
  label: string;
  items: MenuItem[];
  /** Styles of the menu button; the default is a small secondary button. */
  buttonClassName?: string;
}) {
  const [open, setOpen] = useState<{ top: number; right: number } | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const id = useId();

  const isOpen = open !== null;

  useEffect(() => {
    if (!isOpen) return;
    list.current
      ?.querySelector<HTMLButtonElement>('[role="menuitem"]:not([disabled])')
      ?.focus({ preventScroll: true });
    const close = () => setOpen(null);
    const follow = () => {
      const rect = button.current?.getBoundingClientRect();
      if (!rect) return close();
      const top = rect.bottom + 4;
      const right = window.innerWidth - rect.right;
      setOpen((o) => (o && o.top === top && o.right === right ? o : { top, right }));
    };
    const onPointer = (e: PointerEvent) => {
      if (!list.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node)) close();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        close();
        button.current?.focus();
      }
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const all = [
          ...(list.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]:not([disabled])') ?? []),
        ];
        const at = all.indexOf(document.activeElement as HTMLButtonElement);
        all[(at + (e.key === 'ArrowDown' ? 1 : all.length - 1)) % all.length]?.focus({ preventScroll: true });
      }
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    window.addEventListener('scroll', follow, true);
    window.addEventListener('resize', follow);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
      window.removeEventListener('scroll', follow, true);
      window.removeEventListener('resize', follow);
    };
  }, [isOpen]);

  return (
    <>
      <button
        ref={button}
        type="button"
        aria-haspopup="menu"
        aria-expanded={Boolean(open)}
        aria-controls={open ? id : undefined}
        onClick={() => {
          if (open) return setOpen(null);
          const rect = button.current!.getBoundingClientRect();
          setOpen({ top: rect.bottom + 4, right: window.innerWidth - rect.right });
        }}
        className={
          buttonClassName ??
          'inline-flex items-center gap-1 rounded-md border border-slate-300 bg-surface px-2.5 py-1 text-xs font-semibold text-slate-700 shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-600'
        }
      >
        {label} <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div
          ref={list}
          id={id}
          role="menu"
          aria-label={label}
          style={{ position: 'fixed', top: open.top, right: open.right }}
          className="z-40 min-w-40 rounded-md border border-slate-200 bg-surface py-1 text-sm shadow-lg"
        >
          {items.map((item) => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              disabled={item.disabled}
              onClick={() => {
                setOpen(null);
                // Focus goes back to the menu button first, so a dialog the choice opens returns
                // focus there when it closes.
                button.current?.focus({ preventScroll: true });
                item.onSelect();
              }}
              className={`block w-full px-3 py-1.5 text-left hover:bg-slate-100 focus:bg-slate-100 focus:outline-none disabled:opacity-50 ${item.danger ? 'text-rose-700' : 'text-slate-700'} ${item.separated ? 'mt-1 border-t border-slate-200 pt-2' : ''}`}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
    </>
  );
}
