import type { Bp, Fen } from '../core/money.ts';
import type { ItemClass } from '../catalog/model.ts';
import type { Benefit, FilingKind, Fund, MedKind, TopUp } from '../policy/model.ts';

/**
 * The settlement calculation's inputs and outputs. The same engine prices an
 * estimate before travelling, settles a hospital bill and computes a manual
 * claim, so nothing here knows about HIS messages, visits or the database:
 * the callers resolve the benefit, the reduction and the year totals first.
 */

export type Scheme = 'employee' | 'resident';

/** A fee line as the hospital sends it (2301/2204 `feedetail`), in fen and ten-thousandths. */
export interface FeeLineInput {
  /** det_item_fee_sumamt; negative on a refund line */
  amount_fen: Fen;
  /** cnt × 10000; negative on a refund line */
  qty_e4: number;
  /** pric, the unit price */
  price_fen: Fen;
}

/** The four parts of a bill (or of one line). They always sum to its amount. */
export interface FeeParts {
  /** not in the catalogue or class C: fulamt_ownpay_amt */
  fulamt_ownpay_fen: Fen;
  /** above the price cap: overlmt_amt on a line, overlmt_selfpay on the settlement */
  overlmt_fen: Fen;
  /** class B first self-paid share: preselfpay_amt */
  preselfpay_fen: Fen;
  /** in the policy scope: inscp_scp_amt */
  inscp_scp_fen: Fen;
}

/** A classified line: the answer to fee upload (2301/2204 `result[]`), in fen. */
export interface LineClassification extends FeeParts {
  /** false when the item is not in the treatment-place catalogue (reported as class 03) */
  listed: boolean;
  chrgitm_lv: ItemClass;
  /** selfpay_prop: 0 for class A, the B share for class B, 10000 for class C and unlisted items */
  selfpay_prop_bp: Bp;
  pric_uplmt_fen: Fen | null;
}

/** A class split as an estimate knows it: totals per catalogue class, one share for all class-B items. */
export interface ClassSplit {
  classA_fen: Fen;
  classB_fen: Fen;
  classC_fen: Fen;
  classB_share_bp: Bp;
}

/** What one top-up fund has done this year for the person. */
export interface TopUpYear {
  /** what the fund has paid */
  paid_fen: Fen;
  /** the fund's base accumulated so far (the amount its threshold and bands are measured on) */
  base_fen: Fen;
}

/**
 * The person's running totals for the year under one insured-place policy and
 * one cap group. They are read (locked) before a settlement and written after it.
 */
export interface YearTotals {
  /** deductible paid this year (what an annual deductible counts against) */
  deductible_paid_fen: Fen;
  /** pooled fund paid this year in the benefit's cap group */
  pooled_paid_fen: Fen;
  topups: Record<Fund, TopUpYear>;
}

/** Who the person is, as far as the top-up funds care. */
export interface Eligibility {
  scheme: Scheme;
  /** cvlserv_flag: the civil servant subsidy applies */
  civil_servant: boolean;
  /** an assistance identity (psn_idet_type) where the insured province joined medical assistance */
  assistance: boolean;
}

export interface AccountInput {
  /** acct_used_flag: pay the personal share from the personal account (employees only) */
  use: boolean;
  balance_fen: Fen;
}

/** The bill: classified lines (a hospital's upload) or their totals (an estimate, a claim's invoice). */
export type Bill = { lines: readonly FeeParts[] } | { totals: FeeParts };

export interface SettlementInput {
  bill: Bill;
  /** the insured-place rule for this person class, medical kind and hospital level */
  benefit: Benefit;
  /** the filing kind's reduction, subtracted from every band's ratio (floored at 0) */
  reduction_bp: Bp;
  /** 1 for the first admission of the year, 2+ later; needed only when the deductible is per admission */
  admissionOrdinal?: number;
  yearTotals: YearTotals;
  /** the policy's top-up funds; those the person is not eligible for are skipped */
  topups: readonly TopUp[];
  eligibility: Eligibility;
  account: AccountInput;
}

/** The money of a `setlinfo`, in fen, named as the HIS interface names them. */
export interface SetlInfoAmounts {
  medfee_sumamt: Fen;
  fulamt_ownpay_amt: Fen;
  overlmt_selfpay: Fen;
  preselfpay_amt: Fen;
  inscp_scp_amt: Fen;
  act_pay_dedc: Fen;
  hifp_pay: Fen;
  pool_prop_selfpay: Fen;
  cvlserv_pay: Fen;
  hifes_pay: Fen;
  hifmi_pay: Fen;
  hifob_pay: Fen;
  maf_pay: Fen;
  oth_pay: Fen;
  fund_pay_sumamt: Fen;
  psn_part_amt: Fen;
  acct_pay: Fen;
  psn_cash_pay: Fen;
  hosp_part_amt: Fen;
  /** the personal account balance after this settlement */
  balc: Fen;
}

/** `fund_pay_type` codes the engine pays from. */
export type FundPayType = '310100' | '310200' | '320100' | '330100' | '390100' | '390200' | '610100';

export const POOLED_FUND_PAY_TYPE: Record<Scheme, FundPayType> = { employee: '310100', resident: '390100' };
/** The employee personal account: a payment channel of the personal share, never a `setldetail` fund line. */
export const ACCOUNT_FUND_PAY_TYPE: FundPayType = '310200';
export const TOPUP_FUND_PAY_TYPE: Record<Fund, FundPayType> = { cvlserv: '320100', hifob: '330100', hifmi: '390200', maf: '610100' };

export const FUND_PAY_TYPE_NAMES: Record<FundPayType, { zh: string; en: string }> = {
  '310100': { zh: '职工基本医疗保险统筹基金', en: "employees' basic medical insurance pooled fund" },
  '310200': { zh: '职工基本医疗保险个人账户', en: "employees' personal account" },
  '320100': { zh: '公务员医疗补助资金', en: 'civil servant medical subsidy' },
  '330100': { zh: '职工大额医疗费用补助基金', en: "employees' large-amount medical subsidy" },
  '390100': { zh: '城乡居民基本医疗保险基金', en: "residents' basic medical insurance fund" },
  '390200': { zh: '城乡居民大病医疗保险资金', en: "residents' serious illness insurance" },
  '610100': { zh: '医疗救助基金', en: 'medical assistance fund' },
};

/** One `setldetail` line. The personal account is not a fund line: it is part of the personal share. */
export interface SetlDetail {
  fund_pay_type: FundPayType;
  /** the amount this fund's ratios applied to in this settlement (its base) */
  inscp_scp_amt: Fen;
  /** what the fund could still pay this year before this settlement (its annual cap left) */
  crt_payb_lmt_amt: Fen;
  fund_payamt: Fen;
  fund_pay_type_name: string;
  setl_proc_info: string;
}

/** One line of the calculation in words, for the estimate page and the settlement slip. */
export interface ExplanationLine {
  zh: string;
  en: string;
}

export interface SettlementResult {
  setlinfo: SetlInfoAmounts;
  setldetail: SetlDetail[];
  yearTotalsBefore: YearTotals;
  yearTotalsAfter: YearTotals;
  explanation: ExplanationLine[];
  /** true for the negative settlement that cancels another */
  reversal: boolean;
}

/** settle: a visit settled; cancel: the negative settlement cancelling one; reinstate: a cancellation undone (HIS 2601 of 2305/2208). */
export type SettlementKind = 'settle' | 'cancel' | 'reinstate';

/** How the visit came to be settled directly, which decides the ratio reduction. */
export type SettlementBasis =
  /** a filing covers the visit: its kind's reduction (none for long-term kinds) */
  | { kind: 'filing'; filing_kind: FilingKind }
  /** an emergency without a filing: the emergency reduction */
  | { kind: 'emergency' }
  /** treated in the insured place itself: local ratios */
  | { kind: 'home' }
  /** not covered: no direct settlement; a manual claim at the unfiled ratio */
  | { kind: 'unfiled' };

/** The terms a settlement was computed under, kept with it. */
export interface SettlementTerms {
  level: 1 | 2 | 3;
  med_kind: MedKind;
  filing_no: string | null;
  filing_kind: FilingKind | null;
  emergency: boolean;
  reduction_bp: number;
  policy_version_id: number;
  year: number;
  cap_group: string;
  /** for a per-admission deductible: 1 for the year's first admission */
  admission_ordinal: number | null;
}

/** The person as a settlement slip shows them on the day (setlinfo's person fields). */
export interface SettlementPerson {
  psn_name: string;
  psn_cert_type: string;
  certno: string;
  gend: string;
  naty: string;
  /** yyyy-MM-dd */
  brdy: string;
  age: number;
  cvlserv_flag: string;
  mdtrt_cert_type: string | null;
}

/** A stored settlement row: a settlement, a cancellation or a reinstatement. Never changed. */
export interface Settlement extends SettlementPerson {
  setl_id: string;
  kind: SettlementKind;
  /** the settlement a cancellation cancels, or the cancellation a reinstatement undoes */
  reverses: string | null;
  /** the first settlement of this chain (itself for a settlement) */
  origin_setl_id: string;
  /** live: the chain's last row is a settlement or a reinstatement; false once cancelled */
  live: boolean;
  mdtrt_id: string;
  psn_no: string;
  fixmedins_code: string;
  insuplc_admdvs: string;
  mdtrtarea_admvs: string;
  insutype: string;
  psn_type: string;
  med_type: string;
  /** 11 outpatient, 21 inpatient, 41 pharmacy */
  clr_type: string;
  /** yyyy-MM-dd HH:mm:ss, Asia/Shanghai */
  setl_time: string;
  setl_date: string;
  setl_month: string;
  /** the HIS message that made it, answered as medins_setl_id */
  msgid: string | null;
  invono: string | null;
  acct_used_flag: '0' | '1';
  mid_setl_flag: '0' | '1';
  terms: SettlementTerms;
  amounts: SetlInfoAmounts;
  setldetail: SetlDetail[];
  explanation: ExplanationLine[];
  year_totals_before: YearTotals;
  year_totals_after: YearTotals;
  line_ids: number[];
  created_at: string;
}

/** The totals a settlement request may send, in fen, as the HIS names them; each sent one must equal the fee lines'. */
export interface DeclaredTotals {
  medfee_sumamt?: Fen;
  fulamt_ownpay_amt?: Fen;
  overlmt_selfpay?: Fen;
  preselfpay_amt?: Fen;
  inscp_scp_amt?: Fen;
}
