/**
 * Display helpers. Money arrives as integer fen and is shown as yuan with two
 * decimals; the arithmetic stays in integers so no float ever touches an amount.
 */

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 123450 → "¥1,234.50"; -5 → "-¥0.05". */
export function formatYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) return '—';
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.trunc(abs / 100);
  const cents = abs - yuan * 100;
  return `${sign}¥${groupThousands(String(yuan))}.${String(cents).padStart(2, '0')}`;
}

/** Basis points as a percentage without trailing zeros: 1500 → "15%", 1250 → "12.5%". */
export function formatPercent(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const frac = String(Math.abs(bp % 100)).padStart(2, '0').replace(/0+$/, '');
  return `${whole}${frac ? `.${frac}` : ''}%`;
}

/** An ID number with the birth date and serial hidden, unless the server already masked it. */
export function maskCertno(certno: string): string {
  if (certno.includes('*') || certno.length < 10) return certno;
  return `${certno.slice(0, 4)}${'*'.repeat(certno.length - 8)}${certno.slice(-4)}`;
}

/** Today in Asia/Shanghai as yyyy-MM-dd, the business date the server uses. */
export function todayInChina(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** The province (PP0000) a division code belongs to. */
export function provinceOf(code: string): string {
  return `${code.slice(0, 2)}0000`;
}

export type YuanInput = { ok: true; fen: number } | { ok: false; reason: 'empty' | 'format' | 'decimals' | 'tooLarge' };

/**
 * Reads what a person typed as yuan ("1,234.5", "¥300") into integer fen, from
 * the digits themselves: no floating point, at most two decimals, at most `maxFen`.
 */
export function parseYuan(text: string, maxFen: number): YuanInput {
  const s = text.trim().replace(/^[¥￥]/, '').replace(/,/g, '');
  if (s === '') return { ok: false, reason: 'empty' };
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) return { ok: false, reason: 'format' };
  const decimals = m[2] ?? '';
  if (decimals.length > 2) return { ok: false, reason: 'decimals' };
  const whole = m[1]!.replace(/^0+(?=\d)/, '');
  // Longer than the cap in digits: refuse before the number could lose precision.
  if (whole.length > String(Math.trunc(maxFen / 100)).length) return { ok: false, reason: 'tooLarge' };
  const fen = Number(whole) * 100 + Number(decimals.padEnd(2, '0'));
  return fen > maxFen ? { ok: false, reason: 'tooLarge' } : { ok: true, fen };
}

const CERTNO_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CERTNO_CHECK_CHARS = '10X98765432';

/** Whether an 18-character resident ID number's last character matches its first 17 (GB 11643); the server checks the rest. */
export function certnoCheckDigitOk(certno: string): boolean {
  if (!/^\d{17}[\dX]$/.test(certno)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(certno[i]) * CERTNO_WEIGHTS[i]!;
  return CERTNO_CHECK_CHARS[sum % 11] === certno[17];
}
