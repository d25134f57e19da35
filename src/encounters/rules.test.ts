import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CatalogItem } from '../catalog/model.ts';
import { bp, fen, mulQty } from '../core/money.ts';
import type { Coverage } from '../filing/model.ts';
import { classifyLine } from '../settlement/engine.ts';
import {
  applyRefund,
  chronicCodeOf,
  decideEligibility,
  lineAmountProblem,
  parseHisTime,
  parseQty,
  refundProblem,
  remainderAfter,
  takesAll,
  visitKindOf,
  type EligibilityFacts,
} from './rules.ts';

describe('reading HIS values', () => {
  it('reads Beijing times in the shapes HIS send', () => {
    for (const v of ['2026-11-23 08:30:00', '2026-11-23T08:30:00', '20261123083000']) expect(parseHisTime(v, 'x').toISOString()).toBe('2026-11-23T00:30:00.000Z');
    expect(parseHisTime('2026-11-23', 'x').toISOString()).toBe('2026-11-22T16:00:00.000Z');
    for (const v of ['2026-02-30 08:00:00', '2026-11-23 24:00:00', '23/11/2026', '']) expect(() => parseHisTime(v, 'begntime')).toThrow(/begntime: must be a time/);
  });

  it('reads every time as the Date-parsing reader it replaced did', () => {
    const TIME = /^(\d{4})-?(\d{2})-?(\d{2})(?:[ T]?(\d{2}):?(\d{2})(?::?(\d{2}))?)?$/;
    const before = (v: string): number | null => {
      const m = TIME.exec(v.trim());
      const [, y, mo, d, h = '00', mi = '00', s = '00'] = m ?? [];
      const day = new Date(`${y}-${mo}-${d}T00:00:00Z`);
      const real = m && !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === `${y}-${mo}-${d}`;
      return real && Number(h) <= 23 && Number(mi) <= 59 && Number(s) <= 59 ? new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}+08:00`).getTime() : null;
    };
    const n = (max: number, w = 2) => fc.integer({ min: 0, max }).map((x) => String(x).padStart(w, '0'));
    const shaped = fc
      .tuple(n(9999, 4), n(13), n(32), n(24), n(60), n(60), fc.constantFrom(' ', 'T', ''), fc.constantFrom(':', ''), fc.boolean(), fc.boolean())
      .map(([y, mo, d, h, mi, s, sep, colon, time, secs]) => `${y}-${mo}-${d}${time ? `${sep}${h}${colon}${mi}${secs ? `${colon}${s}` : ''}` : ''}`);
    fc.assert(
      fc.property(fc.oneof(shaped, shaped.map((v) => v.replace(/\D/g, '')), fc.string({ maxLength: 20 })), (v) => {
        let got: number | null;
        try {
          got = parseHisTime(v, 'x').getTime();
        } catch {
          got = null;
        }
        expect(got).toBe(before(v));
      }),
      { numRuns: 20000 },
    );
  });

  it('reads quantities exactly to four decimals', () => {
    expect([parseQty(2, 'c'), parseQty('0.5', 'c'), parseQty(-1.25, 'c'), parseQty('3.0001', 'c')]).toEqual([20000, 5000, -12500, 30001]);
    expect(() => parseQty('1.00001', 'cnt')).toThrow(/more than 4 decimals/);
    expect(() => parseQty(0, 'cnt')).toThrow(/must not be 0/);
    expect(() => parseQty('1e3', 'cnt')).toThrow(/must be a quantity/);
    fc.assert(fc.property(fc.integer({ min: -99_999_999, max: 99_999_999 }).filter((n) => n !== 0), (n) => parseQty(n / 10000, 'c') === n));
  });

  it('checks the amount against pric × cnt, half-up to the fen', () => {
    expect(lineAmountProblem(fen(999), fen(333), 30000)).toBeNull();
    expect(lineAmountProblem(fen(167), fen(333), 5000)).toBeNull(); // 1.665 → 1.67
    expect(lineAmountProblem(fen(-167), fen(333), -5000)).toBeNull();
    expect(lineAmountProblem(fen(1000), fen(333), 30000)).toBe('must be pric × cnt rounded to the fen: 9.99 (got 10.00)');
  });

  it('tells the visit kind by med_type', () => {
    expect(['11', '13', '14', '21', '24', '41', '51', '52'].map(visitKindOf)).toEqual(['outpatient', 'outpatient', 'outpatient', 'inpatient', 'inpatient', 'pharmacy', 'outpatient', 'inpatient']);
  });

  it('takes the chronic disease from opsp_dise_code, else from dise_codg when it is one', () => {
    const known = new Set(['M03900']);
    expect(chronicCodeOf({ opsp_dise_code: 'M01600', dise_codg: 'M03900' }, known)).toBe('M01600');
    expect(chronicCodeOf({ dise_codg: 'M03900' }, known)).toBe('M03900');
    expect(chronicCodeOf({ dise_codg: 'I10' }, known)).toBeNull();
  });
});

describe('eligibility for direct settlement', () => {
  const filing = { filing_id: 1, filing_no: 'BA1', psn_no: 'p', insutype: '310', insuplc_admdvs: '230100', kind: 'other_temporary', area: '440300', begin_date: '2026-01-01', end_date: null, status: 'active', channel: 'national_app', filed_at: '' } as const;
  const covered: Coverage = { covered: true, filing, reason: 'filed', emergency_only: false };
  const notFiled: Coverage = { covered: false, filing: null, reason: 'no filing', emergency_only: true };
  const suspended: Coverage = { covered: false, filing: null, reason: 'the insurance is suspended: no direct settlement; pay in full and claim at home', emergency_only: false };
  const base: EligibilityFacts = {
    visitKind: 'outpatient',
    medType: '11',
    declaredEmergency: false,
    area: '440300',
    date: '2026-11-23',
    institution: { name: 'H', status: 'active', services: ['outpatient', 'inpatient'], chronic_diseases: ['M03900'] },
    coverage: covered,
  };
  const disease = (code: string, cross_province: boolean) => ({ code, name_zh: '病', name_en: 'd', cross_province });

  it('settles a filed visit under its filing, and an emergency without one', () => {
    expect(decideEligibility(base)).toEqual({ filing_no: 'BA1', filing_kind: 'other_temporary', emergency: false });
    expect(decideEligibility({ ...base, coverage: notFiled, medType: '13' })).toEqual({ filing_no: null, filing_kind: null, emergency: true });
    expect(decideEligibility({ ...base, coverage: notFiled, visitKind: 'inpatient', medType: '24' })).toMatchObject({ emergency: true });
    expect(decideEligibility({ ...base, coverage: notFiled, declaredEmergency: true })).toMatchObject({ emergency: true });
  });

  it('refuses with what to do', () => {
    expect(() => decideEligibility({ ...base, coverage: notFiled })).toThrow(
      'no filing covers 440300 for this person: settle in full and the person claims at home, or file late before discharge.',
    );
    expect(() => decideEligibility({ ...base, coverage: suspended, medType: '13' })).toThrow(/insurance is suspended/);
    expect(() => decideEligibility({ ...base, visitKind: 'pharmacy' })).toThrow(/no cross-regional pharmacy purchase service open/);
    expect(() => decideEligibility({ ...base, institution: { ...base.institution, status: 'suspended' } })).toThrow(/is suspended/);
  });

  it('settles a chronic disease visit only for a directly settled disease treated here and held by the person', () => {
    const chronic = (code: string, cross: boolean, qualified: boolean) => ({ ...base, medType: '14', chronic: { code, disease: disease(code, cross), qualified } });
    expect(decideEligibility(chronic('M03900', true, true))).toMatchObject({ emergency: false });
    expect(() => decideEligibility(chronic('M05300', false, true))).toThrow(/settle this visit in full for manual reimbursement/);
    expect(() => decideEligibility(chronic('M07800', true, true))).toThrow(/does not settle M07800/);
    expect(() => decideEligibility(chronic('M03900', true, false))).toThrow(/holds no qualification for M03900/);
    expect(() => decideEligibility({ ...base, medType: '14' })).toThrow(/opsp_dise_code: is required for med_type 14/);
    // A chronic disease visit is not an emergency: it needs a filing.
    expect(() => decideEligibility({ ...chronic('M03900', true, true), coverage: notFiled, declaredEmergency: true })).toThrow(/no filing covers/);
  });
});

describe('refunds', () => {
  const itemB: CatalogItem = {
    province: '440000', hilist_code: 'B', hilist_name: 'B', list_type: '101', med_chrgitm_type: '09', chrgitm_lv: '02', selfpay_prop_bp: bp(1000), pric_uplmt_fen: fen(250), begndate: '2026-01-01', enddate: null,
  };

  it('nets every part of a line to zero once all of it is refunded, in any split', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 6 }), (price, split) => {
        const qty = split.reduce((a, b) => a + b, 0) * 10000;
        const amount = mulQty(fen(price), qty);
        const original = { ...classifyLine({ amount_fen: amount, qty_e4: qty, price_fen: fen(price) }, itemB), qty_e4: qty, det_item_fee_sumamt_fen: amount };
        const left = remainderAfter(original, []);
        for (const part of split) {
          const q = -part * 10000;
          // The last refund takes what is left of the amount, whatever rounding left behind.
          const a = -left.qty_e4 === q ? fen(-left.amount_fen) : mulQty(fen(price), q);
          expect(refundProblem(left, q, a)).toBeNull();
          const c = classifyLine({ amount_fen: a, qty_e4: q, price_fen: fen(price) }, itemB);
          const parts = takesAll(left, q, a)
            ? { fulamt_ownpay_fen: fen(-left.fulamt_ownpay_fen), overlmt_fen: fen(-left.overlmt_fen), preselfpay_fen: fen(-left.preselfpay_fen), inscp_scp_fen: fen(-left.inscp_scp_fen) }
            : c;
          applyRefund(left, { ...parts, qty_e4: q, det_item_fee_sumamt_fen: a });
        }
        expect(left).toEqual({ qty_e4: 0, amount_fen: 0, fulamt_ownpay_fen: 0, overlmt_fen: 0, preselfpay_fen: 0, inscp_scp_fen: 0 });
      }),
    );
  });

  it('refuses a refund of more than is left, or a positive one', () => {
    const left = { qty_e4: 20000, amount_fen: fen(500), fulamt_ownpay_fen: fen(0), overlmt_fen: fen(0), preselfpay_fen: fen(0), inscp_scp_fen: fen(500) };
    expect(refundProblem(left, -30000, fen(-500))).toEqual({ field: 'cnt', message: 'refunds more than is left of the original line (2)' });
    expect(refundProblem(left, -10000, fen(-600))).toEqual({ field: 'det_item_fee_sumamt', message: 'refunds more than is left of the original line (5.00)' });
    expect(refundProblem(left, 10000, fen(250))).toMatchObject({ field: 'cnt' });
  });
});
