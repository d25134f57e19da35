/** Calendar dates as the server writes them (src/core/clock.ts): `yyyy-MM-dd` in Asia/Shanghai. */

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
