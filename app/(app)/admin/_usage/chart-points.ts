import { formatDate, formatDateTime, formatTimeOfDay } from '@/lib/format';
import type { UsageChartPoint } from './usage-chart';

/** Usage buckets as chart points, labelled in UTC (hours as "14:00", days as "25 Nov"), in the one date format. */
export function toChartPoints(
  series: { start: Date; success: number; denied: number; rateLimited: number }[],
  bucket: 'hour' | 'day',
): UsageChartPoint[] {
  return series.map((p) => ({
    label: bucket === 'hour' ? formatTimeOfDay(p.start) : formatDate(p.start).replace(/ \d{4}$/, ''),
    title:
      bucket === 'hour'
        ? `${formatDateTime(p.start).replace(' UTC', '')}–${formatTimeOfDay(new Date(p.start.getTime() + 3600_000))} UTC`
        : `${formatDate(p.start)} (UTC)`,
    success: p.success,
    denied: p.denied,
    rateLimited: p.rateLimited,
  }));
}
