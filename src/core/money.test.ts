import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DomainError } from './errors.ts';
import {
  add,
  applyBp,
  bp,
  divRoundHalfUp,
  fen,
  fenFromDb,
  formatYuan,
  mulQty,
  parseYuan,
  splitByWeights,
  toYuanNumber,
  yuanFromJson,
  type Fen,
} from './money.ts';

const MAX = Number.MAX_SAFE_INTEGER;
const anyFen = fc.integer({ min: -MAX, max: MAX }).map((n) => n as Fen);
/** Amounts a real bill can reach, with room to spare (10 billion yuan). */
const billFen = fc.integer({ min: -1_000_000_000_000, max: 1_000_000_000_000 }).map((n) => n as Fen);
const anyBp = fc.integer({ min: 0, max: 10000 }).map((n) => bp(n));

/** Exact half-away-from-zero rounding of a / d in BigInt, written independently of divRoundHalfUp. */
function refRound(a: bigint, d: bigint): bigint {
  const neg = a < 0n;
  const x = neg ? -a : a;
  const q = x / d;
  const r = x % d;
  const rounded = 2n * r >= d ? q + 1n : q;
  return neg ? -rounded : rounded;
}

describe('splitByWeights', () => {
  const weights = fc.array(fc.integer({ min: 0, max: 1_000_000_000 }), { minLength: 1, maxLength: 12 }).filter((w) => w.some((x) => x > 0));

  it('parts always sum exactly to the total, negative totals included', () => {
    fc.assert(
      fc.property(anyFen, weights, (total, ws) => {
        const parts = splitByWeights(total, ws);
        expect(parts).toHaveLength(ws.length);
        expect(parts.reduce((a, b) => a + BigInt(b), 0n)).toBe(BigInt(total));
      }),
      { numRuns: 500 },
    );
  });

  it('each part is within one fen of its exact proportional share', () => {
    fc.assert(
      fc.property(anyFen, weights, (total, ws) => {
        const W = ws.reduce((a, b) => a + BigInt(b), 0n);
        splitByWeights(total, ws).forEach((part, i) => {
          // |part - total·w/W| < 1  ⇔  |part·W - total·w| < W
          const diff = BigInt(part) * W - BigInt(total) * BigInt(ws[i]!);
          expect(diff < 0n ? -diff : diff).toBeLessThan(W);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('a zero weight gets nothing, and parts share the sign of the total', () => {
    fc.assert(
      fc.property(billFen, weights, (total, ws) => {
        splitByWeights(total, ws).forEach((part, i) => {
          if (ws[i] === 0) expect(part).toBe(0);
          expect(total >= 0 ? part >= 0 : part <= 0).toBe(true);
        });
      }),
    );
  });

  it('weights anywhere in the safe range, their sum past 2^53, still split exactly', () => {
    const huge = fc.array(fc.integer({ min: 0, max: MAX }), { minLength: 1, maxLength: 8 }).filter((w) => w.some((x) => x > 0));
    fc.assert(
      fc.property(anyFen, huge, (total, ws) => {
        expect(splitByWeights(total, ws).reduce((a, b) => a + BigInt(b), 0n)).toBe(BigInt(total));
      }),
      { numRuns: 500 },
    );
    const parts = splitByWeights(fen(1001), [MAX, MAX, 3]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(1001);
    expect(parts).toEqual([501, 500, 0]);
  });

  it('ties go to the earlier part', () => {
    expect(splitByWeights(fen(1), [1, 1, 1])).toEqual([1, 0, 0]);
    expect(splitByWeights(fen(-2), [1, 1, 1])).toEqual([-1, -1, 0]);
    expect(splitByWeights(fen(100), [1, 2])).toEqual([33, 67]);
  });

  it('rejects empty, negative, fractional and all-zero weights', () => {
    expect(() => splitByWeights(fen(1), [])).toThrow(RangeError);
    expect(() => splitByWeights(fen(1), [1, -1])).toThrow(RangeError);
    expect(() => splitByWeights(fen(1), [1.5])).toThrow(RangeError);
    expect(() => splitByWeights(fen(1), [0, 0])).toThrow(RangeError);
  });
});

describe('parseYuan / formatYuan', () => {
  it('round-trip every integer fen in the safe range', () => {
    fc.assert(
      fc.property(anyFen, (n) => {
        const text = formatYuan(n);
        expect(text).toMatch(/^-?\d+\.\d{2}$/);
        expect(parseYuan(text)).toBe(n);
      }),
      { numRuns: 2000 },
    );
    for (const n of [0, 1, -1, 99, -99, 100, -100, MAX, -MAX, MAX - 1, MAX - 99]) {
      expect(parseYuan(formatYuan(n as Fen))).toBe(n);
    }
  });

  it('reads the text exactly as written', () => {
    expect(parseYuan('12.5')).toBe(1250);
    expect(parseYuan('-3.07')).toBe(-307);
    expect(parseYuan('100')).toBe(10000);
    expect(parseYuan('0.01')).toBe(1);
    expect(parseYuan('-0')).toBe(0);
    expect(parseYuan('90071992547409.91')).toBe(MAX);
  });

  it.each([
    ['1.234', 'more than two decimals'],
    ['1.005', 'more than two decimals'],
    ['1e3', 'not an amount'],
    ['1E3', 'not an amount'],
    ['', 'not an amount'],
    ['   ', 'not an amount'],
    ['1,000', 'not an amount'],
    ['¥1', 'not an amount'],
    [' 1', 'not an amount'],
    ['1 ', 'not an amount'],
    ['1.', 'not an amount'],
    ['.5', 'not an amount'],
    ['NaN', 'not an amount'],
    ['Infinity', 'not an amount'],
    ['+1', 'not an amount'],
    ['0x10', 'not an amount'],
    ['1.2.3', 'not an amount'],
    ['--1', 'not an amount'],
    ['90071992547409.92', 'too large'],
    ['100000000000000000000', 'too large'],
  ])('rejects %j (%s), naming the field', (text, why) => {
    try {
      parseYuan(text, 'setlinfo.medfee_sumamt');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      const err = e as DomainError;
      expect(err.code).toBe('validation');
      expect(err.issues[0]!.path).toBe('setlinfo.medfee_sumamt');
      expect(err.issues[0]!.message).toContain(why);
    }
  });

  it('formats negatives and small amounts', () => {
    expect(formatYuan(fen(-5))).toBe('-0.05');
    expect(formatYuan(fen(123450))).toBe('1234.50');
    expect(formatYuan(fen(0))).toBe('0.00');
    expect(toYuanNumber(fen(-307))).toBe(-3.07);
  });
});

describe('yuanFromJson', () => {
  it('reads a JSON number exactly, for every amount up to ten trillion yuan', () => {
    // n / 100 is the double a sender's JSON "12.34" parses to; below 2^46 yuan
    // distinct two-decimal amounts are distinct doubles, so the reading is exact.
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000_000_000_000, max: 1_000_000_000_000_000 }), (n) => {
        expect(yuanFromJson(n / 100)).toBe(n);
        expect(yuanFromJson(JSON.parse(JSON.stringify(n / 100)))).toBe(n);
      }),
      { numRuns: 2000 },
    );
  });

  it('is exact on the classic float traps', () => {
    expect(yuanFromJson(12.34)).toBe(1234);
    expect(yuanFromJson(0.29)).toBe(29); // 0.29 * 100 = 28.999999999999996
    expect(yuanFromJson(1.15)).toBe(115);
    expect(yuanFromJson(JSON.parse('{"a":4.35}').a)).toBe(435);
    expect(yuanFromJson(-0)).toBe(0);
    expect(yuanFromJson('8.10')).toBe(810);
  });

  it('refuses what the sender could not have meant as fen', () => {
    expect(() => yuanFromJson(0.1 + 0.2, 'x')).toThrow(/more than two decimals/);
    expect(() => yuanFromJson(1e-7, 'x')).toThrow(/more than two decimals/);
    expect(() => yuanFromJson(1e21, 'x')).toThrow(DomainError);
    expect(() => yuanFromJson(Number.NaN, 'x')).toThrow(/finite/);
    expect(() => yuanFromJson(Infinity, 'x')).toThrow(/finite/);
    expect(() => yuanFromJson(null, 'x')).toThrow(/amount in yuan/);
    expect(() => yuanFromJson(true, 'x')).toThrow(/amount in yuan/);
  });
});

describe('applyBp and mulQty', () => {
  it('applyBp is half-up (away from zero) and exact against BigInt arithmetic', () => {
    fc.assert(
      fc.property(anyFen, anyBp, (a, r) => {
        const expected = refRound(BigInt(a) * BigInt(r), 10000n);
        expect(BigInt(applyBp(a, r))).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('applyBp on known values', () => {
    expect(applyBp(fen(5), bp(5000))).toBe(3); // 2.5 → 3
    expect(applyBp(fen(-5), bp(5000))).toBe(-3);
    expect(applyBp(fen(3), bp(5000))).toBe(2); // 1.5 → 2
    expect(applyBp(fen(1), bp(4999))).toBe(0);
    expect(applyBp(fen(MAX), bp(10000))).toBe(MAX);
    expect(applyBp(fen(MAX), bp(8500))).toBe(Number(refRound(BigInt(MAX) * 8500n, 10000n)));
    // where the float formula is off by one: 45 × 0.7 = 31.499999999999996, and
    // 5241607467261709 × 7000 / 10000 rounds to …197 in doubles
    expect(applyBp(fen(45), bp(7000))).toBe(32);
    expect(applyBp(fen(5241607467261709), bp(7000))).toBe(3669125227083196);
  });

  it('divRoundHalfUp agrees with the reference and rejects non-positive denominators', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }), fc.bigInt({ min: 1n, max: 2n ** 40n }), (a, d) => {
        expect(divRoundHalfUp(a, d)).toBe(refRound(a, d));
      }),
    );
    expect(() => divRoundHalfUp(1n, 0n)).toThrow(RangeError);
    expect(() => divRoundHalfUp(1n, -1n)).toThrow(RangeError);
  });

  it('mulQty multiplies by a ×10000 quantity, half-up', () => {
    expect(mulQty(fen(333), 15000)).toBe(500); // 3.33 × 1.5 = 4.995 → 5.00
    expect(mulQty(fen(1000), -10000)).toBe(-1000);
    fc.assert(
      fc.property(billFen, fc.integer({ min: -10_000_000, max: 10_000_000 }), (p, q) => {
        expect(BigInt(mulQty(p, q))).toBe(refRound(BigInt(p) * BigInt(q), 10000n));
      }),
    );
  });
});

describe('fen, bp, fenFromDb, add', () => {
  it('guard their ranges', () => {
    expect(() => fen(1.5)).toThrow(RangeError);
    expect(() => fen(MAX + 1)).toThrow(RangeError);
    expect(() => bp(-1)).toThrow(RangeError);
    expect(() => bp(10001)).toThrow(RangeError);
    expect(() => bp(85.5)).toThrow(RangeError);
    expect(fenFromDb('9007199254740991')).toBe(MAX);
    expect(fenFromDb(12)).toBe(12);
    expect(() => fenFromDb(null)).toThrow(TypeError);
    expect(() => fenFromDb('9007199254740993')).toThrow(RangeError);
    expect(() => add(fen(MAX), fen(1))).toThrow(RangeError);
    expect(add(fen(1), fen(2), fen(-3))).toBe(0);
  });
});
