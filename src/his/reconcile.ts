import Type from 'typebox';
import { invalid } from '../core/errors.ts';
import { toYuanNumber, yuanFromJson, type Fen } from '../core/money.ts';
import type { ClearingLine, ClearingTotals, Figures, RefdFlag } from '../reconciliation/model.ts';
import * as reconciliation from '../reconciliation/service.ts';
import { hisTime } from './envelope.ts';
import { NumberLike, day, page, wholeNumber } from './fields.ts';
import { transaction, type HisCall } from './model.ts';
import { Flag, isSet, naming, Yuan } from './settlement.ts';

/**
 * Reconciliation and clearing transactions: totals (3201) and detail (3202)
 * reconciliation of the institution's settlements, and its cross-provincial
 * clearing detail: extraction (3260), confirmation (3261) and rollback
 * (3262); its clearing application (3203) and the cancel (3204). Translators
 * only: the reconciliation service decides.
 */

const Required = (description: string) => Type.String({ minLength: 1, description });
const Text = (description: string) => Type.Optional(Type.String({ description }));
const yuan = (f: Fen) => toYuanNumber(f);

const totalsFields = {
  stmt_begndate: Required('first settlement date of the period, yyyy-MM-dd'),
  stmt_enddate: Required('last settlement date of the period, yyyy-MM-dd'),
  medfee_sumamt: Yuan("the hospital's total of medfee_sumamt"),
  fund_pay_sumamt: Yuan("the hospital's total of fund_pay_sumamt"),
  acct_pay: Yuan("the hospital's total of acct_pay"),
  fixmedins_setl_cnt: NumberLike("the hospital's count of settlement rows"),
  refd_setl_flag: Flag('0 (default): settlements only, cancellations left out; 1: cancellations included, each a row of its own with negative amounts'),
};

type TotalsIn = {
  stmt_begndate: string;
  stmt_enddate: string;
  medfee_sumamt: number | string;
  fund_pay_sumamt: number | string;
  acct_pay: number | string;
  fixmedins_setl_cnt: number | string;
  refd_setl_flag?: '0' | '1' | 0 | 1;
};

/** What the hospital declared, in fen, each field named by its path. */
function declared(d: TotalsIn, call: HisCall): Figures {
  const at = (f: string) => `${call.inputPath}.${f}`;
  return {
    medfee_sumamt: yuanFromJson(d.medfee_sumamt, at('medfee_sumamt')),
    fund_pay_sumamt: yuanFromJson(d.fund_pay_sumamt, at('fund_pay_sumamt')),
    acct_pay: yuanFromJson(d.acct_pay, at('acct_pay')),
    setl_cnt: wholeNumber(d.fixmedins_setl_cnt, at('fixmedins_setl_cnt'), { min: 0, max: 999_999_999, fallback: 0 }),
  };
}

function period(d: TotalsIn & { setl_optins: string }, call: HisCall) {
  const at = (f: string) => `${call.inputPath}.${f}`;
  const refd: RefdFlag = isSet(d.refd_setl_flag) ? '1' : '0';
  return {
    setl_optins: d.setl_optins.trim(),
    begndate: day(d.stmt_begndate, at('stmt_begndate')),
    enddate: day(d.stmt_enddate, at('stmt_enddate')),
    refd_setl_flag: refd,
  };
}

const fieldOf = (call: HisCall) => (field: string) => `${call.inputPath}.${field}`;

const totals = transaction({
  infno: '3201',
  write: true,
  summary: "Totals reconciliation of the institution's settlements for a period, an insured place, a scheme and a clearing type",
  unwrap: 'data',
  input: Type.Object({
    insutype: Required('the scheme, e.g. 310'),
    clr_type: Required('11 outpatient, 21 inpatient, 41 pharmacy'),
    setl_optins: Required("the insured place's division: an area, a city (PPCC00) or a province (PP0000)"),
    ...totalsFields,
  }),
  async handler(tx, principal, d, call) {
    // Read before the service call: these errors carry their full paths already.
    const request = { fixmedins_code: principal.code, msgid: call.envelope.msgid, ...period(d, call), insutype: d.insutype.trim(), clr_type: d.clr_type.trim(), declared: declared(d, call) };
    const r = await naming(fieldOf(call), () => reconciliation.reconcileTotals(tx, principal, request, call.now));
    return {
      stmtinfo: { setl_optins: r.setl_optins, stmt_rslt: r.stmt_rslt, stmt_rslt_dscr: r.stmt_rslt_dscr },
      // Regional extension: the platform's figures, for the HIS to show beside its own.
      yidi_platform_totals: { medfee_sumamt: yuan(r.platform.medfee_sumamt), fund_pay_sumamt: yuan(r.platform.fund_pay_sumamt), acct_pay: yuan(r.platform.acct_pay), fixmedins_setl_cnt: r.platform.setl_cnt },
    };
  },
});

const detail = transaction({
  infno: '3202',
  write: true,
  summary: 'Detail reconciliation: the file uploaded with 9101 line by line; the result is a file for 9102',
  unwrap: 'data',
  input: Type.Object({
    setl_optins: Required("the insured place's division: an area, a city (PPCC00) or a province (PP0000)"),
    file_qury_no: Required('the file of the settlements, from 9101'),
    clr_type: Text('11 outpatient, 21 inpatient, 41 pharmacy; all when not sent'),
    insutype: Text('the scheme (regional extension); all when not sent'),
    ...totalsFields,
  }),
  async handler(tx, principal, d, call) {
    const request = {
      fixmedins_code: principal.code,
      msgid: call.envelope.msgid,
      file_qury_no: d.file_qury_no.trim(),
      ...period(d, call),
      ...(d.clr_type !== undefined ? { clr_type: d.clr_type.trim() } : {}),
      ...(d.insutype !== undefined ? { insutype: d.insutype.trim() } : {}),
      declared: declared(d, call),
    };
    const r = await naming(fieldOf(call), () => reconciliation.reconcileDetail(tx, principal, request, call.now));
    return {
      file_qury_no: r.file.file_qury_no,
      filename: r.file.filename,
      file_size: r.file.file_size,
      dld_endtime: hisTime(r.file.dld_endtime),
      setl_optins: d.setl_optins.trim(),
      stmt_rslt: r.stmt_rslt,
      stmt_rslt_dscr: r.stmt_rslt_dscr,
      match_cnt: r.counts['0'],
      differ_cnt: r.counts['1'],
      hosp_only_cnt: r.counts['2'],
      platform_only_cnt: r.counts['3'],
    };
  },
});

// ---------------------------------------------------------------- clearing detail

const MonthFields = {
  trt_year: NumberLike('the year, e.g. 2026'),
  trt_month: NumberLike('the month, 1–12'),
};

function monthOf(d: { trt_year: number | string; trt_month: number | string }, path: string): string {
  const y = wholeNumber(d.trt_year, `${path}.trt_year`, { min: 2000, max: 2999, fallback: 0 });
  const m = wholeNumber(d.trt_month, `${path}.trt_month`, { min: 1, max: 12, fallback: 0 });
  return `${y}-${String(m).padStart(2, '0')}`;
}

/** The service names the month `month`; the HIS sends it as trt_year and trt_month. */
const monthNaming = (path: string) => (field: string) => (field === 'month' ? `${path}.trt_month` : `${path}.${field}`);

function clearingRow(l: ClearingLine) {
  return {
    setl_id: l.setl_id,
    mdtrt_id: l.mdtrt_id,
    psn_no: l.psn_no,
    psn_name: l.psn_name,
    insuplc_admdvs: l.insuplc_admdvs,
    mdtrtarea_admvs: l.mdtrtarea_admvs,
    insutype: l.insutype,
    med_type: l.med_type,
    clr_type: l.clr_type,
    setl_time: l.setl_time,
    refd_setl_flag: l.refd_setl_flag,
    medfee_sumamt: yuan(l.medfee_sumamt),
    fund_pay_sumamt: yuan(l.fund_pay_sumamt),
    acct_pay: yuan(l.acct_pay),
    psn_cash_pay: yuan(l.psn_cash_pay),
    medins_setl_id: l.msgid,
    cnfm_flag: l.cnfm_flag,
    memo: l.memo,
  };
}

function clearingTotalsOut(t: ClearingTotals) {
  return {
    setl_cnt: t.setl_cnt,
    medfee_sumamt: yuan(t.medfee_sumamt),
    fund_pay_sumamt: yuan(t.fund_pay_sumamt),
    acct_pay: yuan(t.acct_pay),
    cnfm_cnt: t.included_cnt,
    excl_cnt: t.excluded_cnt,
    uncnfm_cnt: t.unconfirmed_cnt,
    excl_fund_pay_sumamt: yuan(t.excluded_fund_pay_sumamt),
  };
}

const extract = transaction({
  infno: '3260',
  write: false,
  summary: "Cross-provincial clearing detail of a month: the institution's settlement rows of cross-provincial patients, 100 a page, with the month's totals",
  unwrap: 'data',
  input: Type.Object({
    ...MonthFields,
    page_num: Type.Optional(NumberLike('page from 1 (default 1)')),
    page_size: Type.Optional(NumberLike('rows a page, at most 100 (default 100)')),
  }),
  async handler(tx, principal, d, call) {
    const at = (f: string) => `${call.inputPath}.${f}`;
    const month = monthOf(d, call.inputPath);
    const pageNum = wholeNumber(d.page_num, at('page_num'), { min: 1, max: 1_000_000, fallback: 1 });
    const pageSize = wholeNumber(d.page_size, at('page_size'), { min: 1, max: 100, fallback: 100 });
    const p = await naming(monthNaming(call.inputPath), () =>
      reconciliation.clearingDetail(tx, principal, { fixmedins_code: principal.code, month, page_num: pageNum, page_size: pageSize }),
    );
    return { ...page(p.lines.map(clearingRow), p.total, p.page_num, p.page_size), totals: clearingTotalsOut(p.totals) };
  },
});

const Confirmation = Type.Object({
  setl_id: Required('a settlement of the month (from 3260)'),
  cnfm_flag: Type.Union([Type.Literal('0'), Type.Literal('1'), Type.Literal(0), Type.Literal(1)], { description: '1 include in this month, 0 exclude this month' }),
  memo: Text('why, required to exclude'),
});

const confirm = transaction({
  infno: '3261',
  write: true,
  summary: 'Confirmation of the clearing detail of an ended month: per settlement, 1 include or 0 exclude (with a reason)',
  input: Type.Object({
    data: Type.Object(MonthFields),
    detail: Type.Array(Confirmation, { minItems: 1, maxItems: 1000 }),
  }),
  async handler(tx, principal, { data, detail: items }, call) {
    const month = monthOf(data, 'input.data');
    const totals = await naming(
      (field) => (field === 'month' ? 'input.data.trt_month' : `input.${field}`),
      () =>
        reconciliation.confirmClearing(
          tx,
          principal,
          {
            fixmedins_code: principal.code,
            month,
            msgid: call.envelope.msgid,
            items: items.map((i) => ({ setl_id: i.setl_id.trim(), cnfm_flag: isSet(i.cnfm_flag) ? '1' : '0', memo: i.memo?.trim() || null })),
          },
          call.now,
        ),
    );
    return {
      result: {
        trt_year: month.slice(0, 4),
        trt_month: month.slice(5, 7),
        cnfm_cnt: items.filter((i) => isSet(i.cnfm_flag)).length,
        excl_cnt: items.filter((i) => !isSet(i.cnfm_flag)).length,
      },
      totals: clearingTotalsOut(totals),
    };
  },
});

const rollback = transaction({
  infno: '3262',
  write: true,
  summary: "Rollback of the institution's confirmations of a month; a later 3261 may confirm again",
  unwrap: 'data',
  input: Type.Object({ ...MonthFields, memo: Text('why') }),
  async handler(tx, principal, d, call) {
    const month = monthOf(d, call.inputPath);
    const r = await naming(monthNaming(call.inputPath), () =>
      reconciliation.rollbackClearing(tx, principal, { fixmedins_code: principal.code, month, memo: d.memo?.trim() || null, msgid: call.envelope.msgid }, call.now),
    );
    return { result: { trt_year: month.slice(0, 4), trt_month: month.slice(5, 7), rollback_cnt: r.rolled_back } };
  },
});

// ---------------------------------------------------------------- clearing application

/** setlym as the HIS sends it, yyyyMM (yyyy-MM is read too), as yyyy-MM. */
function yearMonth(v: string, path: string): string {
  const m = /^(\d{4})-?(\d{2})$/.exec(v.trim());
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw invalid(path, `must be a month written yyyyMM (got "${v.slice(0, 20)}")`);
  return `${m[1]}-${m[2]}`;
}

const apply = transaction({
  infno: '3203',
  write: true,
  summary: "Clearing application: the institution asks its treatment-place agency for the funds' share of an ended month and clearing type; the figures must be the platform's",
  unwrap: 'data',
  input: Type.Object({
    clr_type: Required('11 outpatient, 21 inpatient, 41 pharmacy, 99 other'),
    clr_way: Required('the clearing way code, recorded'),
    setlym: NumberLike('the settlement month, yyyyMM'),
    psntime: NumberLike('person-times: settlements less cancellations, without those excluded with 3261'),
    medfee_sumamt: Yuan('total medical fees'),
    med_sumfee: Yuan('fees within the insurance scope, recorded as declared'),
    fund_appy_sum: Yuan('the funds’ share applied for (fund_pay_sumamt)'),
    cash_payamt: Yuan('paid in cash by the patients (psn_cash_pay)'),
    acct_pay: Yuan('paid from personal accounts'),
    begndate: Text("the month's first day, yyyy-MM-dd"),
    enddate: Text("the month's last day, yyyy-MM-dd"),
  }),
  async handler(tx, principal, d, call) {
    const at = fieldOf(call);
    // Read before the service call: these errors carry their full paths already.
    const request = {
      fixmedins_code: principal.code,
      msgid: call.envelope.msgid,
      setlym: yearMonth(String(d.setlym), at('setlym')),
      clr_type: d.clr_type.trim(),
      clr_way: d.clr_way.trim(),
      ...(d.begndate !== undefined ? { begndate: day(d.begndate, at('begndate')) } : {}),
      ...(d.enddate !== undefined ? { enddate: day(d.enddate, at('enddate')) } : {}),
      declared: {
        psntime: wholeNumber(d.psntime, at('psntime'), { min: 0, max: 999_999_999, fallback: 0 }),
        medfee_sumamt: yuanFromJson(d.medfee_sumamt, at('medfee_sumamt')),
        fund_appy_sum: yuanFromJson(d.fund_appy_sum, at('fund_appy_sum')),
        cash_payamt: yuanFromJson(d.cash_payamt, at('cash_payamt')),
        acct_pay: yuanFromJson(d.acct_pay, at('acct_pay')),
      },
      med_sumfee: yuanFromJson(d.med_sumfee, at('med_sumfee')),
    };
    const a = await naming(at, () => reconciliation.applyForClearing(tx, principal, request, call.now));
    return { result: { clr_appy_evt_id: a.clr_appy_evt_id } };
  },
});

const cancelApplication = transaction({
  infno: '3204',
  write: true,
  summary: 'Cancel a clearing application, until the treatment-place agency has paid the institution for the month',
  unwrap: 'data',
  input: Type.Object({ clr_appy_evt_id: Required('the id 3203 answered') }),
  async handler(tx, principal, d, call) {
    const a = await naming(fieldOf(call), () =>
      reconciliation.cancelApplication(tx, principal, { fixmedins_code: principal.code, clr_appy_evt_id: d.clr_appy_evt_id.trim(), msgid: call.envelope.msgid }, call.now),
    );
    return { result: { clr_appy_evt_id: a.clr_appy_evt_id, setlym: a.setlym.replace('-', ''), clr_type: a.clr_type } };
  },
});

export const reconciliations = [totals, detail, extract, confirm, rollback, apply, cancelApplication];
