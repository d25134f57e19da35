import { isIsoDate, shanghaiDateTime } from './clock.ts';

/**
 * Identifier formats of the HIS interface. Each carries the division code of
 * the place that issued it, so an id alone says where its record lives.
 *
 * - `psn_no`: insured area (6) + serial (14) = 20 digits
 * - `mdtrt_id`: 'S' + pooling area (6) + YYMMDD + serial (10) = 23 characters
 * - `setl_id`: 'A' + the same = 23 characters
 * - `inf_refmsgid`: receiver division (6) + yyyyMMddHHmmss (Asia/Shanghai) + serial (10) = 30 digits
 */

function area6(area: string, what: string): string {
  if (!/^\d{6}$/.test(area)) throw new RangeError(`${what} must be a 6-digit division code, got "${area}"`);
  return area;
}

function serialDigits(serial: number, width: number): string {
  if (!Number.isSafeInteger(serial) || serial < 0 || serial >= 10 ** width) {
    throw new RangeError(`serial must be an integer 0..${'9'.repeat(width)}, got ${serial}`);
  }
  return String(serial).padStart(width, '0');
}

function yymmdd(date: string): string {
  if (!isIsoDate(date)) throw new RangeError(`date must be a real yyyy-MM-dd date, got "${date}"`);
  return date.slice(2).replaceAll('-', '');
}

export function psnNo(insuredArea: string, serial: number): string {
  return area6(insuredArea, 'insured area') + serialDigits(serial, 14);
}

function visitLike(prefix: 'S' | 'A', poolArea: string, date: string, serial: number): string {
  return prefix + area6(poolArea, 'pooling area') + yymmdd(date) + serialDigits(serial, 10);
}

/** The visit id, issued on `date` (yyyy-MM-dd, the business date). */
export function mdtrtId(poolArea: string, date: string, serial: number): string {
  return visitLike('S', poolArea, date, serial);
}

/** The settlement id, issued on `date` (yyyy-MM-dd, the business date). */
export function setlId(poolArea: string, date: string, serial: number): string {
  return visitLike('A', poolArea, date, serial);
}

/** The `inf_refmsgid` of an answer. */
export function refMsgId(admdvs: string, at: Date, serial: number): string {
  const stamp = shanghaiDateTime(at).replace(/\D/g, '');
  return area6(admdvs, 'receiver division') + stamp + serialDigits(serial, 10);
}

export function isPsnNo(s: string): boolean {
  return /^\d{20}$/.test(s);
}

function isVisitLike(prefix: 'S' | 'A', s: string): boolean {
  const m = new RegExp(`^${prefix}\\d{6}(\\d{2})(\\d{2})(\\d{2})\\d{10}$`).exec(s);
  // YYMMDD has no century: read it as 20YY, the century these ids are issued in.
  return m !== null && isIsoDate(`20${m[1]}-${m[2]}-${m[3]}`);
}

export function isMdtrtId(s: string): boolean {
  return isVisitLike('S', s);
}

export function isSetlId(s: string): boolean {
  return isVisitLike('A', s);
}
