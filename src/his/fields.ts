import Type from 'typebox';
import { isIsoDate } from '../core/clock.ts';
import { invalid } from '../core/errors.ts';

/**
 * Field readers shared by the transactions. HIS send numbers as JSON numbers
 * or as digit strings and codes as strings: both are read, and a bad value is
 * named by its path in the request.
 */

/** A whole number the HIS may send as 5 or "5"; checked by `wholeNumber`. */
export const NumberLike = (description: string) =>
  Type.Union([Type.Integer(), Type.String()], { description: `${description} (a JSON number or digit string)` });

export function wholeNumber(v: number | string | undefined, path: string, range: { min: number; max: number; fallback: number }): number {
  if (v === undefined) return range.fallback;
  const n = typeof v === 'number' ? v : /^\d{1,9}$/.test(v.trim()) ? Number(v.trim()) : NaN;
  if (!Number.isInteger(n) || n < range.min || n > range.max) throw invalid(path, `must be a whole number from ${range.min} to ${range.max}`);
  return n;
}

/** One of the listed codes; the message lists them with their meaning. */
export function oneOf<C extends string>(v: string, path: string, codes: Record<C, string>): C {
  if (Object.hasOwn(codes, v)) return v as C;
  const list = Object.entries(codes).map(([c, meaning]) => `${c} (${meaning})`);
  throw invalid(path, `must be ${list.slice(0, -1).join(', ')} or ${list.at(-1)}`);
}

/** A calendar date the HIS writes yyyy-MM-dd (some add a time: "2026-11-23 08:30:00"). */
export function day(v: string, path: string): string {
  const d = v.trim().slice(0, 10);
  if (!isIsoDate(d)) throw invalid(path, `must be a date written yyyy-MM-dd (got "${v.slice(0, 20)}")`);
  return d;
}

/** A page of rows in the paging shape HIS read from catalogue queries. */
export function page<R>(rows: R[], total: number, pageNum: number, pageSize: number) {
  const pages = Math.ceil(total / pageSize);
  return {
    pageNum,
    pageSize,
    size: rows.length,
    recordCounts: total,
    pages,
    firstPage: pageNum === 1,
    lastPage: pageNum >= pages,
    data: rows,
  };
}
