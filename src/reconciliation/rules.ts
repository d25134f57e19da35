import { regionCovers } from '../auth/permissions.ts';
import { addDays, isIsoDate } from '../core/clock.ts';
import { DomainError, invalid, invalidMany, type FieldIssue } from '../core/errors.ts';
import { add, formatYuan, sub, ZERO, type Fen } from '../core/money.ts';
import type {
  ApplicationFigures,
  ClearingApplication,
  ClearingLine,
  ClearingTotals,
  Confirmation,
  Figures,
  FileLine,
  LineCounts,
  LineVerdict,
  Period,
  PlatformRow,
  RefdFlag,
  ResultLine,
  StoredFile,
  TotalsVerdict,
} from './model.ts';

/** Reconciliation decisions, without I/O or clock: "now" and "today" are arguments. */

/** The largest file 9101 takes (the file, not its base64 text). */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** How long a file may be downloaded or referenced after it was stored. */
export const DOWNLOAD_DAYS = 30;
/** The longest period one reconciliation covers. */
export const MAX_PERIOD_DAYS = 366;
/** Rows per page of the clearing detail (3260). */
export const CLEARING_PAGE_MAX = 100;
/** Confirmations in one 3261 message. */
export const MAX_CONFIRMATIONS = 1000;

export function checkUpload(size: number, filename: string, paths: { data: string; filename: string }): void {
  if (size > MAX_FILE_BYTES) {
    throw invalid(paths.data, `is ${size} bytes; a file may be at most ${MAX_FILE_BYTES} bytes (20 MiB): split the period into smaller files, or zip the file`);
  }
  if (size === 0) throw invalid(paths.data, 'is empty: send the content of the file');
  if (/[/\\\u0000-\u001f]/.test(filename) || filename.length > 200 || filename.trim() === '') {
    throw invalid(paths.filename, 'must be a file name of at most 200 characters, without a folder or control characters');
  }
}

export function downloadEnd(storedAt: Date): Date {
  return new Date(storedAt.getTime() + DOWNLOAD_DAYS * 24 * 3600 * 1000);
}

export function downloadable(f: Pick<StoredFile, 'dld_endtime'>, now: Date): boolean {
  return now.getTime() <= f.dld_endtime.getTime();
}

/** The period's dates are real, in order and at most MAX_PERIOD_DAYS long. */
export function checkPeriod(begndate: string, enddate: string, paths: { begndate: string; enddate: string }): void {
  const issues: FieldIssue[] = [];
  if (!isIsoDate(begndate)) issues.push({ path: paths.begndate, message: 'must be a date written yyyy-MM-dd' });
  if (!isIsoDate(enddate)) issues.push({ path: paths.enddate, message: 'must be a date written yyyy-MM-dd' });
  if (issues.length === 0 && enddate < begndate) issues.push({ path: paths.enddate, message: `${enddate} is before ${paths.begndate} ${begndate}` });
  if (issues.length === 0 && enddate > addDays(begndate, MAX_PERIOD_DAYS - 1)) {
    issues.push({ path: paths.enddate, message: `the period may be at most ${MAX_PERIOD_DAYS} days: reconcile a longer one in parts` });
  }
  if (issues.length > 0) throw invalidMany(issues, 'the period has errors');
}

export function checkDivision(code: string, path: string): void {
  if (!/^\d{6}$/.test(code)) throw invalid(path, 'must be a 6-digit division code (the insured place)');
}

/** A cancellation is a refund row ('1'); a settlement and a reinstatement are not. */
export function refdFlagOf(kind: 'settle' | 'cancel' | 'reinstate'): RefdFlag {
  return kind === 'cancel' ? '1' : '0';
}

/**
 * Whether a platform row belongs to a reconciliation: settled in the period,
 * of the insured place named (an area, or a city or province covering it),
 * of the scheme and clearing type when named; with refd_setl_flag '0' the
 * cancellations are left out, with '1' they count as rows of their own.
 */
export function inPeriod(row: PlatformRow, p: Period): boolean {
  return (
    row.setl_date >= p.begndate &&
    row.setl_date <= p.enddate &&
    regionCovers(p.setl_optins, row.insuplc_admdvs) &&
    (p.insutype === undefined || row.insutype === p.insutype) &&
    (p.clr_type === undefined || row.clr_type === p.clr_type) &&
    (p.refd_setl_flag === '1' || row.refd_setl_flag === '0')
  );
}

export function sumFigures(rows: readonly Pick<PlatformRow, 'medfee_sumamt' | 'fund_pay_sumamt' | 'acct_pay'>[]): Figures {
  let medfee: Fen = ZERO;
  let fund: Fen = ZERO;
  let acct: Fen = ZERO;
  for (const r of rows) {
    medfee = add(medfee, r.medfee_sumamt);
    fund = add(fund, r.fund_pay_sumamt);
    acct = add(acct, r.acct_pay);
  }
  return { medfee_sumamt: medfee, fund_pay_sumamt: fund, acct_pay: acct, setl_cnt: rows.length };
}

/** The figures that differ, each with both values, as the HIS names them. */
function differences(ours: Figures, theirs: Figures, sides: { ours: string; theirs: string }): string[] {
  const out: string[] = [];
  if (ours.setl_cnt !== theirs.setl_cnt) out.push(`fixmedins_setl_cnt is ${theirs.setl_cnt} ${sides.theirs} but ${ours.setl_cnt} ${sides.ours}`);
  for (const f of ['medfee_sumamt', 'fund_pay_sumamt', 'acct_pay'] as const) {
    if (ours[f] !== theirs[f]) {
      out.push(`${f} is ${formatYuan(theirs[f])} yuan ${sides.theirs} but ${formatYuan(ours[f])} ${sides.ours} (difference ${formatYuan(sub(theirs[f], ours[f]))})`);
    }
  }
  return out;
}

const figuresText = (f: Figures) =>
  `${f.setl_cnt} settlement rows, medfee_sumamt ${formatYuan(f.medfee_sumamt)}, fund_pay_sumamt ${formatYuan(f.fund_pay_sumamt)}, acct_pay ${formatYuan(f.acct_pay)} yuan`;

/** 3201: balanced when every figure agrees; otherwise the description names each figure that differs with both values. */
export function totalsVerdict(platform: Figures, declared: Figures): { stmt_rslt: TotalsVerdict; stmt_rslt_dscr: string } {
  const diff = differences(platform, declared, { ours: 'at the platform', theirs: "in the hospital's message" });
  if (diff.length === 0) return { stmt_rslt: '0', stmt_rslt_dscr: `balanced: ${figuresText(platform)}` };
  return { stmt_rslt: '1', stmt_rslt_dscr: `not balanced: ${diff.join('; ')}. Run 3202 detail reconciliation to find the settlements that differ.` };
}

/** 3202 refuses a message whose totals are not its file's: the hospital would be reconciling two different things. */
export function checkFileAgainstMessage(file: Figures, declared: Figures, label: string): void {
  const diff = differences(file, declared, { ours: `in ${label}`, theirs: 'in the message' });
  if (diff.length > 0) {
    throw new DomainError('validation', `The totals of the message disagree with ${label}: ${diff.join('; ')}. Send the file's totals, or correct the file and upload it again.`);
  }
}

const describe = (r: PlatformRow) =>
  `setl_date ${r.setl_date}, insutype ${r.insutype}, clr_type ${r.clr_type}, insured place ${r.insuplc_admdvs}, refd_setl_flag ${r.refd_setl_flag}`;

/**
 * 3202: each line of the hospital's file against the platform's rows of the
 * period, by setl_id; then the platform's rows the file lacks. `elsewhere`
 * holds the institution's rows outside the period or filters that the file
 * names, so the memo can say where they are.
 */
export function matchDetail(
  file: readonly FileLine[],
  platform: readonly PlatformRow[],
  elsewhere: ReadonlyMap<string, PlatformRow>,
): { lines: ResultLine[]; counts: LineCounts } {
  const ours = new Map(platform.map((r) => [r.setl_id, r]));
  const used = new Set<string>();
  const lines: ResultLine[] = [];
  const counts: LineCounts = { '0': 0, '1': 0, '2': 0, '3': 0 };
  const push = (l: ResultLine) => {
    counts[l.stmt_rslt]++;
    lines.push(l);
  };
  for (const h of file) {
    const p = ours.get(h.setl_id);
    if (!p) {
      const there = elsewhere.get(h.setl_id);
      push({
        ...pick(h),
        msgid: there?.msgid ?? '',
        stmt_rslt: '2',
        memo: there
          ? `line ${h.line}: outside this reconciliation's period or filters at the platform (${describe(there)})`
          : `line ${h.line}: not a settlement of this institution at the platform`,
      });
      continue;
    }
    used.add(p.setl_id);
    const diff: string[] = [];
    for (const f of ['mdtrt_id', 'psn_no', 'refd_setl_flag'] as const) {
      if (h[f] !== p[f]) diff.push(`${f} hospital ${h[f]}, platform ${p[f]}`);
    }
    for (const f of ['medfee_sumamt', 'fund_pay_sumamt', 'acct_pay'] as const) {
      if (h[f] !== p[f]) diff.push(`${f} hospital ${formatYuan(h[f])}, platform ${formatYuan(p[f])}`);
    }
    const verdict: LineVerdict = diff.length === 0 ? '0' : '1';
    push({ ...pick(p), msgid: p.msgid ?? '', stmt_rslt: verdict, memo: diff.length === 0 ? '' : `line ${h.line}: ${diff.join('; ')}` });
  }
  for (const p of platform) {
    if (!used.has(p.setl_id)) push({ ...pick(p), msgid: p.msgid ?? '', stmt_rslt: '3', memo: `not in the hospital file (${describe(p)})` });
  }
  return { lines, counts };
}

function pick(r: FileLine | PlatformRow) {
  return {
    psn_no: r.psn_no,
    mdtrt_id: r.mdtrt_id,
    setl_id: r.setl_id,
    refd_setl_flag: r.refd_setl_flag,
    medfee_sumamt: r.medfee_sumamt,
    fund_pay_sumamt: r.fund_pay_sumamt,
    acct_pay: r.acct_pay,
  };
}

/** 3202's verdict: balanced only when the totals agree and every line matches. */
export function detailVerdict(platform: Figures, declared: Figures, counts: LineCounts): { stmt_rslt: TotalsVerdict; stmt_rslt_dscr: string } {
  const totals = totalsVerdict(platform, declared);
  const linesText = `lines: ${counts['0']} match, ${counts['1']} differ, ${counts['2']} only in the hospital file, ${counts['3']} only at the platform`;
  const balanced = totals.stmt_rslt === '0' && counts['1'] + counts['2'] + counts['3'] === 0;
  if (balanced) return { stmt_rslt: '0', stmt_rslt_dscr: `${totals.stmt_rslt_dscr}; ${linesText}` };
  const head = totals.stmt_rslt === '0' ? 'not balanced line by line although the totals agree' : totals.stmt_rslt_dscr.replace(/ Run 3202 .*$/, '');
  return { stmt_rslt: '1', stmt_rslt_dscr: `${head}; ${linesText}. Download the result file with 9102 for the lines.` };
}

// ---------------------------------------------------------------- clearing detail

/** Cross-provincial: the insured and treatment places are in different provinces, so the monthly clearing moves money between them. */
export function isCrossProvince(r: Pick<PlatformRow, 'insuplc_admdvs' | 'mdtrtarea_admvs'>): boolean {
  return r.insuplc_admdvs.slice(0, 2) !== r.mdtrtarea_admvs.slice(0, 2);
}

export function checkMonth(month: string, path: string): void {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw invalid(path, 'must be a month: trt_year yyyy and trt_month 1–12');
}

/** A month is confirmed once it has ended (on the 1st of the next month, Asia/Shanghai). */
export function monthEnded(month: string, today: string): boolean {
  return today.slice(0, 7) > month;
}

/**
 * The issues of a 3261's confirmations: each names a settlement of the
 * month's detail once, and an exclusion says why.
 */
export function confirmationIssues(items: readonly Confirmation[], month: string, known: ReadonlySet<string>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Map<string, number>();
  items.forEach((c, i) => {
    const first = seen.get(c.setl_id);
    if (first !== undefined) issues.push({ path: `detail[${i}].setl_id`, message: `${c.setl_id} is listed twice (also detail[${first}]): confirm each settlement once` });
    else if (!known.has(c.setl_id)) issues.push({ path: `detail[${i}].setl_id`, message: `${c.setl_id} is not in this institution's cross-provincial clearing detail of ${month} (see 3260)` });
    seen.set(c.setl_id, first ?? i);
    if (c.cnfm_flag === '0' && (c.memo === null || c.memo.trim() === '')) {
      issues.push({ path: `detail[${i}].memo`, message: 'is required when cnfm_flag is 0: say why the settlement is excluded from this month' });
    }
  });
  return issues;
}

export function clearingTotals(lines: readonly ClearingLine[]): ClearingTotals {
  const sums = sumFigures(lines);
  let excludedFund: Fen = ZERO;
  let included = 0;
  let excluded = 0;
  for (const l of lines) {
    if (l.cnfm_flag === '1') included++;
    if (l.cnfm_flag === '0') {
      excluded++;
      excludedFund = add(excludedFund, l.fund_pay_sumamt);
    }
  }
  return {
    setl_cnt: sums.setl_cnt,
    medfee_sumamt: sums.medfee_sumamt,
    fund_pay_sumamt: sums.fund_pay_sumamt,
    acct_pay: sums.acct_pay,
    included_cnt: included,
    excluded_cnt: excluded,
    unconfirmed_cnt: lines.length - included - excluded,
    excluded_fund_pay_sumamt: excludedFund,
  };
}

// ---------------------------------------------------------------- clearing applications (3203 / 3204)

/** The clearing types of the code table: an application is for one of them. */
export const CLR_TYPES: Readonly<Record<string, string>> = { '11': 'outpatient', '21': 'inpatient', '41': 'pharmacy', '99': 'other' };

/** The last day of a month yyyy-MM. */
export function lastDayOf(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/**
 * The issues of an application's month, clearing type, clearing way and
 * period. An application covers a whole month: the period, when sent, is its
 * first and last day.
 */
export function applicationIssues(a: { setlym: string; clr_type: string; clr_way: string; begndate?: string | undefined; enddate?: string | undefined }): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(a.setlym)) issues.push({ path: 'setlym', message: 'must be a month yyyyMM' });
  if (!Object.hasOwn(CLR_TYPES, a.clr_type)) {
    issues.push({ path: 'clr_type', message: `must be ${Object.entries(CLR_TYPES).map(([c, m]) => `${c} (${m})`).join(', ')}` });
  }
  if (a.clr_way.trim() === '' || a.clr_way.length > 10) issues.push({ path: 'clr_way', message: 'must be the clearing way code, 1 to 10 characters' });
  if (issues.some((i) => i.path === 'setlym')) return issues;
  const first = `${a.setlym}-01`;
  const last = lastDayOf(a.setlym);
  if (a.begndate !== undefined && a.begndate !== first) issues.push({ path: 'begndate', message: `must be ${first}: an application covers the whole month ${a.setlym}` });
  if (a.enddate !== undefined && a.enddate !== last) issues.push({ path: 'enddate', message: `must be ${last}: an application covers the whole month ${a.setlym}` });
  return issues;
}

/**
 * The platform's figures for an application: the month's settlement rows of
 * the clearing type, net of cancellations (a cancellation counts −1 person-time
 * and its negative amounts), less the rows the institution excluded from the
 * month with 3261.
 */
export function applicationFigures(rows: readonly PlatformRow[], clrType: string, excluded: ReadonlySet<string>): { figures: ApplicationFigures; excluded_cnt: number } {
  let psntime = 0;
  let excludedCnt = 0;
  let medfee: Fen = ZERO;
  let fund: Fen = ZERO;
  let cash: Fen = ZERO;
  let acct: Fen = ZERO;
  for (const r of rows) {
    if (r.clr_type !== clrType) continue;
    if (excluded.has(r.setl_id)) {
      excludedCnt++;
      continue;
    }
    psntime += r.refd_setl_flag === '1' ? -1 : 1;
    medfee = add(medfee, r.medfee_sumamt);
    fund = add(fund, r.fund_pay_sumamt);
    cash = add(cash, r.psn_cash_pay);
    acct = add(acct, r.acct_pay);
  }
  return { figures: { psntime, medfee_sumamt: medfee, fund_appy_sum: fund, cash_payamt: cash, acct_pay: acct }, excluded_cnt: excludedCnt };
}

/**
 * Null when the declared figures are the platform's; otherwise a refusal
 * naming each figure that differs with both values, kept terse because the
 * HIS envelope's err_msg holds 200 characters (the advice only when it fits).
 */
export function applicationMismatch(platform: ApplicationFigures, declared: ApplicationFigures, label: string): string | null {
  const diff: string[] = [];
  if (platform.psntime !== declared.psntime) diff.push(`psntime ${declared.psntime} vs ${platform.psntime}`);
  for (const f of ['medfee_sumamt', 'fund_appy_sum', 'cash_payamt', 'acct_pay'] as const) {
    if (platform[f] !== declared[f]) diff.push(`${f} ${formatYuan(declared[f])} vs ${formatYuan(platform[f])}`);
  }
  if (diff.length === 0) return null;
  const text = `${label} does not match the platform (yours vs ours): ${diff.join('; ')}.`;
  const advice = ' Reconcile with 3201/3202.';
  return text.length + advice.length <= 200 ? text + advice : text;
}

/**
 * The live applications a change of the month's exclusions would make wrong:
 * an application's figures leave out the settlements excluded when it was
 * made, so an exclusion of its clearing type may not start or end under it.
 */
export function applicationsAffected<A extends Pick<ClearingApplication, 'clr_appy_evt_id' | 'clr_type'>>(
  changed: readonly Pick<PlatformRow, 'clr_type'>[],
  live: readonly A[],
): A[] {
  const types = new Set(changed.map((c) => c.clr_type));
  return live.filter((a) => types.has(a.clr_type));
}
