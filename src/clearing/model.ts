import type { Fen } from '../core/money.ts';

/**
 * Money between places. Every cross-province settlement credits the treatment
 * province's claim on the insured province in the ledger
 * (`claim:<treatment>:<insured>`, fund_pay_sumamt + acct_pay). Once a month
 * the national platform clears those claims: it closes the month, reconciles
 * its settlement rows into one statement per (insured, treatment) province
 * pair, the two provinces confirm (or exclude disputed rows, which are carried
 * into the next month), and the money moves from the insured province's
 * prepaid funds to the treatment province. See docs/clearing.md.
 */

/** The clearing figures settings (src/config.ts, environment `YIDI_CLEARING_*`). */
export interface ClearingSettings {
  /** months of the previous year's cross-provincial payments the prepaid funds hold (policy.md: about two) */
  prepaidMonths: number;
  /** warn when a province's available prepaid funds fall below this share of its target (basis points) */
  prepaidWarnBp: number;
  /** working days the provinces have to confirm their statements after they are issued */
  confirmWorkingDays: number;
}

export const DEFAULT_CLEARING_SETTINGS: ClearingSettings = { prepaidMonths: 2, prepaidWarnBp: 5000, confirmWorkingDays: 5 };

/** closed: nothing may post into it · issued: statements out for confirmation · cleared: the money moved */
export type MonthStatus = 'closed' | 'issued' | 'cleared';

export type Side = 'insured' | 'treatment';

export interface ClearingMonth {
  month: string;
  /** the month cleared before; null for the first clearing, which also took every earlier month */
  since_month: string | null;
  status: MonthStatus;
  closed_at: string;
  closed_by: string;
  issued_at: string | null;
  /** the last day to confirm (yyyy-MM-dd); null until issued */
  confirm_by: string | null;
  cleared_at: string | null;
}

/** Sums over settlement rows: counts, and amounts signed (a cancellation is negative). */
export interface Figures {
  /** rows of kind settle or reinstate */
  settlements: number;
  /** rows of kind cancel */
  reversals: number;
  medfee_fen: Fen;
  fund_fen: Fen;
  acct_fen: Fen;
}

export interface Confirmation {
  at: string;
  by: string;
  /** recorded by the operator's run after the deadline rather than by the province */
  deemed: boolean;
}

export interface Statement {
  /** `<month>-<insured province>-<treatment province>` */
  id: string;
  month: string;
  insured_province: string;
  treatment_province: string;
  /** the month's own rows */
  own: Figures;
  /** rows excluded from an earlier month and carried into this one */
  carried: { rows: number; medfee_fen: Fen; fund_fen: Fen; acct_fen: Fen };
  /** rows excluded from this month (carried into the next) */
  excluded: { rows: number; medfee_fen: Fen; fund_fen: Fen; acct_fen: Fen };
  /** what the insured province pays the treatment province: fund + account, own + carried − excluded (negative: it is paid back) */
  net_fen: Fen;
  insured_confirmation: Confirmation | null;
  treatment_confirmation: Confirmation | null;
  /** when the fund movements were posted */
  posted_at: string | null;
}

/** A province's position in a month: what it receives as the treatment side less what it pays as the insured side. */
export interface Position {
  province: string;
  receivable_fen: Fen;
  payable_fen: Fen;
  net_fen: Fen;
}

export interface MonthView extends ClearingMonth {
  statements: number;
  /** statements both sides have confirmed */
  confirmed: number;
  totals: { rows: number; net_fen: Fen };
  positions: Position[];
}

/** What a clearing run did and where the month stands. */
export interface ClearReport {
  month: string;
  status: MonthStatus;
  since_month: string | null;
  /** settlement rows reconciled into the statements (own + carried) */
  settlements: number;
  statements: number;
  /** statements still awaiting a side's confirmation (before the deadline) */
  awaiting: number;
  /** confirmations recorded as deemed by this run */
  deemed: number;
  confirm_by: string | null;
  net_total_fen: Fen;
}

/** Which rows of a statement: its own, those carried in, those excluded from it. */
export type Part = 'own' | 'carried' | 'excluded';

/** A settlement row behind a statement figure. */
export interface StatementLine {
  setl_id: string;
  kind: 'settle' | 'cancel' | 'reinstate';
  reverses: string | null;
  setl_month: string;
  setl_time: string;
  psn_no: string;
  fixmedins_code: string;
  insuplc_admdvs: string;
  mdtrtarea_admvs: string;
  medfee_fen: Fen;
  fund_fen: Fen;
  acct_fen: Fen;
  part: Part;
  /** excluded from this month's statement: by which side and why */
  excluded: { side: Side; reason: string } | null;
  /** carried in: the earlier month it was excluded from, and why */
  carried_from: { month: string; reason: string } | null;
}

export interface Exclusion {
  setl_id: string;
  month: string;
  statement_id: string;
  side: Side;
  reason: string;
  medfee_fen: Fen;
  fund_fen: Fen;
  acct_fen: Fen;
  excluded_by: string;
  excluded_at: string;
  carried_to: string | null;
}

// ---------------------------------------------------------------- prepaid funds

export interface PrepaidTarget {
  province: string;
  year: number;
  months: number;
  /** the previous year's cross-provincial fund + account payments of the province's insured */
  base_fen: Fen;
  target_fen: Fen;
  sized_by: string;
  sized_at: string;
}

export interface PrepaidLevel {
  province: string;
  name_zh: string;
  name_en: string;
  /** the balance of `prepaid:<province>` */
  prepaid_fen: Fen;
  /** what the province owes treatment provinces and has not cleared yet (its claims' balances) */
  uncleared_fen: Fen;
  /** prepaid − uncleared: it falls as settlements accrue */
  available_fen: Fen;
  /** this year's target; null when the year was not sized */
  target_fen: Fen | null;
  /** the warning line: target × the warning share */
  threshold_fen: Fen | null;
  warning: boolean;
  /** what brings the available funds back to the target (0 when not needed) */
  suggested_topup_fen: Fen;
}

export type PrepaidMovementKind = 'size' | 'topup' | 'adjust';

export interface PrepaidMovement {
  transfer_id: string;
  province: string;
  kind: PrepaidMovementKind;
  /** + into the prepaid funds, − back to the province's fund */
  amount_fen: Fen;
  reason: string;
  business_date: string;
  actor: string;
  created_at: string;
}

// ---------------------------------------------------------------- payables

export interface Payable {
  institution: string;
  name: string;
  admdvs: string;
  /** what the agency owed at the end of the month (the payable account's balance then) */
  owed_at_month_end_fen: Fen;
  /** paid since the month ended */
  paid_since_fen: Fen;
  /** what is still due for the month and before: owed at month end − paid since (not below 0) */
  due_fen: Fen;
  /** the payable account's balance now (later months included) */
  balance_fen: Fen;
}

export interface InstitutionPayment {
  transfer_id: string;
  admdvs: string;
  institution: string;
  month: string;
  amount_fen: Fen;
  business_date: string;
  note: string | null;
  paid_by: string;
  created_at: string;
}

// ---------------------------------------------------------------- dashboard

export interface DailyFigure {
  date: string;
  province: string;
  settlements: number;
  reversals: number;
  medfee_fen: Fen;
  fund_fen: Fen;
  acct_fen: Fen;
}

/** A Sankey of a month: insured provinces on the left, treatment provinces on the right, so flows never form a cycle. */
export interface Flows {
  month: string;
  /** statements: the month's issued statements (net of exclusions) · settlements: live sums of a month not reconciled yet */
  source: 'statements' | 'settlements';
  nodes: { id: string; province: string; side: Side; name_zh: string; name_en: string }[];
  /** from an insured node to a treatment node; amount_fen > 0 (a pair whose net is negative or zero is left out) */
  links: { source: string; target: string; amount_fen: Fen; settlements: number }[];
}
