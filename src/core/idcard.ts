import { isIsoDate } from './clock.ts';

/**
 * Resident identity card numbers (GB 11643-1999): 6-digit address code,
 * 8-digit birth date, 3-digit sequence (odd for men, even for women) and an
 * ISO 7064 MOD 11-2 check character.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';
const EARLIEST_BIRTH = '1900-01-01';

export type CertnoParse =
  | {
      ok: true;
      /** the number with a lowercase x check character written as X */
      certno: string;
      area: string;
      /** yyyy-MM-dd */
      birthDate: string;
      /** GB/T 2261.1: 1 male, 2 female */
      gender: '1' | '2';
    }
  | { ok: false; reason: string };

/** The check character of the first 17 digits. */
export function checkDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError(`need exactly 17 digits, got "${first17}"`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/**
 * Checks an 18-character resident ID number. A lowercase `x` is accepted as the
 * check character (people type it) and normalised to `X` in `certno`. With
 * `today` (yyyy-MM-dd) a birth date after it is refused.
 */
export function parseCertno(s: string, today?: string): CertnoParse {
  if (s.length !== 18) return { ok: false, reason: `must be 18 characters, got ${s.length}` };
  const certno = s.endsWith('x') ? `${s.slice(0, 17)}X` : s;
  if (!/^\d{17}[\dX]$/.test(certno)) return { ok: false, reason: 'must be 17 digits followed by a digit or X' };
  const expected = checkDigit(certno.slice(0, 17));
  if (certno[17] !== expected) return { ok: false, reason: `check digit is wrong (the first 17 digits give ${expected})` };
  const raw = certno.slice(6, 14);
  const birthDate = `${raw.slice(0, 4)}-${raw.slice(4, 6)}-${raw.slice(6, 8)}`;
  if (!isIsoDate(birthDate)) return { ok: false, reason: `birth date ${raw} is not a real date` };
  if (birthDate < EARLIEST_BIRTH) return { ok: false, reason: `birth date ${birthDate} is before 1900` };
  if (today !== undefined && birthDate > today) return { ok: false, reason: `birth date ${birthDate} is in the future` };
  return { ok: true, certno, area: certno.slice(0, 6), birthDate, gender: Number(certno[16]) % 2 === 1 ? '1' : '2' };
}

/**
 * A valid ID number for `area`, `birthDate` (yyyy-MM-dd) and `sequence`
 * (0..999; odd numbers are men, even numbers women).
 */
export function certnoFor(area: string, birthDate: string, sequence: number): string {
  if (!/^\d{6}$/.test(area)) throw new RangeError(`area must be 6 digits, got "${area}"`);
  if (!isIsoDate(birthDate)) throw new RangeError(`birth date must be a real yyyy-MM-dd date, got "${birthDate}"`);
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 999) throw new RangeError(`sequence must be 0..999, got ${sequence}`);
  const first17 = `${area}${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  return first17 + checkDigit(first17);
}
