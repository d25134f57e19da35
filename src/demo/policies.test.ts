import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { policyFileIssues, policyIssues, resolveBenefit } from '../policy/rules.ts';
import { generatePolicies } from './policies.ts';
import { Rng } from './rng.ts';

const area = fc.tuple(fc.integer({ min: 11, max: 65 }), fc.integer({ min: 1, max: 30 })).map(([p, c]) => ({
  province: `${p}0000`,
  area: `${p}${String(c).padStart(2, '0')}00`,
}));
const begndate = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

describe('generatePolicies', () => {
  it('makes documents that pass every policy check, for any seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), area, begndate, (seed, a, date) => {
        const docs = generatePolicies(new Rng(seed), a.area, a.province, date);
        expect(docs.map((d) => d.insutype)).toEqual(['310', '390']);
        for (const d of docs) expect(policyIssues(d)).toEqual([]);
        expect(policyFileIssues({ policies: docs })).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic', () => {
    const a = generatePolicies(new Rng(42), '110100', '110000', '2025-01-01');
    const b = generatePolicies(new Rng(42), '110100', '110000', '2025-01-01');
    expect(a).toEqual(b);
    expect(generatePolicies(new Rng(43), '110100', '110000', '2025-01-01')).not.toEqual(a);
  });

  it('gives areas their own parameters from one generator, without consuming its draws', () => {
    const rng = new Rng(7);
    const first = generatePolicies(rng, '320100', '320000', '2025-01-01');
    const second = generatePolicies(rng, '320200', '320000', '2025-01-01');
    expect(second[0]!.benefits).not.toEqual(first[0]!.benefits);
    expect(generatePolicies(rng, '320100', '320000', '2025-01-01')).toEqual(first);
  });

  it('decides medical assistance per province', () => {
    const joined = (area: string, province: string, seed: number) =>
      generatePolicies(new Rng(seed), area, province, '2025-01-01')[0]!.settings.medical_assistance_joined;
    for (const province of ['110000', '320000', '440000', '510000', '650000']) {
      const p = province.slice(0, 2);
      const answers = new Set([joined(`${p}0100`, province, 1), joined(`${p}0200`, province, 2), joined(`${p}0300`, province, 3)]);
      expect(answers.size).toBe(1);
    }
  });

  it('draws from realistic ranges', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
        const [employee, resident] = generatePolicies(new Rng(seed), '440100', '440000', '2025-01-01');
        const inpatient = (d: typeof employee, cls: 'in_service' | 'retired' | 'resident', level: 1 | 2 | 3) =>
          resolveBenefit(d!, { personClass: cls, medKind: 'inpatient', level });

        const firsts = ([1, 2, 3] as const).map((l) => {
          const d = inpatient(employee, 'in_service', l).deductible;
          if (d.per !== 'admission') throw new Error('employee inpatient deductibles are per admission');
          expect(d.later_fen * 2).toBeGreaterThanOrEqual(d.first_fen - 2000);
          return d.first_fen;
        });
        expect(firsts[0]).toBeGreaterThanOrEqual(50_000);
        expect(firsts[2]).toBeLessThanOrEqual(180_000);
        expect(firsts[0]! < firsts[1]! && firsts[1]! < firsts[2]!).toBe(true);

        for (const l of [1, 2, 3] as const) {
          const working = inpatient(employee, 'in_service', l);
          const retired = inpatient(employee, 'retired', l);
          expect(working.bands[0]!.ratio_bp).toBeGreaterThanOrEqual(8000);
          expect(working.bands[0]!.ratio_bp).toBeLessThanOrEqual(9000);
          expect(working.bands[0]!.up_to_fen).toBeGreaterThanOrEqual(3_000_000);
          expect(working.bands[0]!.up_to_fen).toBeLessThanOrEqual(5_000_000);
          expect(working.bands[1]!.ratio_bp).toBeGreaterThan(working.bands[0]!.ratio_bp);
          expect(retired.bands[0]!.ratio_bp).toBe(Math.min(9500, working.bands[0]!.ratio_bp + 500));
          expect(working.annual_cap_fen).toBeGreaterThanOrEqual(30_000_000);
          expect(working.annual_cap_fen).toBeLessThanOrEqual(60_000_000);
        }
        const r1 = inpatient(resident, 'resident', 1).bands[0]!.ratio_bp;
        const r3 = inpatient(resident, 'resident', 3).bands[0]!.ratio_bp;
        expect(r1).toBeGreaterThanOrEqual(8000);
        expect(r3).toBeLessThanOrEqual(6500);
        expect(r3).toBeGreaterThanOrEqual(5000);

        const dialysis = resolveBenefit(resident!, { personClass: 'resident', medKind: 'chronic', level: 2, diseaseCode: 'M07800' });
        expect(dialysis.monthly_quota_fen).toBeGreaterThan(0);
        expect(dialysis.cap_group).toBe('pooled');
        const outpatient = resolveBenefit(employee!, { personClass: 'in_service', medKind: 'outpatient', level: 1 });
        expect(outpatient.cap_group).toBe('outpatient');
        expect(outpatient.annual_cap_fen).toBeLessThanOrEqual(1_000_000);

        expect(employee!.topups.map((t) => t.fund).slice(0, 2)).toEqual(['hifob', 'cvlserv']);
        expect(resident!.topups[0]!.fund).toBe('hifmi');
      }),
      { numRuns: 100 },
    );
  });
});
