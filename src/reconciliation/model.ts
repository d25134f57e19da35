import type { Fen } from '../core/money.ts';

/**
 * Hospital reconciliation with the platform: a hospital compares its own
 * record of settlements with ours, first by totals for a period (3201), then
 * line by line from a file it uploads (3202, files through 9101/9102), and
 * confirms which of its cross-provincial settlements of a month go into that
 * month's clearing (3260–3262). Money is integer fen; yuan exist at the edges.
 */

/** '0' the settlements without cancellations; '1' cancellations included (counted as rows of their own, amounts negative). */
export type RefdFlag = '0' | '1';

/** The figures a reconciliation compares. */
export interface Figures {
  medfee_sumamt: Fen;
  fund_pay_sumamt: Fen;
  acct_pay: Fen;
  setl_cnt: number;
}

/** Which settlements of the institution a reconciliation covers. */
export interface Period {
  /** the insured place (setl_optins): an area, a city (PPCC00) or a province (PP0000) */
  setl_optins: string;
  /** yyyy-MM-dd, Asia/Shanghai settlement dates, both included */
  begndate: string;
  enddate: string;
  refd_setl_flag: RefdFlag;
  insutype?: string;
  clr_type?: string;
}

/** 0 balanced, 1 not balanced. */
export type TotalsVerdict = '0' | '1';

export interface TotalsRequest extends Period {
  fixmedins_code: string;
  declared: Figures;
  msgid: string;
}

export interface TotalsResult {
  setl_optins: string;
  stmt_rslt: TotalsVerdict;
  stmt_rslt_dscr: string;
  platform: Figures;
  declared: Figures;
}

/**
 * A line of the detail result: '0' the same on both sides, '1' on both sides
 * but a figure differs, '2' only in the hospital's file, '3' only at the platform.
 */
export type LineVerdict = '0' | '1' | '2' | '3';

export const LINE_VERDICTS: Record<LineVerdict, string> = {
  '0': 'matches',
  '1': 'differs',
  '2': 'only in the hospital file',
  '3': 'only at the platform',
};

/** One settlement as the hospital's detail file states it. */
export interface FileLine {
  /** line number in the file, from 1 (the header is line 1 when there is one) */
  line: number;
  setl_id: string;
  mdtrt_id: string;
  psn_no: string;
  medfee_sumamt: Fen;
  fund_pay_sumamt: Fen;
  acct_pay: Fen;
  refd_setl_flag: RefdFlag;
}

/** One settlement row of the platform, as reconciliation sees it. */
export interface PlatformRow {
  setl_id: string;
  mdtrt_id: string;
  psn_no: string;
  /** the HIS message that made it */
  msgid: string | null;
  refd_setl_flag: RefdFlag;
  insutype: string;
  clr_type: string;
  med_type: string;
  insuplc_admdvs: string;
  mdtrtarea_admvs: string;
  /** yyyy-MM-dd HH:mm:ss and yyyy-MM-dd, Asia/Shanghai */
  setl_time: string;
  setl_date: string;
  setl_month: string;
  psn_name: string;
  medfee_sumamt: Fen;
  fund_pay_sumamt: Fen;
  acct_pay: Fen;
  psn_cash_pay: Fen;
}

/** One line of the detail result file. */
export interface ResultLine {
  psn_no: string;
  mdtrt_id: string;
  setl_id: string;
  msgid: string;
  stmt_rslt: LineVerdict;
  refd_setl_flag: RefdFlag;
  memo: string;
  medfee_sumamt: Fen;
  fund_pay_sumamt: Fen;
  acct_pay: Fen;
}

export type LineCounts = Record<LineVerdict, number>;

export interface DetailRequest extends Period {
  fixmedins_code: string;
  file_qury_no: string;
  declared: Figures;
  msgid: string;
}

export interface DetailResult {
  file: StoredFile;
  stmt_rslt: TotalsVerdict;
  stmt_rslt_dscr: string;
  counts: LineCounts;
}

export type FileOrigin = 'upload' | 'result';

/** A file held for an institution (its content aside). */
export interface StoredFile {
  file_qury_no: string;
  fixmedins_code: string;
  origin: FileOrigin;
  filename: string;
  file_size: number;
  sha256: string;
  msgid: string;
  created_at: Date;
  /** the file may be downloaded or referenced until then */
  dld_endtime: Date;
}

export interface UploadRequest {
  fixmedins_code: string;
  filename: string;
  content: Buffer;
  msgid: string;
}

export interface DownloadRequest {
  fixmedins_code: string;
  file_qury_no: string;
  /** checked against the stored name when sent */
  filename?: string;
}

// ---------------------------------------------------------------- clearing detail

/** 1 include in this month's clearing; 0 exclude it this month (with a reason). */
export type CnfmFlag = '0' | '1';

/** A settlement of the month's cross-provincial clearing detail with the hospital's confirmation in force. */
export interface ClearingLine extends PlatformRow {
  /** null while unconfirmed */
  cnfm_flag: CnfmFlag | null;
  memo: string | null;
}

export interface ClearingTotals {
  setl_cnt: number;
  medfee_sumamt: Fen;
  fund_pay_sumamt: Fen;
  acct_pay: Fen;
  /** settlements confirmed for inclusion / excluded / not yet confirmed */
  included_cnt: number;
  excluded_cnt: number;
  unconfirmed_cnt: number;
  /** the fund payments of the excluded settlements: what this month's clearing leaves out */
  excluded_fund_pay_sumamt: Fen;
}

export interface ClearingPage {
  month: string;
  page_num: number;
  page_size: number;
  total: number;
  lines: ClearingLine[];
  totals: ClearingTotals;
}

export interface Confirmation {
  setl_id: string;
  cnfm_flag: CnfmFlag;
  memo: string | null;
}

export interface ConfirmRequest {
  fixmedins_code: string;
  /** yyyy-MM */
  month: string;
  items: Confirmation[];
  msgid: string;
}

export interface RollbackRequest {
  fixmedins_code: string;
  month: string;
  memo: string | null;
  msgid: string;
}

/** A confirmation in force. */
export interface ConfirmationInForce extends Confirmation {
  fixmedins_code: string;
  month: string;
}

// ---------------------------------------------------------------- clearing applications (3203 / 3204)

/** The figures of a clearing application the platform checks against its own. */
export interface ApplicationFigures {
  /** person-times: settlements and reinstatements less cancellations */
  psntime: number;
  medfee_sumamt: Fen;
  /** fund_pay_sumamt: what the funds pay, and so what the institution applies for */
  fund_appy_sum: Fen;
  /** psn_cash_pay */
  cash_payamt: Fen;
  acct_pay: Fen;
}

export interface ApplicationRequest {
  fixmedins_code: string;
  msgid: string;
  /** yyyy-MM */
  setlym: string;
  clr_type: string;
  clr_way: string;
  /** yyyy-MM-dd: the month's first and last days when not sent */
  begndate?: string;
  enddate?: string;
  declared: ApplicationFigures;
  /** recorded as declared, not compared */
  med_sumfee: Fen;
}

export interface ClearingApplication {
  clr_appy_evt_id: string;
  fixmedins_code: string;
  /** the institution's area */
  admdvs: string;
  /** yyyy-MM */
  setlym: string;
  clr_type: string;
  clr_way: string;
  begndate: string;
  enddate: string;
  psntime: number;
  medfee_sumamt_fen: Fen;
  med_sumfee_fen: Fen;
  fund_appy_sum_fen: Fen;
  cash_payamt_fen: Fen;
  acct_pay_fen: Fen;
  /** settlement rows the institution excluded from the month (3261), left out of the figures */
  excluded_cnt: number;
  msgid: string;
  applied_at: string;
  /** live until cancelled with 3204 */
  status: 'live' | 'cancelled';
  cancelled_at: string | null;
}
