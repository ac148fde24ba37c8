'use client';

import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';

export type UsageChartPoint = {
  /** Axis label, formatted on the server (UTC) so server and browser agree. */
  label: string;
  /** Tooltip label: the bucket's exact start. */
  title: string;
  success: number;
  denied: number;
  rateLimited: number;
};

const SERIES = [
  { key: 'success', name: 'Success', color: '#16a34a' },
  { key: 'denied', name: 'Denied (401/403)', color: '#dc2626' },
  { key: 'rateLimited', name: 'Rate-limited (429)', color: '#d97706' },
] as const;

/** Requests per bucket, successes and denials stacked. A client component: recharts needs the DOM. */
export function UsageChart({
  data,
  label,
  height = 240,
}: {
  data: UsageChartPoint[];
  /** Names the chart for screen readers. */
  label: string;
  height?: number;
}) {
  const empty = data.every((d) => d.success + d.denied + d.rateLimited === 0);
  return (
    <figure className="relative" aria-label={label} data-testid="usage-chart" data-empty={empty || undefined}>
      <BarChart
        responsive
        data={data}
        style={{ width: '100%', height }}
        margin={{ top: 8, right: 8, bottom: 0, left: -16 }}
        title={label}
      >
        <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
        <XAxis dataKey="label" tick={{ fontSize: 11, fill: '#64748b' }} tickLine={false} minTickGap={12} />
        <YAxis
          allowDecimals={false}
          tick={{ fontSize: 11, fill: '#64748b' }}
          tickLine={false}
          axisLine={false}
        />
        <Tooltip
          cursor={{ fill: '#f1f5f9' }}
          labelFormatter={(_, payload) => payload?.[0]?.payload?.title ?? ''}
          contentStyle={{ fontSize: 12, borderRadius: 8 }}
        />
        <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
        {SERIES.map((s) => (
          <Bar
            key={s.key}
            dataKey={s.key}
            name={s.name}
            stackId="requests"
            fill={s.color}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
      {empty && (
        <figcaption className="pointer-events-none absolute inset-0 flex items-center justify-center pb-8 text-sm text-slate-600">
          No requests in this period.
        </figcaption>
      )}
    </figure>
  );
}
