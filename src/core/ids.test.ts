import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isMdtrtId, isPsnNo, isSetlId, mdtrtId, psnNo, refMsgId, setlId } from './ids.ts';

describe('psn_no', () => {
  it('is the insured area and a 14-digit serial', () => {
    expect(psnNo('420100', 1)).toBe('42010000000000000001');
    expect(psnNo('420100', 99_999_999_999_999)).toBe('42010099999999999999');
    expect(isPsnNo(psnNo('110000', 123))).toBe(true);
  });

  it('throws RangeError on overflow and bad parts', () => {
    expect(() => psnNo('420100', 100_000_000_000_000)).toThrow(RangeError);
    expect(() => psnNo('420100', -1)).toThrow(RangeError);
    expect(() => psnNo('420100', 1.5)).toThrow(RangeError);
    expect(() => psnNo('42010', 1)).toThrow(/6-digit/);
  });

  it('validator', () => {
    expect(isPsnNo('4201000000000000000')).toBe(false);
    expect(isPsnNo('4201000000000000000a')).toBe(false);
    expect(isPsnNo('420100000000000000001')).toBe(false);
  });
});

describe('mdtrt_id and setl_id', () => {
  it("are 'S'/'A' + pooling area + YYMMDD + a 10-digit serial", () => {
    expect(mdtrtId('440100', '2024-03-05', 42)).toBe('S4401002403050000000042');
    expect(setlId('440100', '2024-03-05', 42)).toBe('A4401002403050000000042');
    expect(mdtrtId('440100', '2024-03-05', 42)).toHaveLength(23);
  });

  it('round-trip through the validators', () => {
    const dates = fc
      .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(fc.stringMatching(/^\d{6}$/), dates, fc.integer({ min: 0, max: 9_999_999_999 }), (area, date, serial) => {
        const m = mdtrtId(area, date, serial);
        const s = setlId(area, date, serial);
        expect(isMdtrtId(m) && isSetlId(s)).toBe(true);
        expect(isSetlId(m) || isMdtrtId(s)).toBe(false);
      }),
    );
  });

  it('throw RangeError on overflow, bad dates, bad areas', () => {
    expect(() => mdtrtId('440100', '2024-03-05', 10_000_000_000)).toThrow(RangeError);
    expect(() => setlId('440100', '2023-02-29', 1)).toThrow(/real yyyy-MM-dd/);
    expect(() => setlId('440100', '20240305', 1)).toThrow(RangeError);
    expect(() => mdtrtId('4401', '2024-03-05', 1)).toThrow(/pooling area/);
  });

  it('validators refuse malformed ids', () => {
    expect(isMdtrtId('S4401002402300000000042')).toBe(false); // 30 February
    expect(isMdtrtId('S440100240305000000004')).toBe(false);
    expect(isMdtrtId('s4401002403050000000042')).toBe(false);
    expect(isSetlId('A4401002413050000000042')).toBe(false); // month 13
    expect(isSetlId('A44010024030500000000x2')).toBe(false);
  });
});

describe('inf_refmsgid', () => {
  it('is the division, the Shanghai time and a 10-digit serial', () => {
    const at = new Date('2024-12-31T16:00:01Z'); // 2025-01-01 00:00:01 in Shanghai
    expect(refMsgId('440100', at, 7)).toBe('440100202501010000010000000007');
    expect(refMsgId('440100', at, 7)).toHaveLength(30);
  });

  it('throws RangeError on overflow and bad divisions', () => {
    expect(() => refMsgId('440100', new Date(), 10_000_000_000)).toThrow(RangeError);
    expect(() => refMsgId('44010X', new Date(), 1)).toThrow(RangeError);
  });
});
