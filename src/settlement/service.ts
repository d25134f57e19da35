import type { Principal } from '../auth/model.ts';
import { invalid } from '../core/errors.ts';
import { bp, fen, type Fen } from '../core/money.ts';
import type { Queryable } from '../db/pool.ts';
import { typicalClassBShare } from '../catalog/service.ts';
import { coverage } from '../filing/service.ts';
import type { Coverage } from '../filing/model.ts';
import { getPersonOverview } from '../people/service.ts';
import type { MedKind } from '../policy/model.ts';
import { personClassOf, reductionFor, resolveBenefit, schemeOf, type Level } from '../policy/rules.ts';
import { policyInForce } from '../policy/service.ts';
import { provinceOf } from '../reference/service.ts';
import { linesFromClassSplit, settle } from './engine.ts';
import type { ExplanationLine, SettlementResult } from './model.ts';
import * as store from './store.ts';

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
 * computed by the same engine that settles bills at the desk.
 */
export async function estimate(tx: Queryable, actor: Principal | undefined, input: EstimateInput, today: string): Promise<Estimate> {
  const overview = await getPersonOverview(tx, actor, input.psn_no);
  const enrolment = input.insutype
    ? overview.enrolments.find((e) => e.insutype === input.insutype)
    : overview.enrolments.find((e) => e.insuplc_admdvs === overview.person.insuplc_admdvs) ?? overview.enrolments[0];
  if (!enrolment) throw invalid('insutype', `the person is not enrolled in scheme ${input.insutype}`);
  const scheme = schemeOf(enrolment.insutype);
  if (!scheme) throw invalid('insutype', `scheme ${enrolment.insutype} has no settlement policy`);

  const split = input.split ?? { classA_fen: input.total_fen, classB_fen: fen(0), classC_fen: fen(0) };
  if (split.classA_fen + split.classB_fen + split.classC_fen !== input.total_fen) {
    throw invalid('split', 'class A + class B + class C must equal total_fen');
  }
  const policy = await policyInForce(tx, enrolment.insuplc_admdvs, enrolment.insutype, today);
  const benefit = resolveBenefit(policy.doc, {
    personClass: personClassOf(enrolment.psn_type, enrolment.insutype),
    medKind: input.med_kind,
    level: input.level,
    ...(input.disease_code ? { diseaseCode: input.disease_code } : {}),
  });
  const cover = await coverage(tx, actor, { psn_no: input.psn_no, place: input.area, date: today, insutype: enrolment.insutype });
  const kind = cover.filing?.kind ?? null;
  // Home treatment and long-term filings keep the local ratios; the reductions are for the rest.
  const reduction = cover.covered ? (kind ? reductionFor(policy.doc, kind) : bp(0)) : reductionFor(policy.doc, 'unfiled_manual');
  const classBShare = await typicalClassBShare(tx, provinceOf(input.area), today);
  const year = await store.yearTotals(tx, input.psn_no, enrolment.insutype, Number(today.slice(0, 4)), benefit.cap_group);

  const result = settle({
    bill: { lines: linesFromClassSplit({ ...split, classB_share_bp: classBShare }) },
    benefit,
    reduction_bp: reduction,
    admissionOrdinal: year.admissions + 1,
    yearTotals: year.totals,
    topups: policy.doc.topups,
    // Assistance identities are not recorded yet, so medical assistance is never assumed.
    eligibility: { scheme, civil_servant: enrolment.cvlserv_flag === '1', assistance: false },
    account: { use: scheme === 'employee' && (input.use_account ?? false), balance_fen: overview.account?.balance_fen ?? fen(0) },
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
    filing_kind: kind,
    reduction_bp: reduction,
    class_b_share_bp: classBShare,
    result,
    assumptions,
  };
}
