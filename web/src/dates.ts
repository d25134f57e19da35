/**
 * Calendar dates as the server counts them (src/core/clock.ts): `yyyy-MM-dd`
 * strings in Asia/Shanghai, computed in UTC so no time zone moves a day.
 */

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Calendar months later; a day the target month lacks becomes its last day (Jan 31 + 1 = Feb 28/29). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const ty = Math.floor(total / 12);
  const tm = total % 12;
  const lastDay = new Date(Date.UTC(ty, tm + 1, 0)).getUTCDate();
  return `${String(ty).padStart(4, '0')}-${String(tm + 1).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

export function isDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The business date (Asia/Shanghai) of a database timestamp such as `2026-11-23 13:24:35.23+00`. */
export function dateOfTimestamp(ts: string): string {
  const iso = ts.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00');
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return ts.slice(0, 10);
  return new Date(at.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}
