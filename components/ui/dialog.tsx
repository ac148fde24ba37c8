'use client';

import { createContext, useContext, useEffect, useId, useRef, useState } from 'react';
import { Button } from './button';

/** What a dialog's content can ask of it: a question before Escape or × close it (null: close freely). */
const GuardContext = createContext<(question: string | null) => void>(() => {});

/**
 * Ask before the surrounding dialog closes by Escape or ×, e.g. "Have you copied the key?". Buttons
 * inside the dialog (Done, Cancel) close it without asking: they are a deliberate choice.
 */
export function useCloseGuard(question: string | null) {
  const setGuard = useContext(GuardContext);
  useEffect(() => {
    setGuard(question);
    return () => setGuard(null);
  }, [question, setGuard]);
}

/**
 * A modal dialog on the native <dialog> element: focus trapping, Escape and the backdrop come from
 * the browser. Mount it to open it and unmount it to close it, so whatever state lives inside
 * (a freshly shown secret, above all) is dropped with it. On phones it is a full-height sheet. When
 * it closes, focus goes back to the control that had it when it opened (the row's Actions button).
 */
export function Dialog({
  title,
  description,
  onClose,
  children,
  size = 'md',
}: {
  title: string;
  description?: React.ReactNode;
  onClose: () => void;
  children: React.ReactNode;
  size?: 'md' | 'lg';
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const onCloseRef = useRef(onClose);
  const [guard, setGuard] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const guardRef = useRef(guard);
  useEffect(() => {
    onCloseRef.current = onClose;
    guardRef.current = guard;
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    const handleClose = () => onCloseRef.current();
    // Escape: ask first when the content set a guard. A second Escape closes (the browser does not
    // let a page hold a dialog open against repeated Escape), which is the user's answer.
    const handleCancel = (event: Event) => {
      if (guardRef.current && event.cancelable) {
        event.preventDefault();
        setAsking(true);
      }
    };
    dialog.addEventListener('close', handleClose);
    dialog.addEventListener('cancel', handleCancel);
    return () => {
      dialog.removeEventListener('close', handleClose);
      dialog.removeEventListener('cancel', handleCancel);
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus({ preventScroll: true });
    };
  }, []);

  const requestClose = () => {
    if (guardRef.current && !asking) setAsking(true);
    else ref.current?.close();
  };

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      className={`m-auto flex-col bg-surface p-0 text-slate-900 shadow-2xl backdrop:bg-black/50 open:flex max-sm:h-dvh max-sm:max-h-dvh max-sm:w-full max-sm:max-w-full sm:max-h-[90vh] sm:w-[calc(100%-2rem)] sm:rounded-xl ${size === 'lg' ? 'sm:max-w-3xl' : 'sm:max-w-lg'}`}
    >
      <div className="flex shrink-0 items-start justify-between gap-4 border-b border-slate-200 px-4 py-4 sm:px-6">
        <div>
          <h2 id={titleId} className="text-lg font-semibold">
            {title}
          </h2>
          {description && (
            <div id={descriptionId} className="mt-1 text-sm text-slate-600">
              {description}
            </div>
          )}
        </div>
        <button
          type="button"
          onClick={requestClose}
          aria-label="Close"
          className="rounded-md p-1 text-slate-600 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          <span aria-hidden="true" className="block text-xl leading-none">
            ×
          </span>
        </button>
      </div>
      {asking && guard && (
        <div
          role="alertdialog"
          aria-labelledby={`${titleId}-guard`}
          className="shrink-0 border-b border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900 sm:px-6"
        >
          <p id={`${titleId}-guard`} className="font-medium">
            {guard}
          </p>
          <div className="mt-2 flex flex-wrap gap-2">
            <Button size="sm" autoFocus onClick={() => setAsking(false)}>
              Back to the key
            </Button>
            <Button size="sm" variant="secondary" onClick={() => ref.current?.close()}>
              Close anyway
            </Button>
          </div>
        </div>
      )}
      <GuardContext.Provider value={setGuard}>
        <div className="min-h-0 flex-1 overflow-y-auto px-4 py-5 sm:px-6">{children}</div>
      </GuardContext.Provider>
    </dialog>
  );
}
