/**
 * The clearing as the portal sees it: mirrors of the types in
 * src/clearing/model.ts (money in fen) and the small helpers its pages share.
 */
import type { Me } from './api.ts';
import { provinceOf } from './format.ts';

export type MonthStatus = 'closed' | 'issued' | 'cleared';
export type Side = 'insured' | 'treatment';
export type Part = 'own' | 'carried' | 'excluded';

export interface ClearingMonth {
  month: string;
  since_month: string | null;
  status: MonthStatus;
  closed_at: string;
  closed_by: string;
  issued_at: string | null;
  confirm_by: string | null;
  cleared_at: string | null;
}

export interface Position {
  province: string;
  receivable_fen: number;
  payable_fen: number;
  net_fen: number;
}

export interface MonthView extends ClearingMonth {
  statements: number;
  confirmed: number;
  totals: { rows: number; net_fen: number };
  positions: Position[];
}

export interface ClearReport {
  month: string;
  status: MonthStatus;
  since_month: string | null;
  settlements: number;
  statements: number;
  awaiting: number;
  deemed: number;
  confirm_by: string | null;
  net_total_fen: number;
}

export interface Sums {
  rows: number;
  medfee_fen: number;
  fund_fen: number;
  acct_fen: number;
}

export interface Confirmation {
  at: string;
  by: string;
  deemed: boolean;
}

export interface Statement {
  id: string;
  month: string;
  insured_province: string;
  treatment_province: string;
  own: { settlements: number; reversals: number; medfee_fen: number; fund_fen: number; acct_fen: number };
  carried: Sums;
  excluded: Sums;
  net_fen: number;
  insured_confirmation: Confirmation | null;
  treatment_confirmation: Confirmation | null;
  posted_at: string | null;
}

export interface Exclusion {
  setl_id: string;
  month: string;
  statement_id: string;
  side: Side;
  reason: string;
  medfee_fen: number;
  fund_fen: number;
  acct_fen: number;
  excluded_by: string;
  excluded_at: string;
  carried_to: string | null;
}

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
  medfee_fen: number;
  fund_fen: number;
  acct_fen: number;
  part: Part;
  excluded: { side: Side; reason: string } | null;
  carried_from: { month: string; reason: string } | null;
}

export interface LinePage {
  items: StatementLine[];
  total: number;
  page: number;
  page_size: number;
}

export interface FlowNode {
  id: string;
  province: string;
  side: Side;
  name_zh: string;
  name_en: string;
}

export interface Flows {
  month: string;
  source: 'statements' | 'settlements';
  nodes: FlowNode[];
  links: { source: string; target: string; amount_fen: number; settlements: number }[];
}

export interface DailyFigure {
  date: string;
  province: string;
  settlements: number;
  reversals: number;
  medfee_fen: number;
  fund_fen: number;
  acct_fen: number;
}

export interface Daily {
  from: string;
  to: string;
  side: Side;
  items: DailyFigure[];
}

export interface PrepaidLevel {
  province: string;
  name_zh: string;
  name_en: string;
  prepaid_fen: number;
  uncleared_fen: number;
  available_fen: number;
  target_fen: number | null;
  threshold_fen: number | null;
  warning: boolean;
  suggested_topup_fen: number;
}

export interface PrepaidMovement {
  transfer_id: string;
  province: string;
  kind: 'size' | 'topup' | 'adjust';
  amount_fen: number;
  reason: string;
  business_date: string;
  actor: string;
  created_at: string;
}

export interface PrepaidTarget {
  province: string;
  year: number;
  months: number;
  base_fen: number;
  target_fen: number;
  sized_by: string;
  sized_at: string;
}

export interface Sizing {
  items: { province: string; target: PrepaidTarget; before_fen: number; moved_fen: number }[];
}

export interface Payable {
  institution: string;
  name: string;
  admdvs: string;
  owed_at_month_end_fen: number;
  paid_since_fen: number;
  due_fen: number;
  balance_fen: number;
}

export interface Payables {
  area: string;
  month: string;
  items: Payable[];
  totals: { owed_at_month_end_fen: number; paid_since_fen: number; due_fen: number; balance_fen: number };
}

export interface InstitutionPayment {
  transfer_id: string;
  admdvs: string;
  institution: string;
  month: string;
  amount_fen: number;
  business_date: string;
  note: string | null;
  paid_by: string;
  created_at: string;
}

export const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The month before `month` (yyyy-MM). */
export function previousMonth(month: string): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** The first and last day of a month (yyyy-MM-dd). */
export function monthDays(month: string): { from: string; to: string } {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

/** Every day from `from` to `to` inclusive (yyyy-MM-dd), so a chart shows the days without settlements too. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let d = Date.parse(`${from}T00:00:00Z`); d <= end && days.length <= 366; d += 86_400_000) days.push(new Date(d).toISOString().slice(0, 10));
  return days;
}

/** A statement's id names its month and both provinces. */
export function statementPath(id: string): string {
  return `/clearing/statements/${encodeURIComponent(id)}`;
}

/**
 * The sides of a statement the signed-in agency acts for: a province agency
 * (insured or treatment agency staff whose region is the province) acts for
 * its province on whichever side it stands. The server decides again.
 */
export function sidesOf(me: Me, st: Pick<Statement, 'insured_province' | 'treatment_province'>): Side[] {
  if ((me.role !== 'insured_agency' && me.role !== 'treatment_agency') || !me.region || me.region !== provinceOf(me.region)) return [];
  const sides: Side[] = [];
  if (st.insured_province === me.region) sides.push('insured');
  if (st.treatment_province === me.region) sides.push('treatment');
  return sides;
}

/** Whether the agency acts for a whole province (the clearing is between provinces). */
export function isProvinceAgency(me: Me): boolean {
  return (me.role === 'insured_agency' || me.role === 'treatment_agency') && me.region !== null && me.region === provinceOf(me.region);
}

export function confirmationOf(st: Statement, side: Side): Confirmation | null {
  return side === 'insured' ? st.insured_confirmation : st.treatment_confirmation;
}

/** An idempotency key for one form submission: a retry after a lost answer moves no money twice. */
export function newKey(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** An ISO timestamp as Beijing time, yyyy-MM-dd HH:mm. */
export function beijingTime(iso: string): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}
