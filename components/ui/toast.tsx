'use client';

import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { createPortal } from 'react-dom';

type Toast = { id: number; tone: 'success' | 'error'; message: string };
type ToastApi = { success: (message: string) => void; error: (message: string) => void };

const ToastContext = createContext<ToastApi | null>(null);

/** The open modal dialog, if any, kept up to date as dialogs open and close. */
function subscribeToDialogs(onChange: () => void) {
  const observer = new MutationObserver(onChange);
  observer.observe(document.body, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['open'],
  });
  return () => observer.disconnect();
}
const topModal = () => document.querySelector('dialog:modal');
const noModal = () => null;

/**
 * Toasts for the signed-in app: announced to screen readers, gone after a few seconds. The list is a
 * manual popover, so it sits in the browser's top layer; shown again with each new toast, it stacks
 * above an open modal dialog and its backdrop instead of behind them. While a modal dialog is open,
 * everything outside it is inert, so the list is rendered inside that dialog: its Dismiss buttons
 * stay usable.
 */
export function ToastProvider({ children }: { children: React.ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const region = useRef<HTMLDivElement>(null);
  const host = useSyncExternalStore(subscribeToDialogs, topModal, noModal);

  useEffect(() => {
    const el = region.current;
    // A dialog closing in the same render may have taken the list with it: the next render (host
    // changed) shows it again in its new place.
    if (!el?.isConnected || typeof el.showPopover !== 'function') return;
    if (el.matches(':popover-open')) el.hidePopover();
    if (toasts.length > 0) el.showPopover();
  }, [toasts, host]);

  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const push = useCallback(
    (tone: Toast['tone'], message: string) => {
      const id = next.current++;
      setToasts((list) => [...list.slice(-3), { id, tone, message }]);
      setTimeout(() => dismiss(id), tone === 'error' ? 8000 : 5000);
    },
    [dismiss],
  );
  const api = useMemo<ToastApi>(
    () => ({ success: (m) => push('success', m), error: (m) => push('error', m) }),
    [push],
  );

  const list = (
    <div
      ref={region}
      popover="manual"
      aria-live="polite"
      style={{ inset: 'auto 1rem 1rem auto' }}
      className="pointer-events-none m-0 flex w-[calc(100%-2rem)] max-w-sm flex-col gap-2 overflow-visible border-0 bg-transparent p-0 [&:not(:popover-open)]:hidden"
    >
      {toasts.map((t) => (
        <div
          key={t.id}
          role={t.tone === 'error' ? 'alert' : 'status'}
          data-testid="toast"
          className={`pointer-events-auto flex items-start gap-3 rounded-lg px-4 py-3 text-sm shadow-lg ring-1 ${
            t.tone === 'error'
              ? 'bg-rose-50 text-rose-800 ring-rose-200'
              : 'bg-emerald-50 text-emerald-800 ring-emerald-200'
          }`}
        >
          <span className="flex-1">{t.message}</span>
          <button
            type="button"
            onClick={() => dismiss(t.id)}
            aria-label="Dismiss"
            className="px-1 text-current hover:opacity-70"
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );

  return (
    <ToastContext.Provider value={api}>
      {children}
      {host ? createPortal(list, host) : list}
    </ToastContext.Provider>
  );
}

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error('useToast needs a <ToastProvider> above it.');
  return api;
}
