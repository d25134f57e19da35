import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { certnoFor, checkDigit, parseCertno } from './idcard.ts';

describe('checkDigit', () => {
  it('matches the worked examples of GB 11643-1999', () => {
    expect(checkDigit('11010519491231002')).toBe('X');
    expect(checkDigit('44052418800101001')).toBe('4');
  });

  it('matches a hand computation', () => {
    // 4·7+4·9+0·10+1·5+0·8+6·4+1·2+9·1+9·6+0·3+0·7+3·9+0·10+7·5+1·8+2·4+3·2 = 242; 242 mod 11 = 0 → "1"
    expect(checkDigit('44010619900307123')).toBe('1');
  });

  it('rejects anything but 17 digits', () => {
    expect(() => checkDigit('4401061990030712')).toThrow(RangeError);
    expect(() => checkDigit('4401061990030712X')).toThrow(RangeError);
  });
});

describe('parseCertno', () => {
  it('reads area, birth date and gender', () => {
    expect(parseCertno('11010519491231002X')).toEqual({
      ok: true,
      certno: '11010519491231002X',
      area: '110105',
      birthDate: '1949-12-31',
      gender: '2',
    });
    expect(parseCertno('440106199003071231')).toEqual({
      ok: true,
      certno: '440106199003071231',
      area: '440106',
      birthDate: '1990-03-07',
      gender: '1',
    });
  });

  it('accepts a lowercase x and normalises it to X', () => {
    const r = parseCertno('11010519491231002x');
    expect(r.ok && r.certno).toBe('11010519491231002X');
  });

  it('accepts 29 February of a leap year, and 1900-01-01', () => {
    expect(parseCertno(certnoFor('420100', '2000-02-29', 7)).ok).toBe(true);
    expect(parseCertno(certnoFor('420100', '1900-01-01', 7)).ok).toBe(true);
  });

  it('accepts a birth on `today`, refuses one after it', () => {
    const n = certnoFor('310101', '2024-05-20', 2);
    expect(parseCertno(n, '2024-05-20').ok).toBe(true);
    expect(parseCertno(n, '2024-05-19')).toEqual({ ok: false, reason: 'birth date 2024-05-20 is in the future' });
    expect(parseCertno(n).ok).toBe(true);
  });

  const withCheck = (first17: string) => first17 + checkDigit(first17);

  it.each([
    ['4401061990030712', 'must be 18 characters, got 16'],
    ['4401061990030712311', 'must be 18 characters, got 19'],
    ['', 'must be 18 characters, got 0'],
    ['44010619900307123Y', 'must be 17 digits followed by a digit or X'],
    ['4401061990030X1231', 'must be 17 digits followed by a digit or X'],
    ['４40106199003071231', 'must be 17 digits followed by a digit or X'],
    ['440106199003071232', 'check digit is wrong (the first 17 digits give 1)'],
    ['11010519491231002Y', 'must be 17 digits followed by a digit or X'],
    ['110105194912310021', 'check digit is wrong (the first 17 digits give X)'],
    [withCheck('44010619900230123'), 'birth date 19900230 is not a real date'],
    [withCheck('44010619001301123'), 'birth date 19001301 is not a real date'],
    [withCheck('44010619000229123'), 'birth date 19000229 is not a real date'],
    [withCheck('44010619990000123'), 'birth date 19990000 is not a real date'],
    [withCheck('44010618991231123'), 'birth date 1899-12-31 is before 1900'],
  ])('refuses %s: %s', (s, reason) => {
    expect(parseCertno(s)).toEqual({ ok: false, reason });
  });

  it('finds every single-digit typo', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 16 }), fc.integer({ min: 1, max: 9 }), (pos, delta) => {
        const good = '440106199003071231';
        const d = (Number(good[pos]) + delta) % 10;
        const typo = good.slice(0, pos) + d + good.slice(pos + 1);
        const r = parseCertno(typo);
        expect(r.ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

describe('certnoFor', () => {
  const dates = fc
    .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));

  it('makes numbers that parse back to what went in, odd sequences men', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-8]\d{5}$/), dates, fc.integer({ min: 0, max: 999 }), (area, birth, seq) => {
        const n = certnoFor(area, birth, seq);
        expect(n).toHaveLength(18);
        expect(n.slice(14, 17)).toBe(String(seq).padStart(3, '0'));
        expect(parseCertno(n)).toEqual({ ok: true, certno: n, area, birthDate: birth, gender: seq % 2 === 1 ? '1' : '2' });
      }),
      { numRuns: 500 },
    );
  });

  it('refuses bad parts', () => {
    expect(() => certnoFor('44010', '1990-01-01', 1)).toThrow(/area/);
    expect(() => certnoFor('440106', '1990-02-30', 1)).toThrow(/birth date/);
    expect(() => certnoFor('440106', '19900101', 1)).toThrow(/birth date/);
    expect(() => certnoFor('440106', '1990-01-01', 1000)).toThrow(/sequence/);
    expect(() => certnoFor('440106', '1990-01-01', -1)).toThrow(/sequence/);
    expect(() => certnoFor('440106', '1990-01-01', 1.5)).toThrow(/sequence/);
  });
});
