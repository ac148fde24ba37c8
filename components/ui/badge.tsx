const TONES = {
  green: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  orange: 'bg-amber-50 text-amber-800 ring-amber-600/30',
  red: 'bg-rose-50 text-rose-700 ring-rose-600/20',
  grey: 'bg-slate-100 text-slate-600 ring-slate-500/20',
  dark: 'bg-slate-800 text-slate-50 ring-slate-800',
  indigo: 'bg-indigo-50 text-indigo-700 ring-indigo-600/20',
} as const;

export type BadgeTone = keyof typeof TONES;

export function Badge({
  tone,
  children,
  title,
  wrap = false,
}: {
  tone: BadgeTone;
  children: React.ReactNode;
  title?: string;
  /** Long text (a sentence) may wrap, so it never widens a phone's card. */
  wrap?: boolean;
}) {
  return (
    <span
      title={title}
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ${wrap ? 'rounded-lg text-left whitespace-normal' : 'whitespace-nowrap'} ring-1 ring-inset ${TONES[tone]}`}
    >
      {children}
    </span>
  );
}
