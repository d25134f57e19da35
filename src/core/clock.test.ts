import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { businessDate, businessMonth, fixedClock, isIsoDate, shanghaiDateTime, shanghaiInstant, systemClock, today } from './clock.ts';

describe('business dates are Asia/Shanghai calendar dates', () => {
  it('23:59:59 Shanghai on the last day of a month is still that month', () => {
    const at = new Date('2024-01-31T23:59:59+08:00');
    expect(businessDate(at)).toBe('2024-01-31');
    expect(businessMonth(at)).toBe('2024-01');
    expect(shanghaiDateTime(at)).toBe('2024-01-31 23:59:59');
    const next = new Date(at.getTime() + 1000);
    expect(businessDate(next)).toBe('2024-02-01');
    expect(businessMonth(next)).toBe('2024-02');
  });

  it('UTC 16:00 is already the next day in Shanghai', () => {
    expect(businessDate(new Date('2024-02-29T15:59:59Z'))).toBe('2024-02-29');
    expect(businessDate(new Date('2024-02-29T16:00:00Z'))).toBe('2024-03-01');
    expect(businessMonth(new Date('2024-12-31T16:00:00Z'))).toBe('2025-01');
    expect(shanghaiDateTime(new Date('2024-12-31T16:00:00Z'))).toBe('2025-01-01 00:00:00');
  });

  it('agrees with the IANA zone for any instant, whatever the server time zone', () => {
    const fmt = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    fc.assert(
      // from 1992 on: China last observed daylight saving time in 1991
      fc.property(fc.integer({ min: Date.UTC(1992, 0, 1), max: Date.UTC(2099, 11, 31) }), (ms) => {
        const at = new Date(ms);
        const p = Object.fromEntries(fmt.formatToParts(at).map((x) => [x.type, x.value]));
        expect(businessDate(at)).toBe(`${p.year}-${p.month}-${p.day}`);
        expect(shanghaiDateTime(at)).toBe(`${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`);
      }),
      { numRuns: 300 },
    );
  });
});

describe('clocks', () => {
  it('a fixed clock returns its instant until set, and hands out copies', () => {
    const clock = fixedClock('2024-06-30T16:30:00Z');
    expect(today(clock)).toBe('2024-07-01');
    const d = clock.now();
    d.setFullYear(2000);
    expect(clock.now().toISOString()).toBe('2024-06-30T16:30:00.000Z');
    clock.set(new Date('2025-01-01T00:00:00+08:00'));
    expect(today(clock)).toBe('2025-01-01');
  });

  it('the system clock is now', () => {
    const before = Date.now();
    const t = systemClock.now().getTime();
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
  });
});

describe('the arithmetic date functions agree with the Date-based ones they replaced', () => {
  const OFFSET = 8 * 3600 * 1000;
  const oldBusinessDate = (at: Date) => new Date(at.getTime() + OFFSET).toISOString().slice(0, 10);
  const oldDateTime = (at: Date) => new Date(at.getTime() + OFFSET).toISOString().slice(0, 19).replace('T', ' ');
  const oldIsIsoDate = (s: string) => {
    if (!/^(\d{4})-(\d{2})-(\d{2})$/.test(s)) return false;
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  };
  // Past the last Date, +8 hours throws: both must.
  const outcome = (f: () => string) => {
    try {
      return f();
    } catch (err) {
      return (err as Error).name;
    }
  };
  // The whole range a Date holds, with the year 0000 and 9999 edges and the 1970 epoch drawn often.
  const instant = fc.oneof(
    fc.integer({ min: -8.64e15, max: 8.64e15 }),
    fc.integer({ min: Date.parse('-000001-12-30T00:00:00Z'), max: Date.parse('0000-01-02T00:00:00Z') }),
    fc.integer({ min: Date.parse('9999-12-30T00:00:00Z'), max: Date.parse('+010000-01-02T00:00:00Z') }),
    fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }),
    fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }),
  );

  it('businessDate, businessMonth and shanghaiDateTime, for any instant', () => {
    fc.assert(
      fc.property(instant, (ms) => {
        const at = new Date(ms);
        expect(outcome(() => businessDate(at))).toBe(outcome(() => oldBusinessDate(at)));
        expect(outcome(() => businessMonth(at))).toBe(outcome(() => oldBusinessDate(at).slice(0, 7)));
        expect(outcome(() => shanghaiDateTime(at))).toBe(outcome(() => oldDateTime(at)));
      }),
      { numRuns: 5000 },
    );
  });

  it('an invalid Date is refused as before', () => {
    expect(() => businessDate(new Date(NaN))).toThrow(RangeError);
    expect(() => shanghaiDateTime(new Date(NaN))).toThrow(RangeError);
  });

  it('isIsoDate, for any string of the shape and around it', () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const shaped = fc.tuple(fc.integer({ min: 0, max: 9999 }), two(14), two(33)).map(([y, m, d]) => `${String(y).padStart(4, '0')}-${m}-${d}`);
    fc.assert(
      fc.property(fc.oneof(shaped, fc.string({ maxLength: 12 })), (s) => {
          expect(isIsoDate(s)).toBe(oldIsIsoDate(s));
        }),
      { numRuns: 20000 },
    );
    for (const s of ['2024-02-29', '2023-02-29', '1900-02-29', '2000-02-29', '0000-02-29', '2024-04-31', '2024-12-31', '2024-13-01', '2024-00-10', '2024-01-00'])
      expect(isIsoDate(s)).toBe(oldIsIsoDate(s));
  });

  it('shanghaiInstant is the instant the +08:00 time text names, or null when the time does not exist', () => {
    const parts = fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 24 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }));
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    fc.assert(
      fc.property(parts, ([y, mo, d, h, mi, s]) => {
        const real = oldIsIsoDate(`${p(y, 4)}-${p(mo)}-${p(d)}`) && h <= 23 && mi <= 59 && s <= 59;
        const expected = real ? new Date(`${p(y, 4)}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(s)}+08:00`).getTime() : null;
        expect(shanghaiInstant(y, mo, d, h, mi, s)?.getTime() ?? null).toBe(expected);
      }),
      { numRuns: 20000 },
    );
  });
});
