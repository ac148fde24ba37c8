import { formatUtc } from '@/lib/format';
import type { UsageChartPoint } from './usage-chart';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Usage buckets as chart points, labelled in UTC (hours as "14:00", days as "Nov 25"). */
export function toChartPoints(
  series: { start: Date; success: number; denied: number; rateLimited: number }[],
  bucket: 'hour' | 'day',
): UsageChartPoint[] {
  return series.map((p) => ({
    label:
      bucket === 'hour'
        ? `${String(p.start.getUTCHours()).padStart(2, '0')}:00`
        : `${MONTHS[p.start.getUTCMonth()]} ${p.start.getUTCDate()}`,
    title:
      bucket === 'hour'
        ? `${formatUtc(p.start).slice(0, 16)}–${String((p.start.getUTCHours() + 1) % 24).padStart(2, '0')}:00 UTC`
        : `${formatUtc(p.start).slice(0, 10)} (UTC)`,
    success: p.success,
    denied: p.denied,
    rateLimited: p.rateLimited,
  }));
}
