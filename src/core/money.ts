import { invalid } from './errors.ts';

/**
 * Money is integer fen (0.01 yuan) and ratios are integer basis points
 * (8500 = 85 %). The brands keep a yuan float or a percentage from slipping in
 * where fen or bp are expected; yuan exist only at the edges (HIS JSON, UI).
 */
export type Fen = number & { readonly __unit: 'fen' };
export type Bp = number & { readonly __unit: 'bp' };

export const BP_WHOLE = 10000;

export function fen(n: number): Fen {
  if (!Number.isSafeInteger(n)) throw new RangeError(`fen must be a safe integer, got ${n}`);
  return n as Fen;
}

export function bp(n: number): Bp {
  if (!Number.isInteger(n) || n < 0 || n > BP_WHOLE) throw new RangeError(`basis points must be 0..10000, got ${n}`);
  return n as Bp;
}

/** int8 columns arrive from node-postgres as strings; this is the one place they become fen. */
export function fenFromDb(v: string | number | null): Fen {
  if (v === null) throw new TypeError('unexpected NULL money value');
  const n = typeof v === 'number' ? v : Number(v);
  return fen(n);
}

export const ZERO = 0 as Fen;

export function add(...xs: Fen[]): Fen {
  let s = 0;
  for (const x of xs) s += x;
  return fen(s);
}

export function sub(a: Fen, b: Fen): Fen {
  return fen(a - b);
}

export function min(a: Fen, b: Fen): Fen {
  return (a < b ? a : b) as Fen;
}

export function max(a: Fen, b: Fen): Fen {
  return (a > b ? a : b) as Fen;
}

/**
 * Integer division rounding half away from zero, exact for safe integers
 * (no floating point: `Math.round(a * r / 10000)` drifts on large amounts).
 */
export function divRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const negative = numerator < 0n;
  const abs = negative ? -numerator : numerator;
  const q = (abs * 2n + denominator) / (2n * denominator);
  return negative ? -q : q;
}

/** `amount × ratio`, half-up to the fen. */
export function applyBp(amount: Fen, ratio: Bp): Fen {
  return fen(Number(divRoundHalfUp(BigInt(amount) * BigInt(ratio), BigInt(BP_WHOLE))));
}

/** `unit price × quantity` where quantity may have decimals (given as a ×10000 integer). */
export function mulQty(price: Fen, qtyTenThousandths: number): Fen {
  return fen(Number(divRoundHalfUp(BigInt(price) * BigInt(qtyTenThousandths), 10000n)));
}

/**
 * Splits `total` into parts proportional to `weights` that sum exactly to
 * `total` (largest remainder method; ties go to the earlier part).
 */
export function splitByWeights(total: Fen, weights: readonly number[]): Fen[] {
  if (weights.length === 0) throw new RangeError('at least one weight is needed');
  if (weights.some((w) => !Number.isSafeInteger(w) || w < 0)) throw new RangeError('weights must be non-negative integers');
  // Summed in BigInt: safe weights can add up past 2^53, and an inexact sum breaks the split.
  const W = weights.reduce((a, b) => a + BigInt(b), 0n);
  if (W === 0n) throw new RangeError('weights must not all be zero');
  const sign = total < 0 ? -1n : 1n;
  const abs = BigInt(Math.abs(total));
  const parts = weights.map((w) => (abs * BigInt(w)) / W);
  const remainders = weights.map((w, i) => ({ i, r: (abs * BigInt(w)) % W }));
  let left = abs - parts.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (let k = 0; left > 0n; k++, left--) {
    const idx = remainders[k % remainders.length]!.i;
    parts[idx] = parts[idx]! + 1n;
  }
  return parts.map((p) => fen(Number(p * sign)));
}

const YUAN = /^(-)?(\d+)(?:\.(\d{1,2}))?$/;
const MAX_FEN = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Parses a yuan amount exactly from text ("12.5", "-3.07", "100"). Rejects more
 * than two decimals, exponents, blanks and anything that is not a plain number.
 * `field` names the input in the error.
 */
export function parseYuan(text: string, field = 'amount'): Fen {
  const m = YUAN.exec(text.trim() === text ? text : '');
  if (!m) {
    if (/^-?\d+\.\d{3,}$/.test(text)) throw invalid(field, `has more than two decimals: "${text}" (amounts are in yuan to the fen)`);
    throw invalid(field, `is not an amount in yuan: "${text}"`);
  }
  const tooLarge = () => invalid(field, `is too large: "${text}" (at most ${formatYuan(Number.MAX_SAFE_INTEGER as Fen)} yuan)`);
  if (m[2]!.length > 16) throw tooLarge();
  const value = BigInt(m[2]!) * 100n + BigInt((m[3] ?? '').padEnd(2, '0'));
  if (value > MAX_FEN) throw tooLarge();
  return fen(Number(m[1] ? -value : value));
}

/**
 * Reads a yuan amount that arrived as a JSON number or string. JSON numbers are
 * re-read from their shortest decimal form, which is what the sender wrote.
 */
export function yuanFromJson(v: unknown, field = 'amount'): Fen {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw invalid(field, 'is not a finite number');
    return parseYuan(String(v).includes('e') ? v.toFixed(20) : String(v), field);
  }
  if (typeof v === 'string') return parseYuan(v, field);
  throw invalid(field, 'must be an amount in yuan');
}

/** "1234.50" style, exact. */
export function formatYuan(amount: Fen): string {
  const negative = amount < 0;
  const abs = Math.abs(amount);
  const s = `${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
  return negative ? `-${s}` : s;
}

/** A JSON number in yuan for the HIS interface: exact to two decimals by construction. */
export function toYuanNumber(amount: Fen): number {
  return Number(formatYuan(amount));
}
