import { audit } from '../auth/audit.ts';
import type { Principal } from '../auth/model.ts';
import { authorize } from '../auth/permissions.ts';
import { typicalClassBShare } from '../catalog/service.ts';
import { businessDate, isIsoDate, shanghaiDateTime } from '../core/clock.ts';
import { DomainError, invalid, invalidMany, notFound, type FieldIssue } from '../core/errors.ts';
import { setlId as newSetlId } from '../core/ids.ts';
import { fen, formatYuan, type Bp, type Fen } from '../core/money.ts';
import type { Queryable } from '../db/pool.ts';
import type { ClassifiedFeeLine, Encounter, FeeLineIn, PricedFeeLine, VisitKind } from '../encounters/model.ts';
import * as encounters from '../encounters/service.ts';
import type { Coverage } from '../filing/model.ts';
import { coverage } from '../filing/service.ts';
import { getInstitution } from '../institutions/service.ts';
import type { SettlementPosting } from '../ledger/model.ts';
import { settlementTransfers } from '../ledger/rules.ts';
import { LEDGER, postTransfers, reverseTransfers } from '../ledger/service.ts';
import { getPersonOverview, lockAccount, maskCertno, mayReveal, moveAccount, personOn } from '../people/service.ts';
import type { Enrolment } from '../people/model.ts';
import type { Benefit, MedKind, PolicyVersion } from '../policy/model.ts';
import { medKindOf, personClassOf, resolveBenefit, schemeOf, type Level, type Scheme } from '../policy/rules.ts';
import { policyInForce } from '../policy/service.ts';
import { provinceOf } from '../reference/service.ts';
import { applyYearDelta, linesFromClassSplit, reverse, settle as compute, sumParts } from './engine.ts';
import type {
  DeclaredTotals,
  Eligibility,
  ExplanationLine,
  FeeParts,
  Settlement,
  SettlementBasis,
  SettlementKind,
  SettlementResult,
  YearTotals,
} from './model.ts';
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
import * as store from './store.ts';

/**
 * Settlement at the desk: a visit's fee lines paid under the person's
 * insured-place policy by the pure engine, in one transaction with everything
 * that follows from it — the person's year totals (locked while it computes),
 * the personal account, the ledger transfers and the visit's settled state.
 * A cancellation is a new, negative settlement; nothing is edited in place.
 *
 * Locks are taken in one order everywhere: the visit, the person's year totals
 * (cap group, then top-ups), the personal account, then the ledger's rows.
 */

// ---------------------------------------------------------------- terms

/** The case a settlement or an estimate is computed for. */
export interface TermsCase {
  psn_no: string;
  enrolment: Pick<Enrolment, 'insutype' | 'psn_type' | 'insuplc_admdvs' | 'cvlserv_flag'>;
  med_kind: MedKind;
  level: Level;
  disease_code?: string;
  basis: SettlementBasis;
  /** the day whose policy applies (yyyy-MM-dd) */
  date: string;
  /** the year whose totals it counts in */
  year: number;
  /** the stay being settled, left out of its own admission count */
  mdtrt_id?: string;
  /** the manual claim being computed, left out of its own admission count */
  claim_id?: number;
  /** lock the year totals (a settlement) or only read them (an estimate, a pre-settlement) */
  lock: boolean;
}

export interface Terms {
  policy: PolicyVersion;
  scheme: Scheme;
  benefit: Benefit;
  reduction_bp: Bp;
  admission_ordinal: number | null;
  year: store.YearKey;
  yearTotals: YearTotals;
  eligibility: Eligibility;
}

/**
 * Everything the engine needs besides the bill and the account, resolved the
 * same way for an estimate, a pre-settlement and a settlement: the policy in
 * force, the benefit for the person class × medical kind × level, the basis's
 * reduction, the admission ordinal and the person's year totals.
 */
export async function resolveTerms(tx: Queryable, c: TermsCase): Promise<Terms> {
  const { insutype, insuplc_admdvs } = c.enrolment;
  const scheme = schemeOf(insutype);
  if (!scheme) throw invalid('insutype', `scheme ${insutype} has no settlement policy: settle under the basic scheme 310 or 390`);
  const policy = await policyInForce(tx, insuplc_admdvs, insutype, c.date);
  const benefit = resolveBenefit(policy.doc, {
    personClass: personClassOf(c.enrolment.psn_type, insutype),
    medKind: c.med_kind,
    level: c.level,
    ...(c.disease_code !== undefined ? { diseaseCode: c.disease_code } : {}),
  });
  const year: store.YearKey = { psn_no: c.psn_no, insutype, year: c.year, cap_group: benefit.cap_group, insuplc_admdvs };
  const yearTotals = c.lock ? await store.lockYearTotals(tx, year) : await store.yearTotals(tx, year);
  const except = { ...(c.mdtrt_id !== undefined ? { mdtrt_id: c.mdtrt_id } : {}), ...(c.claim_id !== undefined ? { claim_id: c.claim_id } : {}) };
  const ordinal = benefit.deductible.per === 'admission' ? await encounters.admissionOrdinal(tx, c.psn_no, insutype, c.year, except) : null;
  return {
    policy,
    scheme,
    benefit,
    reduction_bp: reductionOf(policy.doc, c.basis),
    admission_ordinal: ordinal,
    year,
    yearTotals,
    eligibility: eligibilityOf(scheme, c.enrolment.cvlserv_flag),
  };
}

/**
 * Counts a computation made on locked terms (`resolveTerms` with `lock`) into
 * the person's year totals: for payments that are not desk settlements, such
 * as a manual claim, in the caller's transaction.
 */
export async function recordInYearTotals(tx: Queryable, terms: Terms, result: SettlementResult): Promise<void> {
  await store.writeYearTotals(tx, { key: terms.year, totals: applyYearDelta(terms.yearTotals, result) });
}

/** The live direct settlement of an invoice number (compared without blanks and case), if any. */
export async function liveSettlementOfInvoice(tx: Queryable, invoiceNo: string): Promise<{ setl_id: string; setl_date: string } | null> {
  return store.liveSettlementOfInvoice(tx, invoiceNo);
}

function run(terms: Terms, lines: readonly FeeParts[], account: { use: boolean; balance_fen: Fen }): SettlementResult {
  const result = compute({
    bill: { lines },
    benefit: terms.benefit,
    reduction_bp: terms.reduction_bp,
    ...(terms.admission_ordinal !== null ? { admissionOrdinal: terms.admission_ordinal } : {}),
    yearTotals: terms.yearTotals,
    topups: terms.policy.doc.topups,
    eligibility: terms.eligibility,
    account: { use: account.use && terms.scheme === 'employee', balance_fen: account.balance_fen },
  });
  const problems = identityProblems(result.setlinfo, result.setldetail);
  // The engine's property tests keep this from happening; a broken identity must never be stored or answered.
  if (problems.length > 0) throw new Error(`settlement identities broken: ${problems.join('; ')}`);
  return result;
}

// ---------------------------------------------------------------- estimate

export interface EstimateInput {
  psn_no: string;
  /** the scheme; defaults to the person's basic scheme */
  insutype?: string;
  /** the treatment pooling area */
  area: string;
  level: Level;
  med_kind: MedKind;
  disease_code?: string;
  total_fen: Fen;
  /** the bill by catalogue class, when known; otherwise the whole bill is taken as class A */
  split?: { classA_fen: Fen; classB_fen: Fen; classC_fen: Fen };
  use_account?: boolean;
}

export interface Estimate {
  coverage: Coverage;
  /** direct settlement at the desk, or (not covered) what a manual claim would reimburse */
  basis: 'direct_settlement' | 'manual_claim';
  filing_kind: string | null;
  reduction_bp: number;
  class_b_share_bp: number;
  result: SettlementResult;
  assumptions: ExplanationLine[];
}

/**
 * What the funds and the person would pay for an expected bill, under the
 * person's own insured-place policy, filing kind and this year's totals —
 * computed by the same terms and engine that settle bills at the desk.
 */
export async function estimate(tx: Queryable, actor: Principal | undefined, input: EstimateInput, today: string): Promise<Estimate> {
  const overview = await getPersonOverview(tx, actor, input.psn_no);
  const enrolment = input.insutype
    ? overview.enrolments.find((e) => e.insutype === input.insutype)
    : overview.enrolments.find((e) => e.insuplc_admdvs === overview.person.insuplc_admdvs) ?? overview.enrolments[0];
  if (!enrolment) throw invalid('insutype', `the person is not enrolled in scheme ${input.insutype}`);

  const split = input.split ?? { classA_fen: input.total_fen, classB_fen: fen(0), classC_fen: fen(0) };
  if (split.classA_fen + split.classB_fen + split.classC_fen !== input.total_fen) {
    throw invalid('split', 'class A + class B + class C must equal total_fen');
  }
  const cover = await coverage(tx, actor, { psn_no: input.psn_no, place: input.area, date: today, insutype: enrolment.insutype });
  const terms = await resolveTerms(tx, {
    psn_no: input.psn_no,
    enrolment,
    med_kind: input.med_kind,
    level: input.level,
    ...(input.disease_code ? { disease_code: input.disease_code } : {}),
    basis: basisOfCoverage(cover),
    date: today,
    year: Number(today.slice(0, 4)),
    lock: false,
  });
  const classBShare = await typicalClassBShare(tx, provinceOf(input.area), today);
  const result = run(terms, linesFromClassSplit({ ...split, classB_share_bp: classBShare }), {
    use: input.use_account ?? false,
    balance_fen: overview.account?.balance_fen ?? fen(0),
  });

  const assumptions: ExplanationLine[] = [];
  if (!input.split) assumptions.push({ zh: '未提供甲乙丙类构成，按全部甲类估算', en: 'No class split given: the whole bill is taken as class A' });
  assumptions.push({
    zh: `乙类先行自付比例按就医地目录中位数 ${classBShare / 100}% 估算`,
    en: `Class-B first self-paid share taken as the treatment province's median, ${classBShare / 100} %`,
  });
  if (!cover.covered && cover.filing === null) {
    assumptions.push({
      zh: '该地区未备案：不能直接结算，须全额垫付后回参保地手工报销，按未备案比例计算',
      en: 'Not filed for this area: no direct settlement; pay in full and claim at home, at the unfiled ratio',
    });
  }
  return {
    coverage: cover,
    basis: cover.covered ? 'direct_settlement' : 'manual_claim',
    filing_kind: cover.filing?.kind ?? null,
    reduction_bp: terms.reduction_bp,
    class_b_share_bp: classBShare,
    result,
    assumptions,
  };
}

// ---------------------------------------------------------------- drafts

/** A settlement as computed, before it has an id: what a pre-settlement answers and a settlement stores. */
export type SettlementDraft = Omit<Settlement, 'setl_id' | 'kind' | 'reverses' | 'origin_setl_id' | 'live' | 'created_at'>;

/** What a settlement request says besides the visit. */
export interface SettleOptions {
  /** acct_used_flag: pay the personal share from the personal account (employees, up to the balance) */
  use_account: boolean;
  /** the bill's totals as the HIS sends them; each sent one must equal the fee lines' */
  declared?: DeclaredTotals;
  /** the HIS message (answered as medins_setl_id) */
  msgid?: string;
  invono?: string;
  mid_setl_flag?: boolean;
  mdtrt_cert_type?: string;
}

export interface SettleRequest extends SettleOptions {
  mdtrt_id: string;
  /** checked against the visit when given */
  psn_no?: string;
  insutype?: string;
  /** the transaction's kind of visit (2207 outpatient, 2304 inpatient): checked when given */
  visit_kind?: VisitKind;
  /** checked against the visit's (2203 changes it) when given */
  med_type?: string;
}

interface DraftCase {
  psn_no: string;
  insutype: string;
  fixmedins_code: string;
  mdtrtarea_admvs: string;
  med_type: string;
  visit_kind: VisitKind;
  disease_code: string | null;
  basis: SettlementBasis;
  filing_no: string | null;
  endtime: string | null;
  /** '' for a purchase priced before it is registered */
  mdtrt_id: string;
  lines: readonly FeeParts[];
  line_ids: number[];
}

/** Computes the settlement of `c`'s lines on `now`; with `lock`, the year totals and the account stay locked for writing. */
async function draft(tx: Queryable, c: DraftCase, o: SettleOptions, now: Date, lock: boolean): Promise<{ draft: SettlementDraft; terms: Terms; result: SettlementResult }> {
  const today = businessDate(now);
  if (c.basis.kind === 'unfiled') {
    throw new DomainError('business_rule', `visit ${c.mdtrt_id} is covered by no filing or emergency: it cannot be settled directly; settle in full for a manual claim.`);
  }
  if (c.lines.length === 0) {
    throw new DomainError('business_rule', `visit ${c.mdtrt_id} has no unsettled fee lines: upload them (2301/2204) before settling.`);
  }
  const declared = totalsIssues(o.declared ?? {}, sumParts(c.lines));
  if (declared.length > 0) throw invalidMany(declared, 'the totals sent do not match the uploaded fee lines');
  const { person, age, insurance: enrolment } = await personOn(tx, c.psn_no, c.insutype, today);
  const institution = await getInstitution(tx, c.fixmedins_code);
  const medKind = medKindOf(c.med_type);
  const terms = await resolveTerms(tx, {
    psn_no: c.psn_no,
    enrolment,
    med_kind: medKind,
    level: institution.level,
    ...(medKind === 'chronic' && c.disease_code !== null ? { disease_code: c.disease_code } : {}),
    basis: c.basis,
    date: c.endtime?.slice(0, 10) ?? today,
    year: settlementYear(c.endtime, today),
    ...(c.mdtrt_id !== '' ? { mdtrt_id: c.mdtrt_id } : {}),
    lock,
  });
  const balance = terms.scheme === 'employee' ? await lockAccount(tx, c.psn_no) : null;
  const result = run(terms, c.lines, { use: o.use_account && balance !== null, balance_fen: balance ?? fen(0) });
  return {
    terms,
    result,
    draft: {
      mdtrt_id: c.mdtrt_id,
      psn_no: c.psn_no,
      fixmedins_code: c.fixmedins_code,
      insuplc_admdvs: enrolment.insuplc_admdvs,
      mdtrtarea_admvs: c.mdtrtarea_admvs,
      insutype: c.insutype,
      psn_type: enrolment.psn_type,
      med_type: c.med_type,
      clr_type: clrTypeOf(c.visit_kind),
      setl_time: shanghaiDateTime(now),
      setl_date: today,
      setl_month: today.slice(0, 7),
      msgid: o.msgid ?? null,
      invono: o.invono ?? null,
      acct_used_flag: o.use_account ? '1' : '0',
      mid_setl_flag: o.mid_setl_flag ? '1' : '0',
      psn_name: person.name,
      psn_cert_type: person.psn_cert_type,
      certno: person.certno,
      gend: person.gender,
      naty: person.naty,
      brdy: person.birth_date,
      age,
      cvlserv_flag: enrolment.cvlserv_flag,
      mdtrt_cert_type: o.mdtrt_cert_type ?? null,
      terms: {
        level: institution.level,
        med_kind: medKind,
        filing_no: c.filing_no,
        filing_kind: c.basis.kind === 'filing' ? c.basis.filing_kind : null,
        emergency: c.basis.kind === 'emergency',
        reduction_bp: terms.reduction_bp,
        policy_version_id: terms.policy.id,
        year: terms.year.year,
        cap_group: terms.year.cap_group,
        admission_ordinal: terms.admission_ordinal,
      },
      amounts: result.setlinfo,
      setldetail: result.setldetail,
      explanation: result.explanation,
      year_totals_before: result.yearTotalsBefore,
      year_totals_after: result.yearTotalsAfter,
      line_ids: c.line_ids,
    },
  };
}

const CANCEL_INFNO: Record<VisitKind, string> = { inpatient: '2305', outpatient: '2208', pharmacy: '2103' };
const KIND_WORDS: Record<VisitKind, string> = { outpatient: 'an outpatient visit', inpatient: 'an admission', pharmacy: 'a pharmacy purchase' };

/** The visit locked for settling, checked against what the request names. */
async function visitToSettle(tx: Queryable, actor: Principal | undefined, r: SettleRequest) {
  const v = await encounters.visitForSettlement(tx, actor, r.mdtrt_id);
  const visit = v.visit;
  const issues: FieldIssue[] = [];
  if (r.psn_no !== undefined && r.psn_no !== visit.psn_no) issues.push({ path: 'psn_no', message: `is not the person of visit ${visit.mdtrt_id}: send the psn_no the visit was registered for` });
  if (r.insutype !== undefined && r.insutype !== visit.insutype) issues.push({ path: 'insutype', message: `is not the scheme of visit ${visit.mdtrt_id} (${visit.insutype})` });
  if (r.med_type !== undefined && r.med_type !== visit.med_type) {
    issues.push({ path: 'med_type', message: `is ${r.med_type} but visit ${visit.mdtrt_id} is med_type ${visit.med_type}: send the visit's med_type, or change it first (2203/2403)` });
  }
  if (issues.length > 0) throw invalidMany(issues, 'the request does not match the visit');
  if (r.visit_kind !== undefined && r.visit_kind !== visit.visit_kind) {
    throw new DomainError('business_rule', `visit ${visit.mdtrt_id} is ${KIND_WORDS[visit.visit_kind]}, not ${KIND_WORDS[r.visit_kind]}: use the settlement transaction for ${KIND_WORDS[visit.visit_kind]}.`);
  }
  if (visit.settled_setl_id !== null) {
    throw new DomainError(
      'business_rule',
      `visit ${visit.mdtrt_id} is already settled as setl_id ${visit.settled_setl_id}; cancel it with ${CANCEL_INFNO[visit.visit_kind]} first to settle it again.`,
    );
  }
  return v;
}

function caseOf(visit: Encounter, lines: readonly ClassifiedFeeLine[]): DraftCase {
  return {
    psn_no: visit.psn_no,
    insutype: visit.insutype,
    fixmedins_code: visit.fixmedins_code,
    mdtrtarea_admvs: visit.mdtrtarea_admvs,
    med_type: visit.med_type,
    visit_kind: visit.visit_kind,
    disease_code: visit.opsp_dise_code,
    basis: basisOfVisit(visit),
    filing_no: visit.filing_no,
    endtime: visit.endtime,
    mdtrt_id: visit.mdtrt_id,
    lines,
    line_ids: lines.map((l) => l.id),
  };
}

// ---------------------------------------------------------------- settle

/** Pre-settlement (2303/2206): what settling the visit now would give. Nothing is written or kept locked. */
export async function preSettle(tx: Queryable, actor: Principal | undefined, r: SettleRequest, now: Date): Promise<SettlementDraft> {
  const { visit, lines } = await visitToSettle(tx, actor, r);
  return (await draft(tx, caseOf(visit, lines), r, now, false)).draft;
}

/**
 * Settles a visit (2304/2207): its unsettled fee lines, once. The HIS's totals
 * must equal the lines'; the person's year totals are locked, computed on and
 * updated; the account is debited; the ledger transfers are posted; the lines
 * become settled. All in the caller's transaction.
 */
export async function settle(tx: Queryable, actor: Principal | undefined, r: SettleRequest, now: Date): Promise<Settlement> {
  const { visit, lines } = await visitToSettle(tx, actor, r);
  const { draft: d, terms, result } = await draft(tx, caseOf(visit, lines), r, now, true);
  const setlId = await nextSetlId(tx, visit.mdtrtarea_admvs, d.setl_date);
  const row = { ...d, setl_id: setlId, kind: 'settle' as const, reverses: null, origin_setl_id: setlId };
  const yearTotals = { key: terms.year, totals: applyYearDelta(terms.yearTotals, result) };
  await write(tx, actor!, row, now, { amount: fen(-d.amounts.acct_pay), reason: 'settlement', fresh: false }, yearTotals);
  await post(tx, actor!, row);
  await encounters.markSettled(tx, visit.mdtrt_id, setlId, d.line_ids);
  return { ...row, live: true, created_at: now.toISOString() };
}

async function nextSetlId(tx: Queryable, area: string, date: string): Promise<string> {
  // Serials wrap after 10 billion; the date in the id keeps wrapped ones apart.
  return newSetlId(area, date, (await store.nextSetlSerial(tx)) % 10_000_000_000);
}

type Row = Omit<Settlement, 'live' | 'created_at'>;

/**
 * Moves the account by `move` (negative: paid from it), stores the row with
 * the balance after and the person's year totals after it, and audits it. A
 * settlement's computed balance is already the locked one; a later row of its
 * chain reads the balance afresh.
 */
async function write(tx: Queryable, actor: Principal, row: Row, now: Date, move: { amount: Fen; reason: string; fresh: boolean }, yearTotals: store.YearTotalsWrite): Promise<void> {
  if (move.amount !== 0) {
    row.amounts = { ...row.amounts, balc: await moveAccount(tx, { psn_no: row.psn_no, amount_fen: move.amount, reason: move.reason, ref: row.setl_id, at: now }) };
  } else if (move.fresh) {
    row.amounts = { ...row.amounts, balc: (await lockAccount(tx, row.psn_no)) ?? fen(0) };
  }
  const { setl_time: _text, ...rest } = row;
  await store.insertSettlement(tx, { ...rest, setl_time: now, created_at: now }, yearTotals);
  await audit(tx, actor, row.kind, 'settlement', row.setl_id, {
    mdtrt_id: row.mdtrt_id,
    reverses: row.reverses,
    medfee_sumamt_fen: row.amounts.medfee_sumamt,
    fund_pay_sumamt_fen: row.amounts.fund_pay_sumamt,
    acct_pay_fen: row.amounts.acct_pay,
  });
}

const isCrossRegional = (s: Pick<Settlement, 'insuplc_admdvs' | 'mdtrtarea_admvs'>) => s.insuplc_admdvs !== s.mdtrtarea_admvs;

/** The ledger's view of a row; the treatment place is the institution's own pooling area. */
function posting(s: Row): SettlementPosting {
  return {
    setl_id: s.setl_id,
    business_date: s.setl_date,
    psn_no: s.psn_no,
    insured_area: s.insuplc_admdvs,
    treatment_area: s.mdtrtarea_admvs,
    institution: { code: s.fixmedins_code, admdvs: s.mdtrtarea_admvs },
    fund_fen: s.amounts.fund_pay_sumamt,
    acct_fen: s.amounts.acct_pay,
    cash_fen: s.amounts.psn_cash_pay,
  };
}

/** Posts a settlement's (or reinstatement's) transfers; a settlement at home moves no money between places. */
async function post(tx: Queryable, actor: Principal, s: Row): Promise<void> {
  if (!isCrossRegional(s)) return;
  const transfers = settlementTransfers(posting(s));
  if (transfers.length > 0) await postTransfers(tx, LEDGER, transfers, { onBehalfOf: actor });
}

// ---------------------------------------------------------------- cancel

export interface CancelRequest {
  setl_id: string;
  /** checked against the settlement when given */
  mdtrt_id?: string;
  psn_no?: string;
  /** the transaction's kind of visit (2208 outpatient, 2305 inpatient, 2103 pharmacy): checked when given */
  visit_kind?: VisitKind;
  msgid?: string;
}

function resultOf(s: Pick<Settlement, 'amounts' | 'setldetail' | 'year_totals_before' | 'year_totals_after' | 'explanation' | 'kind'>): SettlementResult {
  return {
    setlinfo: s.amounts,
    setldetail: s.setldetail,
    yearTotalsBefore: s.year_totals_before,
    yearTotalsAfter: s.year_totals_after,
    explanation: s.explanation,
    reversal: s.kind === 'cancel',
  };
}

/** The settlement the request names, its visit locked, and the row of its chain in force now. */
async function chainOf(tx: Queryable, actor: Principal | undefined, r: CancelRequest): Promise<{ named: Settlement; head: Settlement; visit: Encounter }> {
  const named = await store.settlementById(tx, r.setl_id);
  if (!named) throw new DomainError('not_found', `there is no settlement ${r.setl_id}: send the setl_id the settlement answered.`);
  const { visit } = await encounters.visitForSettlement(tx, actor, named.mdtrt_id);
  const issues: FieldIssue[] = [];
  if (r.mdtrt_id !== undefined && r.mdtrt_id !== named.mdtrt_id) issues.push({ path: 'mdtrt_id', message: `is not the visit of settlement ${named.setl_id} (${named.mdtrt_id})` });
  if (r.psn_no !== undefined && r.psn_no !== named.psn_no) issues.push({ path: 'psn_no', message: `is not the person of settlement ${named.setl_id}` });
  if (issues.length > 0) throw invalidMany(issues, 'the request does not match the settlement');
  if (r.visit_kind !== undefined && r.visit_kind !== visit.visit_kind) {
    throw new DomainError('business_rule', `settlement ${named.setl_id} is of ${KIND_WORDS[visit.visit_kind]}: cancel it with ${CANCEL_INFNO[visit.visit_kind]}.`);
  }
  // Read after the visit's lock: every change of the chain holds that lock.
  return { named, head: await store.chainHead(tx, named.origin_setl_id), visit };
}

/**
 * Cancels a settlement (2305/2208): a new settlement with every amount
 * negated that points at it; the year totals take back its share, the account
 * is refunded, its ledger transfers are reversed and its lines wait for a
 * settlement again. The visit may then be settled again.
 */
export async function cancel(tx: Queryable, actor: Principal | undefined, r: CancelRequest, now: Date): Promise<Settlement> {
  const { named, head, visit } = await chainOf(tx, actor, r);
  if (named.kind === 'cancel') throw new DomainError('business_rule', `setl_id ${named.setl_id} is itself a cancellation (of ${named.reverses}): nothing to cancel.`);
  if (head.kind === 'cancel') {
    throw new DomainError('business_rule', `settlement ${named.setl_id} was already cancelled (setl_id ${head.setl_id} on ${head.setl_time}): settle the visit again if needed.`);
  }
  return cancelLive(tx, actor!, head, visit, r.msgid, now);
}

async function cancelLive(tx: Queryable, actor: Principal, live: Settlement, visit: Encounter, msgid: string | undefined, now: Date): Promise<Settlement> {
  const key: store.YearKey = { psn_no: live.psn_no, insutype: live.insutype, year: live.terms.year, cap_group: live.terms.cap_group, insuplc_admdvs: live.insuplc_admdvs };
  const current = await store.lockYearTotals(tx, key);
  const reversed = reverse(resultOf(live));

  const today = businessDate(now);
  const setlId = await nextSetlId(tx, live.mdtrtarea_admvs, today);
  const row = rowFrom(live, reversed, { setl_id: setlId, kind: 'cancel', reverses: live.setl_id, msgid, now });
  await write(tx, actor, row, now, { amount: fen(live.amounts.acct_pay), reason: 'settlement cancelled', fresh: true }, { key, totals: applyYearDelta(current, reversed) });
  if (isCrossRegional(live)) {
    const ids = settlementTransfers(posting(live)).map((t) => t.id);
    if (ids.length > 0) {
      await reverseTransfers(tx, LEDGER, ids, {
        idFor: (id) => id.replace(live.setl_id, setlId),
        business_date: today,
        reason: `settlement ${live.setl_id} cancelled by ${setlId}`,
        ref_id: setlId,
        onBehalfOf: actor,
      });
    }
  }
  await encounters.markUnsettled(tx, visit.mdtrt_id, live.setl_id);
  return { ...row, live: false, created_at: now.toISOString() };
}

/** A new row of `from`'s chain carrying `result`'s amounts, dated now. */
function rowFrom(
  from: Settlement,
  result: SettlementResult,
  o: { setl_id: string; kind: SettlementKind; reverses: string; msgid: string | undefined; now: Date },
): Row {
  const { live: _live, created_at: _created, ...rest } = from;
  const today = businessDate(o.now);
  return {
    ...rest,
    setl_id: o.setl_id,
    kind: o.kind,
    reverses: o.reverses,
    origin_setl_id: from.origin_setl_id,
    setl_time: shanghaiDateTime(o.now),
    setl_date: today,
    setl_month: today.slice(0, 7),
    msgid: o.msgid ?? null,
    amounts: result.setlinfo,
    setldetail: result.setldetail,
    explanation: result.explanation,
    year_totals_before: result.yearTotalsBefore,
    year_totals_after: result.yearTotalsAfter,
  };
}

// ---------------------------------------------------------------- reversal of HIS messages (2601)

/** What undoing a message did: the new row, or nothing when its effect was already gone. */
export interface Undone {
  made: Settlement | null;
  /** the chain's row in force (or last cancellation) afterwards */
  head: Settlement;
}

/**
 * Undoes a settlement message (2601 of a 2304/2207): the settlement it made is
 * cancelled as 2305 would, or nothing is done when it is cancelled already.
 */
export async function undoSettlement(tx: Queryable, actor: Principal | undefined, r: CancelRequest, now: Date): Promise<Undone> {
  const { head, visit } = await chainOf(tx, actor, r);
  if (head.kind === 'cancel') return { made: null, head };
  const made = await cancelLive(tx, actor!, head, visit, r.msgid, now);
  return { made, head: made };
}

/**
 * Undoes a cancellation message (2601 of a 2305/2208): the cancelled
 * settlement is in force again with its own amounts — not settled afresh —
 * as a `reinstate` row reversing the cancellation: the year totals take it
 * back, the account pays again, the ledger transfers are posted again and its
 * lines are settled again. Refused when the visit was settled again
 * meanwhile or the account no longer covers its share; nothing is done when
 * the cancellation was undone already.
 */
export async function undoCancellation(tx: Queryable, actor: Principal | undefined, r: CancelRequest, now: Date): Promise<Undone> {
  const { named, head, visit } = await chainOf(tx, actor, r);
  if (named.kind !== 'cancel') throw new DomainError('business_rule', `setl_id ${named.setl_id} is not a cancellation: nothing to undo.`);
  if (head.setl_id !== named.setl_id) return { made: null, head };
  if (visit.settled_setl_id !== null) {
    throw new DomainError(
      'business_rule',
      `visit ${visit.mdtrt_id} was settled again as setl_id ${visit.settled_setl_id} after the cancellation: cancel that settlement (${CANCEL_INFNO[visit.visit_kind]}) before reversing the cancellation.`,
    );
  }
  const key: store.YearKey = { psn_no: named.psn_no, insutype: named.insutype, year: named.terms.year, cap_group: named.terms.cap_group, insuplc_admdvs: named.insuplc_admdvs };
  const current = await store.lockYearTotals(tx, key);
  const reinstated = reverse(resultOf(named));
  const acct = reinstated.setlinfo.acct_pay;
  if (acct > 0) {
    const balance = (await lockAccount(tx, named.psn_no)) ?? fen(0);
    if (balance < acct) {
      throw new DomainError(
        'business_rule',
        `the personal account now holds ${formatYuan(balance)} yuan, less than the ${formatYuan(acct)} yuan the settlement paid from it: the cancellation cannot be reversed; settle the visit again instead.`,
      );
    }
  }
  const setlId = await nextSetlId(tx, named.mdtrtarea_admvs, businessDate(now));
  const row = rowFrom(named, reinstated, { setl_id: setlId, kind: 'reinstate', reverses: named.setl_id, msgid: r.msgid, now });
  await write(tx, actor!, row, now, { amount: fen(-acct), reason: 'settlement cancellation reversed', fresh: true }, { key, totals: applyYearDelta(current, reinstated) });
  await post(tx, actor!, row);
  await encounters.markSettled(tx, visit.mdtrt_id, setlId, row.line_ids);
  const made = { ...row, live: true, created_at: now.toISOString() };
  return { made, head: made };
}

// ---------------------------------------------------------------- pharmacy

/** A drug purchase at a pharmacy (2101/2102): the person, the lines and how they pay. */
export interface PurchaseInput extends SettleOptions {
  psn_no: string;
  insutype: string;
  /** yyyy-MM-dd HH:mm:ss; now when not sent */
  begntime?: string;
  insuplc_admdvs?: string;
  mdtrt_cert_no?: string;
  dise_codg?: string;
  dise_name?: string;
  lines: FeeLineIn[];
}

const PHARMACY_MED_TYPE = '41';

/**
 * Pre-settlement of a purchase (2101): the lines classified and the
 * settlement computed, nothing recorded. The person must be covered in the
 * pharmacy's area (a filing, or insured there).
 */
export async function prePurchase(tx: Queryable, actor: Principal | undefined, p: PurchaseInput, now: Date): Promise<{ draft: SettlementDraft; lines: PricedFeeLine[] }> {
  const lines = await encounters.classifyFees(tx, actor, p.lines, now);
  if (actor?.kind !== 'institution') throw new DomainError('forbidden', 'Purchases are priced by designated pharmacies through the hospital interface.');
  const pharmacy = actor;
  const today = businessDate(now);
  const cover = await coverage(tx, actor, { psn_no: p.psn_no, place: pharmacy.admdvs, date: today, insutype: p.insutype });
  if (!cover.covered) throw new DomainError('business_rule', `${cover.reason}.`);
  const { draft: d } = await draft(
    tx,
    {
      psn_no: p.psn_no,
      insutype: p.insutype,
      fixmedins_code: pharmacy.code,
      mdtrtarea_admvs: pharmacy.admdvs,
      med_type: PHARMACY_MED_TYPE,
      visit_kind: 'pharmacy',
      disease_code: null,
      basis: basisOfCoverage(cover),
      filing_no: cover.filing?.filing_no ?? null,
      endtime: null,
      mdtrt_id: '',
      lines,
      line_ids: [],
    },
    p,
    now,
    false,
  );
  return { draft: d, lines };
}

/**
 * A purchase settled in one call (2102): the purchase registered as a
 * pharmacy visit, its lines uploaded and classified, and the visit settled,
 * in the caller's transaction.
 */
export async function purchase(tx: Queryable, actor: Principal | undefined, p: PurchaseInput, now: Date): Promise<{ settlement: Settlement; lines: ClassifiedFeeLine[] }> {
  const { mdtrt_id } = await encounters.register(
    tx,
    actor,
    {
      visit_kind: 'pharmacy',
      psn_no: p.psn_no,
      insutype: p.insutype,
      begntime: p.begntime ?? shanghaiDateTime(now),
      med_type: PHARMACY_MED_TYPE,
      ...(p.insuplc_admdvs !== undefined ? { insuplc_admdvs: p.insuplc_admdvs } : {}),
      ...(p.mdtrt_cert_type !== undefined ? { mdtrt_cert_type: p.mdtrt_cert_type } : {}),
      ...(p.mdtrt_cert_no !== undefined ? { mdtrt_cert_no: p.mdtrt_cert_no } : {}),
      ...(p.dise_codg !== undefined ? { dise_codg: p.dise_codg } : {}),
      ...(p.dise_name !== undefined ? { dise_name: p.dise_name } : {}),
      ...(p.msgid !== undefined ? { msgid: p.msgid } : {}),
    },
    now,
  );
  const lines = await encounters.uploadFees(tx, actor, mdtrt_id, p.lines, now);
  const settlement = await settle(tx, actor, { ...p, mdtrt_id }, now);
  return { settlement, lines };
}

/** Cancels a purchase (2103): its settlement is cancelled and the purchase itself with its lines. */
export async function cancelPurchase(tx: Queryable, actor: Principal | undefined, r: CancelRequest, now: Date): Promise<Settlement> {
  const cancelled = await cancel(tx, actor, { ...r, visit_kind: 'pharmacy' }, now);
  await encounters.cancelFees(tx, actor, cancelled.mdtrt_id, { all: true }, now);
  await encounters.cancelRegistration(tx, actor, cancelled.mdtrt_id, now);
  return cancelled;
}

// ---------------------------------------------------------------- reading

function readable(actor: Principal | undefined, s: Settlement): void {
  authorize(actor, 'settlement.read', { psnNo: s.psn_no, region: s.insuplc_admdvs, treatment: s.mdtrtarea_admvs, institution: s.fixmedins_code });
}

/** The ID number is shown in full to the person and their insured place only. */
function shown(actor: Principal, s: Settlement): Settlement {
  return mayReveal(actor, s) ? s : { ...s, certno: maskCertno(s.certno) };
}

/** One settlement row, for whoever may read it. */
export async function getSettlement(tx: Queryable, actor: Principal | undefined, setlId: string): Promise<Settlement> {
  const s = await store.settlementById(tx, setlId);
  if (!s) throw notFound(`settlement ${setlId}`);
  readable(actor, s);
  return shown(actor!, s);
}

export interface SettlementQuery {
  psn_no?: string;
  fixmedins_code?: string;
  mdtrt_id?: string;
  /** an insured area, city or province */
  insuplc_admdvs?: string;
  /** a treatment area, city or province */
  mdtrtarea_admvs?: string;
  /** yyyy-MM */
  month?: string;
  from?: string;
  to?: string;
  page?: number;
  page_size?: number;
}

const MAX_PAGE_SIZE = 500;

/**
 * Settlements the actor may read, newest first: a person their own, an
 * insured-place agency its insured persons', a treatment-place agency its
 * area's, an institution its own, the national operator all.
 */
export async function listSettlements(
  tx: Queryable,
  actor: Principal | undefined,
  q: SettlementQuery,
): Promise<{ items: Settlement[]; total: number; page: number; page_size: number }> {
  const scope = listScopeOf(actor);
  const issues: FieldIssue[] = [];
  for (const f of ['insuplc_admdvs', 'mdtrtarea_admvs'] as const) {
    if (q[f] !== undefined && !/^\d{6}$/.test(q[f])) issues.push({ path: f, message: 'must be a 6-digit division code' });
  }
  if (q.month !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(q.month)) issues.push({ path: 'month', message: 'must be yyyy-MM' });
  for (const f of ['from', 'to'] as const) if (q[f] !== undefined && !isIsoDate(q[f])) issues.push({ path: f, message: 'must be a date yyyy-MM-dd' });
  const page = q.page ?? 1;
  const pageSize = q.page_size ?? 50;
  if (!Number.isSafeInteger(page) || page < 1) issues.push({ path: 'page', message: 'must be a whole number ≥ 1' });
  if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) issues.push({ path: 'page_size', message: `must be 1..${MAX_PAGE_SIZE}` });
  if (issues.length > 0) throw invalidMany(issues, 'the query has errors');
  if ('psn_no' in scope && q.psn_no !== undefined && q.psn_no !== scope.psn_no) throw new DomainError('forbidden', "a person may read their own settlements only");
  const { rows, total } = await store.listSettlements(tx, {
    scope: 'insured' in scope ? { insured: regionLike(scope.insured) } : 'treatment' in scope ? { treatment: regionLike(scope.treatment) } : scope,
    ...(q.psn_no !== undefined ? { psn_no: q.psn_no } : {}),
    ...(q.fixmedins_code !== undefined ? { fixmedins_code: q.fixmedins_code } : {}),
    ...(q.mdtrt_id !== undefined ? { mdtrt_id: q.mdtrt_id } : {}),
    ...(q.insuplc_admdvs !== undefined ? { insured: regionLike(q.insuplc_admdvs) } : {}),
    ...(q.mdtrtarea_admvs !== undefined ? { treatment: regionLike(q.mdtrtarea_admvs) } : {}),
    ...(q.month !== undefined ? { month: q.month } : {}),
    ...(q.from !== undefined ? { from: q.from } : {}),
    ...(q.to !== undefined ? { to: q.to } : {}),
    limit: pageSize,
    offset: (page - 1) * pageSize,
  });
  return { items: rows.map((r) => shown(actor!, r)), total, page, page_size: pageSize };
}

/** A person's settlement slips, newest first (the person, or staff who may read their records). */
export async function settlementsOfPerson(
  tx: Queryable,
  actor: Principal | undefined,
  psnNo: string,
  q: Pick<SettlementQuery, 'page' | 'page_size' | 'month'> = {},
): Promise<{ items: Settlement[]; total: number; page: number; page_size: number }> {
  return listSettlements(tx, actor, { ...q, psn_no: psnNo });
}
