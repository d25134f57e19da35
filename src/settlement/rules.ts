import type { Principal } from '../auth/model.ts';
import { DomainError, type FieldIssue } from '../core/errors.ts';
import { add, bp, formatYuan, type Bp } from '../core/money.ts';
import type { Coverage } from '../filing/model.ts';
import type { FilingKind, PolicyDoc } from '../policy/model.ts';
import { reductionFor, type Scheme } from '../policy/rules.ts';
import type { DeclaredTotals, Eligibility, FeeParts, SetlDetail, SetlInfoAmounts, SettlementBasis } from './model.ts';

/** Pure decisions of the settlement service: no I/O, no clock. */

/** The ratio reduction a basis carries under the insured place's policy. */
export function reductionOf(doc: PolicyDoc, basis: SettlementBasis): Bp {
  switch (basis.kind) {
    case 'filing':
      return reductionFor(doc, basis.filing_kind);
    case 'emergency':
      return reductionFor(doc, 'emergency');
    case 'home':
      return bp(0);
    case 'unfiled':
      return reductionFor(doc, 'unfiled_manual');
  }
}

/** The basis of an expected bill in an area, from the person's coverage there (the estimate's view). */
export function basisOfCoverage(c: Coverage): SettlementBasis {
  if (!c.covered) return { kind: 'unfiled' };
  return c.filing ? { kind: 'filing', filing_kind: c.filing.kind } : { kind: 'home' };
}

/** The basis of a registered visit: its covering filing, its emergency, or treatment at home. */
export function basisOfVisit(v: { filing_kind: FilingKind | null; emergency: boolean; insuplc_admdvs: string; mdtrtarea_admvs: string }): SettlementBasis {
  if (v.filing_kind !== null) return { kind: 'filing', filing_kind: v.filing_kind };
  if (v.emergency) return { kind: 'emergency' };
  if (v.insuplc_admdvs === v.mdtrtarea_admvs) return { kind: 'home' };
  return { kind: 'unfiled' };
}

/** Who the top-up funds pay for. Assistance identities are not recorded yet, so medical assistance is never assumed. */
export function eligibilityOf(scheme: Scheme, cvlservFlag: string): Eligibility {
  return { scheme, civil_servant: cvlservFlag === '1', assistance: false };
}

/**
 * The year a settlement counts in: a stay's discharge year (its admissions and
 * deductibles are counted by discharge), otherwise the settlement's date.
 */
export function settlementYear(endtime: string | null, today: string): number {
  return Number((endtime ?? today).slice(0, 4));
}

/** clr_type of a visit: 21 inpatient, 41 pharmacy, 11 outpatient (emergency visits included). */
export function clrTypeOf(visitKind: 'outpatient' | 'inpatient' | 'pharmacy'): '11' | '21' | '41' {
  return visitKind === 'inpatient' ? '21' : visitKind === 'pharmacy' ? '41' : '11';
}

/**
 * Where the totals the HIS sends differ from the fee lines being settled:
 * one issue per field, with both values in yuan and what to do.
 */
export function totalsIssues(declared: DeclaredTotals, lines: FeeParts): FieldIssue[] {
  const actual: Required<DeclaredTotals> = {
    medfee_sumamt: add(lines.fulamt_ownpay_fen, lines.overlmt_fen, lines.preselfpay_fen, lines.inscp_scp_fen),
    fulamt_ownpay_amt: lines.fulamt_ownpay_fen,
    overlmt_selfpay: lines.overlmt_fen,
    preselfpay_amt: lines.preselfpay_fen,
    inscp_scp_amt: lines.inscp_scp_fen,
  };
  const issues: FieldIssue[] = [];
  for (const field of Object.keys(actual) as (keyof DeclaredTotals)[]) {
    const sent = declared[field];
    if (sent === undefined || sent === actual[field]) continue;
    issues.push({
      path: field,
      message: `is ${formatYuan(sent)} yuan but the uploaded fee lines give ${formatYuan(actual[field])} yuan: upload or cancel fee lines until they match the bill, or send the total of the lines`,
    });
  }
  return issues;
}

/**
 * What breaks policy.md's identities in a settlement, in words (none: it
 * holds). Every settlement is checked before it is stored or answered.
 */
export function identityProblems(s: SetlInfoAmounts, detail: readonly SetlDetail[]): string[] {
  const problems: string[] = [];
  const parts = add(s.fulamt_ownpay_amt, s.overlmt_selfpay, s.preselfpay_amt, s.inscp_scp_amt);
  if (s.medfee_sumamt !== parts) problems.push(`medfee_sumamt ${s.medfee_sumamt} ≠ the four parts ${parts}`);
  const shares = add(s.fund_pay_sumamt, s.psn_part_amt, s.hosp_part_amt);
  if (s.medfee_sumamt !== shares) problems.push(`medfee_sumamt ${s.medfee_sumamt} ≠ fund + person + hospital ${shares}`);
  const personal = add(s.acct_pay, s.psn_cash_pay);
  if (s.psn_part_amt !== personal) problems.push(`psn_part_amt ${s.psn_part_amt} ≠ account + cash ${personal}`);
  const funds = add(s.hifp_pay, s.cvlserv_pay, s.hifes_pay, s.hifmi_pay, s.hifob_pay, s.maf_pay, s.oth_pay);
  if (s.fund_pay_sumamt !== funds) problems.push(`fund_pay_sumamt ${s.fund_pay_sumamt} ≠ the funds' payments ${funds}`);
  const lines = add(...detail.map((d) => d.fund_payamt));
  if (s.fund_pay_sumamt !== lines) problems.push(`fund_pay_sumamt ${s.fund_pay_sumamt} ≠ the setldetail lines ${lines}`);
  return problems;
}

/** Which settlements a listing may show the actor: everything, or the rows of one scope. */
export type ListScope =
  | { all: true }
  | { psn_no: string }
  | { insured: string }
  | { treatment: string }
  | { institution: string };

export function listScopeOf(actor: Principal | undefined): ListScope {
  if (!actor) throw new DomainError('unauthenticated', 'Sign in first.');
  switch (actor.kind) {
    case 'system':
    case 'national':
      return { all: true };
    case 'person':
      return { psn_no: actor.psnNo };
    case 'insured_agency':
      return { insured: actor.region };
    case 'treatment_agency':
      return { treatment: actor.region };
    case 'institution':
      return { institution: actor.code };
  }
}

/** The SQL LIKE pattern of the division codes a region covers: a province its areas, a city itself. */
export function regionLike(region: string): string {
  if (region.endsWith('0000')) return `${region.slice(0, 2)}%`;
  if (region.endsWith('00')) return `${region.slice(0, 4)}%`;
  return region;
}
