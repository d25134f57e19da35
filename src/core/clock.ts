/**
 * Time is injected so rules and tests can fix "now". Business dates (filing
 * validity, the settlement month) are calendar dates in Asia/Shanghai, whatever
 * the server's time zone.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(at: Date | string): Clock & { set(d: Date | string): void } {
  let t = new Date(at);
  return { now: () => new Date(t), set: (d) => (t = new Date(d)) };
}

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000; // China has no daylight saving time.
const DAY_MS = 86_400_000;

// Dates are computed with integer arithmetic rather than through Date objects
// and toISOString: fee uploads read and write several times per line, and the
// Date path costs microseconds each time.

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** `yyyy-MM-dd` of a day number from 1970-01-01, for years 0–9999 (civil_from_days). */
function civilText(days: number): string {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${y >= 1000 ? y : String(y).padStart(4, '0')}-${two(m)}-${two(d)}`;
}


// Shanghai wall-clock milliseconds of the years 0000–9999; toISOString writes others as ±yyyyyy, and invalid dates throw there.
const FIRST_LOCAL_MS = daysFromCivil(0, 1, 1) * DAY_MS;
const END_LOCAL_MS = daysFromCivil(10000, 1, 1) * DAY_MS;
const inFastRange = (local: number) => local >= FIRST_LOCAL_MS && local < END_LOCAL_MS;

/** `yyyy-MM-dd` of the instant in Asia/Shanghai. */
export function businessDate(at: Date): string {
  const local = at.getTime() + SHANGHAI_OFFSET_MS;
  if (!inFastRange(local)) return new Date(local).toISOString().slice(0, 10);
  return civilText(Math.floor(local / DAY_MS));
}

/** `yyyy-MM` of the instant in Asia/Shanghai. */
export function businessMonth(at: Date): string {
  return businessDate(at).slice(0, 7);
}

/** `yyyy-MM-dd HH:mm:ss` in Asia/Shanghai, as the HIS interface writes times. */
export function shanghaiDateTime(at: Date): string {
  const local = at.getTime() + SHANGHAI_OFFSET_MS;
  if (!inFastRange(local)) return new Date(local).toISOString().slice(0, 19).replace('T', ' ');
  const days = Math.floor(local / DAY_MS);
  const s = Math.floor((local - days * DAY_MS) / 1000);
  return `${civilText(days)} ${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
}

export function today(clock: Clock): string {
  return businessDate(clock.now());
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isRealDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  if (m !== 2) return d <= (m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31);
  return d <= (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28);
}

/** True for a real calendar date written `yyyy-MM-dd`. */
export function isIsoDate(s: string): boolean {
  const m = DATE.exec(s);
  return m !== null && isRealDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/**
 * The instant of a Beijing wall-clock time (month 1–12), or null when there is
 * no such date or time (hours 0–23, minutes and seconds 0–59).
 */
export function shanghaiInstant(y: number, mo: number, d: number, h: number, mi: number, s: number): Date | null {
  if (!isRealDate(y, mo, d) || !(h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 59)) return null;
  return new Date(daysFromCivil(y, mo, d) * DAY_MS + ((h * 60 + mi) * 60 + s) * 1000 - SHANGHAI_OFFSET_MS);
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Calendar months later; a day that does not exist in the target month becomes its last day (Jan 31 + 1 = Feb 28/29). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const ty = Math.floor(total / 12);
  const tm = total % 12;
  const lastDay = new Date(Date.UTC(ty, tm + 1, 0)).getUTCDate();
  return `${String(ty).padStart(4, '0')}-${String(tm + 1).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}
