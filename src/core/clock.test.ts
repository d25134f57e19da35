import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { businessDate, businessMonth, fixedClock, shanghaiDateTime, systemClock, today } from './clock.ts';

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
