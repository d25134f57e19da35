import { addDays, isIsoDate } from '../core/clock.ts';
import { DomainError, invalid, invalidMany, type FieldIssue } from '../core/errors.ts';
import { add, applyBp, bp, divRoundHalfUp, fen, formatYuan, max, sub, ZERO, type Fen } from '../core/money.ts';
import type { TransferInput } from '../ledger/model.ts';
import { accountCode } from '../ledger/rules.ts';
import type { ClearingSettings, Position, PrepaidLevel, Side, Statement } from './model.ts';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const PROVINCE = /^(?!00)\d{2}0000$/;
/** An idempotency key a caller may give a top-up, an adjustment or a payment. */
const KEY = /^[A-Za-z0-9_.-]{1,60}$/;

/** `yyyy-MM`, or a validation error naming `path`. */
export function parseMonth(value: unknown, path = 'month'): string {
  if (typeof value !== 'string' || !MONTH.test(value)) throw invalid(path, `must be a month yyyy-MM, got ${JSON.stringify(value)}`);
  return value;
}

export function parseProvince(value: unknown, path = 'province'): string {
  if (typeof value !== 'string' || !PROVINCE.test(value)) throw invalid(path, `must be a province code PP0000, got ${JSON.stringify(value)}`);
  return value;
}

export function parseKey(value: unknown, path = 'key'): string {
  if (typeof value !== 'string' || !KEY.test(value)) throw invalid(path, 'must be 1–60 letters, digits, dots, dashes or underscores');
  return value;
}

export function parseSide(value: unknown, path = 'side'): Side {
  if (value !== 'insured' && value !== 'treatment') throw invalid(path, `must be insured or treatment, got ${JSON.stringify(value)}`);
  return value;
}

/** The first day of `month`. */
export const monthStart = (month: string) => `${month}-01`;

/** The last day of `month`. */
export function monthEnd(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

export function nextMonth(month: string): string {
  return addDays(monthEnd(month), 1).slice(0, 7);
}

export function previousMonth(month: string): string {
  return addDays(monthStart(month), -1).slice(0, 7);
}

/** A month has ended when today (Asia/Shanghai) is in a later month. */
export const monthHasEnded = (month: string, today: string) => today.slice(0, 7) > month;

/** `date` plus `n` working days (Monday to Friday; public holidays are not modelled). */
export function addWorkingDays(date: string, n: number): string {
  let d = date;
  let left = n;
  while (left > 0) {
    d = addDays(d, 1);
    const weekday = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return d;
}

export const statementId = (month: string, insured: string, treatment: string) => `${month}-${insured}-${treatment}`;

const STATEMENT_ID = /^(\d{4}-(?:0[1-9]|1[0-2]))-(\d{2}0000)-(\d{2}0000)$/;

export function parseStatementId(value: unknown, path = 'id'): { id: string; month: string; insured: string; treatment: string } {
  const m = typeof value === 'string' ? STATEMENT_ID.exec(value) : null;
  if (!m) throw invalid(path, `must be a statement id <yyyy-MM>-<insured PP0000>-<treatment PP0000>, got ${JSON.stringify(value)}`);
  return { id: value as string, month: m[1]!, insured: m[2]!, treatment: m[3]! };
}

/**
 * Why month `month` may not be closed now, or null. Months close in order
 * after they end; `latest` is the latest closed month (null: none yet, and the
 * first clearing takes every earlier month with it).
 */
export function closeProblem(month: string, today: string, latest: string | null): DomainError | null {
  const refuse = (message: string) => new DomainError('business_rule', `month ${month}: ${message}`, [{ path: 'month', message }]);
  if (!monthHasEnded(month, today)) {
    return refuse(`has not ended yet (today is ${today} in Asia/Shanghai): a month is cleared after its last day, from ${addDays(monthEnd(month), 1)}`);
  }
  if (latest === null) return null;
  if (month <= latest) return refuse(`was cleared with the months up to ${latest}`);
  const expected = nextMonth(latest);
  if (month !== expected) return refuse(`months are cleared in order: clear ${expected} first`);
  return null;
}

/** fund + account: what a settlement row adds to the treatment province's claim. */
const claimOf = (f: { fund_fen: Fen; acct_fen: Fen }) => add(f.fund_fen, f.acct_fen);

/** own + carried − excluded, fund + account. */
export function netOf(s: Pick<Statement, 'own' | 'carried' | 'excluded'>): Fen {
  return sub(add(claimOf(s.own), claimOf(s.carried)), claimOf(s.excluded));
}

export const fullyConfirmed = (s: Pick<Statement, 'insured_confirmation' | 'treatment_confirmation'>) =>
  s.insured_confirmation !== null && s.treatment_confirmation !== null;

/**
 * The ledger postings that clear a statement, dated `businessDate`:
 *
 * - `clr:<id>:pay`   the insured province's prepaid funds → the treatment province's agency (the money moves)
 * - `clr:<id>:claim` the treatment province's claim → the insured province's fund (the claim is settled,
 *   and the fund's accrual since the settlements is now paid by its prepaid funds)
 *
 * A negative net (reversals of earlier months outweigh the month) runs both
 * the other way; a zero net posts nothing.
 */
export function clearingTransfers(s: Pick<Statement, 'id' | 'insured_province' | 'treatment_province' | 'net_fen'>, businessDate: string): TransferInput[] {
  if (s.net_fen === 0) return [];
  const prepaid = accountCode('prepaid', s.insured_province);
  const agency = accountCode('agency', s.treatment_province);
  const claim = accountCode('claim', s.treatment_province, s.insured_province);
  const fund = accountCode('fund', s.insured_province);
  const forward = s.net_fen > 0;
  const amount = fen(Math.abs(s.net_fen));
  const common = { amount_fen: amount, business_date: businessDate, ref_kind: 'clearing', ref_id: s.id };
  return [
    { id: `clr:${s.id}:pay`, debit: forward ? prepaid : agency, credit: forward ? agency : prepaid, ...common },
    { id: `clr:${s.id}:claim`, debit: forward ? claim : fund, credit: forward ? fund : claim, ...common },
  ];
}

/** Each province's receivable (as treatment side), payable (as insured side) and net; the nets sum to zero. */
export function positionsOf(statements: readonly Pick<Statement, 'insured_province' | 'treatment_province' | 'net_fen'>[]): Position[] {
  const by = new Map<string, { receivable: number; payable: number }>();
  const at = (p: string) => by.get(p) ?? (by.set(p, { receivable: 0, payable: 0 }), by.get(p)!);
  for (const s of statements) {
    at(s.treatment_province).receivable += s.net_fen;
    at(s.insured_province).payable += s.net_fen;
  }
  return [...by.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([province, { receivable, payable }]) => ({ province, receivable_fen: fen(receivable), payable_fen: fen(payable), net_fen: fen(receivable - payable) }));
}

/** The prepaid funds to hold: `base × months / 12`, half-up to the fen. */
export function prepaidTarget(baseFen: Fen, months: number): Fen {
  return fen(Number(divRoundHalfUp(BigInt(baseFen) * BigInt(months), 12n)));
}

/** A province's prepaid funds against its target: what is available, the warning line, the top-up to ask for. */
export function prepaidLevel(
  p: { prepaid_fen: Fen; uncleared_fen: Fen; target_fen: Fen | null },
  warnBp: number,
): Pick<PrepaidLevel, 'available_fen' | 'threshold_fen' | 'warning' | 'suggested_topup_fen'> {
  const available = sub(p.prepaid_fen, p.uncleared_fen);
  const threshold = p.target_fen === null ? null : applyBp(p.target_fen, bp(warnBp));
  // Without a target the only warning is funds already overdrawn.
  const warning = threshold === null ? available < 0 : available < threshold;
  const wanted = p.target_fen ?? ZERO;
  return { available_fen: available, threshold_fen: threshold, warning, suggested_topup_fen: warning ? max(ZERO, sub(wanted, available)) : ZERO };
}

export function settingsIssues(s: ClearingSettings): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!Number.isInteger(s.prepaidMonths) || s.prepaidMonths < 1 || s.prepaidMonths > 12) issues.push({ path: 'prepaidMonths', message: 'must be 1..12' });
  if (!Number.isInteger(s.prepaidWarnBp) || s.prepaidWarnBp < 0 || s.prepaidWarnBp > 10000) issues.push({ path: 'prepaidWarnBp', message: 'must be 0..10000 basis points' });
  if (!Number.isInteger(s.confirmWorkingDays) || s.confirmWorkingDays < 0 || s.confirmWorkingDays > 60) issues.push({ path: 'confirmWorkingDays', message: 'must be 0..60' });
  return issues;
}

export function checkSettings(s: ClearingSettings): ClearingSettings {
  const issues = settingsIssues(s);
  if (issues.length > 0) throw invalidMany(issues, 'the clearing settings have errors');
  return s;
}

/** A calendar date range of at most `maxDays` days. */
export function parseRange(from: unknown, to: unknown, maxDays: number): { from: string; to: string } {
  const issues: FieldIssue[] = [];
  if (typeof from !== 'string' || !isIsoDate(from)) issues.push({ path: 'from', message: `must be a date yyyy-MM-dd, got ${JSON.stringify(from)}` });
  if (typeof to !== 'string' || !isIsoDate(to)) issues.push({ path: 'to', message: `must be a date yyyy-MM-dd, got ${JSON.stringify(to)}` });
  if (issues.length > 0) throw invalidMany(issues, 'the date range has errors');
  const f = from as string;
  const t = to as string;
  if (t < f) throw invalid('to', `${t} is before from ${f}`);
  if (addDays(f, maxDays - 1) < t) throw invalid('to', `the range may span at most ${maxDays} days`);
  return { from: f, to: t };
}

// ---------------------------------------------------------------- CSV

/** One CSV record (RFC 4180): fields quoted when they hold a comma, a quote or a line break. */
export function csvRecord(fields: readonly (string | number | null)[]): string {
  return (
    fields
      .map((v) => {
        const s = v === null ? '' : String(v);
        return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
      })
      .join(',') + '\r\n'
  );
}

/** Money in a CSV: yuan with two decimals. */
export const csvYuan = (f: Fen) => formatYuan(f);
