import { describe, expect, it } from 'vitest';
import { fen } from '../core/money.ts';
import type { PolicyDoc } from '../policy/model.ts';
import { emptyYearTotals, linesFromClassSplit, settle, sumParts } from './engine.ts';
import {
  basisOfCoverage,
  basisOfVisit,
  clrTypeOf,
  eligibilityOf,
  identityProblems,
  listScopeOf,
  reductionOf,
  regionLike,
  settlementYear,
  totalsIssues,
} from './rules.ts';

const doc = { reductions: { referral_bp: 500, emergency_bp: 1000, other_temporary_bp: 2000, unfiled_manual_bp: 3000 } } as PolicyDoc;

describe('the basis of a settlement and its reduction', () => {
  it('takes the filing kind, an emergency, home or nothing', () => {
    const visit = { filing_kind: null, emergency: false, insuplc_admdvs: '230100', mdtrtarea_admvs: '440300' };
    expect(basisOfVisit({ ...visit, filing_kind: 'referral' })).toEqual({ kind: 'filing', filing_kind: 'referral' });
    expect(basisOfVisit({ ...visit, emergency: true })).toEqual({ kind: 'emergency' });
    expect(basisOfVisit({ ...visit, mdtrtarea_admvs: '230100' })).toEqual({ kind: 'home' });
    expect(basisOfVisit(visit)).toEqual({ kind: 'unfiled' });
    expect(reductionOf(doc, { kind: 'filing', filing_kind: 'long_term_resident' })).toBe(0);
    expect(reductionOf(doc, { kind: 'filing', filing_kind: 'referral' })).toBe(500);
    expect(reductionOf(doc, { kind: 'filing', filing_kind: 'other_temporary' })).toBe(2000);
    expect(reductionOf(doc, { kind: 'emergency' })).toBe(1000);
    expect(reductionOf(doc, { kind: 'home' })).toBe(0);
    expect(reductionOf(doc, { kind: 'unfiled' })).toBe(3000);
  });

  it('reads an estimate’s basis from coverage', () => {
    const filing = { kind: 'stationed_worker' } as never;
    expect(basisOfCoverage({ covered: true, filing, reason: '', emergency_only: false })).toEqual({ kind: 'filing', filing_kind: 'stationed_worker' });
    expect(basisOfCoverage({ covered: true, filing: null, reason: '', emergency_only: false })).toEqual({ kind: 'home' });
    expect(basisOfCoverage({ covered: false, filing, reason: 'expired', emergency_only: true })).toEqual({ kind: 'unfiled' });
  });

  it('makes civil servants eligible for their subsidy and nobody for assistance yet', () => {
    expect(eligibilityOf('employee', '1')).toEqual({ scheme: 'employee', civil_servant: true, assistance: false });
    expect(eligibilityOf('resident', '0')).toEqual({ scheme: 'resident', civil_servant: false, assistance: false });
  });
});

describe('the HIS totals', () => {
  const lines = linesFromClassSplit({ classA_fen: fen(2000000), classB_fen: fen(800000), classC_fen: fen(200000), classB_share_bp: 1000 as never });
  const parts = sumParts(lines);

  it('accept what equals the lines and whatever is not sent', () => {
    expect(totalsIssues({}, parts)).toEqual([]);
    expect(totalsIssues({ medfee_sumamt: fen(3000000), inscp_scp_amt: fen(2720000), preselfpay_amt: fen(80000), fulamt_ownpay_amt: fen(200000), overlmt_selfpay: fen(0) }, parts)).toEqual([]);
  });

  it('name each field that differs, with both amounts in yuan', () => {
    expect(totalsIssues({ medfee_sumamt: fen(3000001), overlmt_selfpay: fen(5) }, parts)).toEqual([
      { path: 'medfee_sumamt', message: expect.stringMatching(/^is 30000\.01 yuan but the uploaded fee lines give 30000\.00 yuan/) },
      { path: 'overlmt_selfpay', message: expect.stringMatching(/^is 0\.05 yuan but the uploaded fee lines give 0\.00 yuan/) },
    ]);
  });
});

describe('identities', () => {
  const r = settle({
    bill: { lines: linesFromClassSplit({ classA_fen: fen(2000000), classB_fen: fen(800000), classC_fen: fen(200000), classB_share_bp: 1000 as never }) },
    benefit: { person_class: 'retired', med_kind: 'inpatient', levels: [3], deductible: { per: 'admission', first_fen: 120000, later_fen: 60000 }, bands: [{ up_to_fen: null, ratio_bp: 8000 }], cap_group: 'pooled', annual_cap_fen: 30000000 },
    reduction_bp: 0 as never,
    admissionOrdinal: 1,
    yearTotals: emptyYearTotals(),
    topups: [],
    eligibility: { scheme: 'employee', civil_servant: false, assistance: false },
    account: { use: true, balance_fen: fen(100000) },
  });

  it('hold on what the engine computes', () => {
    expect(identityProblems(r.setlinfo, r.setldetail)).toEqual([]);
  });

  it('say which one breaks', () => {
    expect(identityProblems({ ...r.setlinfo, acct_pay: fen(1) }, r.setldetail)).toEqual([expect.stringMatching(/^psn_part_amt .* account \+ cash/)]);
    expect(identityProblems(r.setlinfo, [])).toEqual([expect.stringMatching(/setldetail lines 0/)]);
    expect(identityProblems({ ...r.setlinfo, hifp_pay: fen(0) }, r.setldetail)).toEqual([expect.stringMatching(/the funds' payments/)]);
  });
});

describe('scopes and calendar', () => {
  it('lists by the reader: the person, the insured place, the treatment place, the institution, or all', () => {
    expect(listScopeOf({ kind: 'person', userId: 1, psnNo: 'p', name: 'n' })).toEqual({ psn_no: 'p' });
    expect(listScopeOf({ kind: 'insured_agency', userId: 1, username: 'u', region: '230000' })).toEqual({ insured: '230000' });
    expect(listScopeOf({ kind: 'treatment_agency', userId: 1, username: 'u', region: '440300' })).toEqual({ treatment: '440300' });
    expect(listScopeOf({ kind: 'institution', code: 'H44030000001', admdvs: '440300' })).toEqual({ institution: 'H44030000001' });
    expect(listScopeOf({ kind: 'national', userId: 1, username: 'u' })).toEqual({ all: true });
    expect(() => listScopeOf(undefined)).toThrow(/Sign in/);
    expect([regionLike('440000'), regionLike('440100'), regionLike('440106')]).toEqual(['44%', '4401%', '440106']);
  });

  it('counts a stay in its discharge year and the rest in the settlement year', () => {
    expect(settlementYear('2025-12-31 23:00:00', '2026-01-02')).toBe(2025);
    expect(settlementYear(null, '2026-01-02')).toBe(2026);
    expect([clrTypeOf('inpatient'), clrTypeOf('outpatient'), clrTypeOf('pharmacy')]).toEqual(['21', '11', '41']);
  });
});
