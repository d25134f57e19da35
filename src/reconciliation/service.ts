import crypto from 'node:crypto';
import { audit } from '../auth/audit.ts';
import type { Principal } from '../auth/model.ts';
import { authorize, isAllowed } from '../auth/permissions.ts';
import * as clearing from '../clearing/service.ts';
import { businessDate, shanghaiDateTime } from '../core/clock.ts';
import { DomainError, invalid, invalidMany, type FieldIssue } from '../core/errors.ts';
import { fen, formatYuan } from '../core/money.ts';
import type { Queryable } from '../db/pool.ts';
import { getInstitution } from '../institutions/service.ts';
import type { Settlement } from '../settlement/model.ts';
import * as settlement from '../settlement/service.ts';
import { formatResultFile, parseDetailFile } from './format.ts';
import type {
  ApplicationRequest,
  ClearingApplication,
  ClearingLine,
  ClearingPage,
  ConfirmRequest,
  DetailRequest,
  DetailResult,
  DownloadRequest,
  PlatformRow,
  RollbackRequest,
  StoredFile,
  TotalsRequest,
  TotalsResult,
  UploadRequest,
} from './model.ts';
import {
  applicationFigures,
  applicationIssues,
  applicationMismatch,
  applicationsAffected,
  CLEARING_PAGE_MAX,
  checkDivision,
  checkFileAgainstMessage,
  checkMonth,
  checkPeriod,
  checkUpload,
  clearingTotals,
  confirmationIssues,
  detailVerdict,
  downloadable,
  downloadEnd,
  inPeriod,
  isCrossProvince,
  lastDayOf,
  matchDetail,
  MAX_CONFIRMATIONS,
  monthEnded,
  refdFlagOf,
  sumFigures,
  totalsVerdict,
} from './rules.ts';
import * as store from './store.ts';

/**
 * Reconciliation use cases. An institution works on its own settlements only
 * (`settlement.read` with the institution as target); the platform's
 * settlements are read through the settlement service, so its permission
 * checks apply to every row.
 */

function own(actor: Principal | undefined, fixmedinsCode: string): asserts actor is Principal {
  authorize(actor, 'settlement.read', { institution: fixmedinsCode });
}

function rowOf(s: Settlement): PlatformRow {
  return {
    setl_id: s.setl_id,
    mdtrt_id: s.mdtrt_id,
    psn_no: s.psn_no,
    msgid: s.msgid,
    refd_setl_flag: refdFlagOf(s.kind),
    insutype: s.insutype,
    clr_type: s.clr_type,
    med_type: s.med_type,
    insuplc_admdvs: s.insuplc_admdvs,
    mdtrtarea_admvs: s.mdtrtarea_admvs,
    setl_time: s.setl_time,
    setl_date: s.setl_date,
    setl_month: s.setl_month,
    psn_name: s.psn_name,
    medfee_sumamt: s.amounts.medfee_sumamt,
    fund_pay_sumamt: s.amounts.fund_pay_sumamt,
    acct_pay: s.amounts.acct_pay,
    psn_cash_pay: s.amounts.psn_cash_pay,
  };
}

const PAGE = 500;

/** Every settlement row of the institution the query selects, oldest first. */
async function platformRows(
  tx: Queryable,
  actor: Principal,
  q: { fixmedins_code: string; from?: string; to?: string; month?: string; insuplc_admdvs?: string },
): Promise<PlatformRow[]> {
  const rows = new Map<string, PlatformRow>();
  for (let page = 1; ; page++) {
    const r = await settlement.listSettlements(tx, actor, { ...q, page, page_size: PAGE });
    // A settlement committed between pages shifts the newest-first pages down by one: the map keeps each row once.
    for (const s of r.items) rows.set(s.setl_id, rowOf(s));
    if (r.items.length < PAGE || page * PAGE >= r.total) break;
  }
  return [...rows.values()].sort((a, b) => (a.setl_time === b.setl_time ? (a.setl_id < b.setl_id ? -1 : 1) : a.setl_time < b.setl_time ? -1 : 1));
}

// ---------------------------------------------------------------- files (9101 / 9102)

async function newFileNo(tx: Queryable, now: Date): Promise<string> {
  return `F${businessDate(now).replaceAll('-', '')}${String(await store.nextFileSerial(tx)).padStart(10, '0')}`;
}

async function storeFile(tx: Queryable, f: { fixmedins_code: string; origin: StoredFile['origin']; filename: string; content: Buffer; msgid: string; file_qury_no: string }, now: Date): Promise<StoredFile> {
  const file: StoredFile = {
    file_qury_no: f.file_qury_no,
    fixmedins_code: f.fixmedins_code,
    origin: f.origin,
    filename: f.filename,
    file_size: f.content.length,
    sha256: crypto.createHash('sha256').update(f.content).digest('hex'),
    msgid: f.msgid,
    created_at: now,
    dld_endtime: downloadEnd(now),
  };
  await store.insertFile(tx, { ...file, content: f.content });
  return file;
}

/** 9101: keeps a file for the institution; it answers the number later messages name it by. Errors name `file_data` and `filename`. */
export async function uploadFile(tx: Queryable, actor: Principal | undefined, r: UploadRequest, now: Date): Promise<StoredFile> {
  own(actor, r.fixmedins_code);
  checkUpload(r.content.length, r.filename, { data: 'file_data', filename: 'filename' });
  const file = await storeFile(tx, { ...r, origin: 'upload', file_qury_no: await newFileNo(tx, now) }, now);
  await audit(tx, actor, 'upload', 'recon_file', file.file_qury_no, { filename: file.filename, file_size: file.file_size, sha256: file.sha256 });
  return file;
}

/** A file of the institution that may still be used; another institution's file is answered as unknown. */
async function usableFile(tx: Queryable, fixmedinsCode: string, fileQuryNo: string, now: Date, origin?: StoredFile['origin']): Promise<StoredFile> {
  const f = await store.fileMeta(tx, fileQuryNo);
  if (!f || f.fixmedins_code !== fixmedinsCode || (origin !== undefined && f.origin !== origin)) {
    const what = origin === 'upload' ? 'a file institution ' + fixmedinsCode + ' uploaded with 9101' : 'a file of institution ' + fixmedinsCode;
    throw new DomainError('not_found', `file_qury_no ${fileQuryNo.slice(0, 40)} is not ${what}: send the file_qury_no the platform answered.`);
  }
  if (!downloadable(f, now)) {
    throw new DomainError('business_rule', `file ${fileQuryNo} was kept until ${shanghaiDateTime(f.dld_endtime)} and may no longer be used: upload it again with 9101 (or run 3202 again).`);
  }
  return f;
}

/** 9102: the content of one of the institution's files. Errors name `file_qury_no` and `filename`. */
export async function downloadFile(tx: Queryable, actor: Principal | undefined, r: DownloadRequest, now: Date): Promise<{ file: StoredFile; content: Buffer }> {
  own(actor, r.fixmedins_code);
  const file = await usableFile(tx, r.fixmedins_code, r.file_qury_no, now);
  if (r.filename !== undefined && r.filename !== file.filename) throw invalid('filename', `is "${r.filename.slice(0, 60)}" but file ${file.file_qury_no} is named "${file.filename}"`);
  return { file, content: await store.fileContent(tx, file.file_qury_no) };
}

// ---------------------------------------------------------------- 3201 / 3202

function checkRequest(r: TotalsRequest | DetailRequest): void {
  checkDivision(r.setl_optins, 'setl_optins');
  checkPeriod(r.begndate, r.enddate, { begndate: 'stmt_begndate', enddate: 'stmt_enddate' });
}

async function periodRows(tx: Queryable, actor: Principal, r: TotalsRequest | DetailRequest): Promise<PlatformRow[]> {
  const rows = await platformRows(tx, actor, { fixmedins_code: r.fixmedins_code, from: r.begndate, to: r.enddate, insuplc_admdvs: r.setl_optins });
  return rows.filter((row) => inPeriod(row, r));
}

const periodOf = (r: TotalsRequest | DetailRequest) => ({
  setl_optins: r.setl_optins,
  begndate: r.begndate,
  enddate: r.enddate,
  refd_setl_flag: r.refd_setl_flag,
  ...(r.insutype !== undefined ? { insutype: r.insutype } : {}),
  ...(r.clr_type !== undefined ? { clr_type: r.clr_type } : {}),
});

/**
 * 3201: the institution's totals for a period against ours. The run is
 * recorded with both sides' figures. Errors name the request's fields
 * (`setl_optins`, `stmt_begndate`, `stmt_enddate`).
 */
export async function reconcileTotals(tx: Queryable, actor: Principal | undefined, r: TotalsRequest, now: Date): Promise<TotalsResult> {
  own(actor, r.fixmedins_code);
  checkRequest(r);
  const platform = sumFigures(await periodRows(tx, actor, r));
  const verdict = totalsVerdict(platform, r.declared);
  const id = await store.insertRun(tx, { kind: 'totals', fixmedins_code: r.fixmedins_code, msgid: r.msgid, ...periodOf(r), declared: r.declared, platform, ...verdict, created_at: now });
  await audit(tx, actor, 'reconcile_totals', 'recon_run', String(id), { stmt_rslt: verdict.stmt_rslt, setl_optins: r.setl_optins, begndate: r.begndate, enddate: r.enddate });
  return { setl_optins: r.setl_optins, ...verdict, platform, declared: r.declared };
}

/**
 * 3202: the institution's uploaded file line by line against our settlements
 * of the period; the result is a file for 9102. A file that cannot be read, or
 * whose totals are not the message's, is refused and nothing is recorded.
 */
export async function reconcileDetail(tx: Queryable, actor: Principal | undefined, r: DetailRequest, now: Date): Promise<DetailResult> {
  own(actor, r.fixmedins_code);
  checkRequest(r);
  const source = await usableFile(tx, r.fixmedins_code, r.file_qury_no, now, 'upload');
  const label = `file ${source.file_qury_no}`;
  const lines = parseDetailFile(await store.fileContent(tx, source.file_qury_no), label);
  checkFileAgainstMessage(sumFigures(lines), r.declared, label);

  const rows = await periodRows(tx, actor, r);
  const inRun = new Set(rows.map((x) => x.setl_id));
  const elsewhere = new Map<string, PlatformRow>();
  for (const l of lines) {
    if (inRun.has(l.setl_id)) continue;
    const s = await settlement.getSettlement(tx, actor, l.setl_id).catch((err: unknown) => {
      if (err instanceof DomainError && (err.code === 'not_found' || err.code === 'forbidden')) return null;
      throw err;
    });
    if (s && s.fixmedins_code === r.fixmedins_code) elsewhere.set(s.setl_id, rowOf(s));
  }
  const { lines: result, counts } = matchDetail(lines, rows, elsewhere);
  const resultNo = await newFileNo(tx, now);
  const file = await storeFile(tx, { fixmedins_code: r.fixmedins_code, origin: 'result', filename: `${resultNo}_3202.txt`, content: formatResultFile(result), msgid: r.msgid, file_qury_no: resultNo }, now);
  const platform = sumFigures(rows);
  const verdict = detailVerdict(platform, r.declared, counts);
  const id = await store.insertRun(tx, {
    kind: 'detail',
    fixmedins_code: r.fixmedins_code,
    msgid: r.msgid,
    ...periodOf(r),
    declared: r.declared,
    platform,
    ...verdict,
    source_file: source.file_qury_no,
    result_file: file.file_qury_no,
    counts,
    created_at: now,
  });
  await audit(tx, actor, 'reconcile_detail', 'recon_run', String(id), { stmt_rslt: verdict.stmt_rslt, source_file: source.file_qury_no, result_file: file.file_qury_no, counts });
  return { file, ...verdict, counts };
}

// ---------------------------------------------------------------- clearing detail (3260–3262)

/** The institution's cross-provincial settlement rows of the month, with the confirmations in force. */
async function monthLines(tx: Queryable, actor: Principal, fixmedinsCode: string, month: string): Promise<ClearingLine[]> {
  const rows = (await platformRows(tx, actor, { fixmedins_code: fixmedinsCode, month })).filter(isCrossProvince);
  const confirmed = new Map((await store.confirmationsInForce(tx, month, fixmedinsCode)).map((c) => [c.setl_id, c]));
  return rows.map((row) => {
    const c = confirmed.get(row.setl_id);
    return { ...row, cnfm_flag: c?.cnfm_flag ?? null, memo: c?.memo ?? null };
  });
}

/**
 * The hospital's confirmations of a month change only while the month is open
 * for clearing: once closed, the clearing has read them. The closing of months
 * is held back until the caller's transaction ends.
 */
async function monthOpen(tx: Queryable, month: string): Promise<void> {
  const m = await clearing.monthStatus(tx, month, { holdClosing: true });
  if (m.status === 'open') return;
  const by = m.cleared_with === month ? '' : ` with ${m.cleared_with}`;
  throw new DomainError(
    'business_rule',
    `${month} is closed for clearing${by}: its confirmations can no longer change. Dispute a settlement through the treatment agency, which may exclude it from the month's statement.`,
  );
}

/** Refuses a change of the month's exclusions that a live clearing application of the same clearing type stands on. */
async function noApplicationUnder(tx: Queryable, fixmedinsCode: string, month: string, changed: readonly PlatformRow[]): Promise<void> {
  if (changed.length === 0) return;
  const affected = applicationsAffected(changed, await store.applications(tx, { fixmedins_code: fixmedinsCode, setlym: month, live: true }));
  if (affected.length === 0) return;
  const a = affected[0]!;
  throw new DomainError(
    'business_rule',
    `clearing application ${a.clr_appy_evt_id} (${month}, clr_type ${a.clr_type}) stands on the exclusions in force: cancel it with 3204 before changing them, then apply again.`,
  );
}

/** 3260: a page of the month's clearing detail, with the month's totals. Errors name `month`, `page_num` and `page_size`. */
export async function clearingDetail(
  tx: Queryable,
  actor: Principal | undefined,
  q: { fixmedins_code: string; month: string; page_num: number; page_size: number },
): Promise<ClearingPage> {
  own(actor, q.fixmedins_code);
  checkMonth(q.month, 'month');
  if (!Number.isSafeInteger(q.page_num) || q.page_num < 1) throw invalid('page_num', 'must be a whole number from 1');
  if (!Number.isSafeInteger(q.page_size) || q.page_size < 1 || q.page_size > CLEARING_PAGE_MAX) throw invalid('page_size', `must be a whole number from 1 to ${CLEARING_PAGE_MAX}`);
  const lines = await monthLines(tx, actor, q.fixmedins_code, q.month);
  const start = (q.page_num - 1) * q.page_size;
  return { month: q.month, page_num: q.page_num, page_size: q.page_size, total: lines.length, lines: lines.slice(start, start + q.page_size), totals: clearingTotals(lines) };
}

/**
 * 3261: the institution includes (1) or excludes (0, with a reason) settlements
 * of the ended month's clearing detail; a later confirmation of a settlement
 * replaces its earlier one. Errors name `month` and `detail[i].…`.
 */
export async function confirmClearing(tx: Queryable, actor: Principal | undefined, r: ConfirmRequest, now: Date): Promise<ClearingPage['totals']> {
  own(actor, r.fixmedins_code);
  checkMonth(r.month, 'month');
  if (!monthEnded(r.month, businessDate(now))) {
    throw new DomainError('business_rule', `${r.month} has not ended: its clearing detail can be confirmed from the 1st of the next month.`);
  }
  if (r.items.length === 0 || r.items.length > MAX_CONFIRMATIONS) throw invalid('detail', `must list from 1 to ${MAX_CONFIRMATIONS} settlements`);
  await monthOpen(tx, r.month);
  await store.lockClearingMonth(tx, r.fixmedins_code, r.month);
  const lines = await monthLines(tx, actor, r.fixmedins_code, r.month);
  const issues = confirmationIssues(r.items, r.month, new Set(lines.map((l) => l.setl_id)));
  if (issues.length > 0) throw invalidMany(issues, 'the confirmations have errors');
  const flags = new Map(r.items.map((i) => [i.setl_id, i.cnfm_flag]));
  await noApplicationUnder(tx, r.fixmedins_code, r.month, lines.filter((l) => flags.has(l.setl_id) && (l.cnfm_flag === '0') !== (flags.get(l.setl_id) === '0')));
  await store.insertConfirmations(tx, { fixmedins_code: r.fixmedins_code, month: r.month, items: r.items, msgid: r.msgid, at: now });
  const byId = new Map(r.items.map((i) => [i.setl_id, i]));
  const after = lines.map((l) => {
    const i = byId.get(l.setl_id);
    return i ? { ...l, cnfm_flag: i.cnfm_flag, memo: i.memo } : l;
  });
  const totals = clearingTotals(after);
  await audit(tx, actor, 'clearing_confirm', 'hospital_clearing_month', `${r.fixmedins_code}/${r.month}`, {
    included: r.items.filter((i) => i.cnfm_flag === '1').length,
    excluded: r.items.filter((i) => i.cnfm_flag === '0').map((i) => i.setl_id),
    msgid: r.msgid,
  });
  return totals;
}

/**
 * 3262: withdraws every confirmation in force of the institution's month (an
 * event; nothing is deleted). A later 3261 may confirm again. Refused when
 * nothing is confirmed.
 */
export async function rollbackClearing(tx: Queryable, actor: Principal | undefined, r: RollbackRequest, now: Date): Promise<{ rolled_back: number }> {
  own(actor, r.fixmedins_code);
  checkMonth(r.month, 'month');
  await monthOpen(tx, r.month);
  await store.lockClearingMonth(tx, r.fixmedins_code, r.month);
  const inForce = await store.confirmationsInForce(tx, r.month, r.fixmedins_code);
  if (inForce.length === 0) throw new DomainError('business_rule', `No confirmation of ${r.month} is in force for institution ${r.fixmedins_code}: there is nothing to roll back.`);
  const excluded = new Set(inForce.filter((c) => c.cnfm_flag === '0').map((c) => c.setl_id));
  if (excluded.size > 0) {
    await noApplicationUnder(tx, r.fixmedins_code, r.month, (await monthLines(tx, actor, r.fixmedins_code, r.month)).filter((l) => excluded.has(l.setl_id)));
  }
  await store.insertRollback(tx, { fixmedins_code: r.fixmedins_code, month: r.month, memo: r.memo, msgid: r.msgid, at: now });
  await audit(tx, actor, 'clearing_rollback', 'hospital_clearing_month', `${r.fixmedins_code}/${r.month}`, { rolled_back: inForce.length, msgid: r.msgid });
  return { rolled_back: inForce.length };
}

// ---------------------------------------------------------------- clearing applications (3203 / 3204)

async function newApplicationId(tx: Queryable, now: Date): Promise<string> {
  return `CA${businessDate(now).replaceAll('-', '')}${String(await store.nextApplicationSerial(tx)).padStart(10, '0')}`;
}

/**
 * 3203: the institution applies to its treatment-place agency to be paid the
 * funds' share of an ended month for a clearing type. The declared figures
 * must be the platform's (the month's settlement rows of the clearing type,
 * net of cancellations, less the rows the institution excluded with 3261),
 * or the application is refused naming each figure that differs. One live
 * application per institution, month and clearing type: a second is refused
 * naming the first (cancel it with 3204 to apply again). Errors name
 * `setlym`, `clr_type`, `clr_way`, `begndate`, `enddate`.
 */
export async function applyForClearing(tx: Queryable, actor: Principal | undefined, r: ApplicationRequest, now: Date): Promise<ClearingApplication> {
  own(actor, r.fixmedins_code);
  const issues = applicationIssues(r);
  if (issues.length > 0) throw invalidMany(issues, 'the clearing application has errors');
  const today = businessDate(now);
  if (!monthEnded(r.setlym, today)) {
    throw new DomainError('business_rule', `${r.setlym} has not ended (today is ${today}): apply for a month's clearing from the 1st of the next month.`, [
      { path: 'setlym', message: 'has not ended' },
    ]);
  }
  await store.lockClearingMonth(tx, r.fixmedins_code, r.setlym);
  const [live] = (await store.applications(tx, { fixmedins_code: r.fixmedins_code, setlym: r.setlym, live: true })).filter((a) => a.clr_type === r.clr_type);
  if (live) {
    throw new DomainError(
      'conflict',
      `the clearing of ${r.setlym} clr_type ${r.clr_type} was applied for already: clr_appy_evt_id ${live.clr_appy_evt_id}. Cancel it with 3204 to apply again.`,
      [{ path: 'setlym', message: `has a live application ${live.clr_appy_evt_id}` }],
    );
  }
  const rows = await platformRows(tx, actor, { fixmedins_code: r.fixmedins_code, month: r.setlym });
  const excluded = new Set((await store.confirmationsInForce(tx, r.setlym, r.fixmedins_code, '0')).map((c) => c.setl_id));
  const { figures, excluded_cnt } = applicationFigures(rows, r.clr_type, excluded);
  const mismatch = applicationMismatch(figures, r.declared, `${r.setlym} clr_type ${r.clr_type}`);
  if (mismatch) throw new DomainError('business_rule', mismatch);
  const inst = await getInstitution(tx, r.fixmedins_code);
  const application = {
    clr_appy_evt_id: await newApplicationId(tx, now),
    fixmedins_code: r.fixmedins_code,
    admdvs: inst.admdvs,
    setlym: r.setlym,
    clr_type: r.clr_type,
    clr_way: r.clr_way.trim(),
    begndate: `${r.setlym}-01`,
    enddate: lastDayOf(r.setlym),
    psntime: figures.psntime,
    medfee_sumamt_fen: figures.medfee_sumamt,
    med_sumfee_fen: r.med_sumfee,
    fund_appy_sum_fen: figures.fund_appy_sum,
    cash_payamt_fen: figures.cash_payamt,
    acct_pay_fen: figures.acct_pay,
    excluded_cnt,
    msgid: r.msgid,
  };
  await store.insertApplication(tx, { ...application, at: now });
  await audit(tx, actor, 'clearing_apply', 'hospital_clearing_application', application.clr_appy_evt_id, {
    setlym: r.setlym,
    clr_type: r.clr_type,
    psntime: figures.psntime,
    fund_appy_sum_fen: figures.fund_appy_sum,
    msgid: r.msgid,
  });
  return { ...application, applied_at: now.toISOString(), status: 'live', cancelled_at: null };
}

/**
 * 3204: the institution cancels its application (an event; nothing is
 * deleted). Refused once the treatment-place agency has paid the institution
 * for the month, and for an application cancelled already.
 */
export async function cancelApplication(
  tx: Queryable,
  actor: Principal | undefined,
  r: { fixmedins_code: string; clr_appy_evt_id: string; msgid: string },
  now: Date,
): Promise<ClearingApplication> {
  own(actor, r.fixmedins_code);
  const [found] = await store.applications(tx, { clr_appy_evt_id: r.clr_appy_evt_id, fixmedins_code: r.fixmedins_code });
  if (!found) {
    throw new DomainError('not_found', `clr_appy_evt_id ${r.clr_appy_evt_id.slice(0, 40)} is not a clearing application of institution ${r.fixmedins_code}: send the id 3203 answered.`, [
      { path: 'clr_appy_evt_id', message: 'no such application of this institution' },
    ]);
  }
  await store.lockClearingMonth(tx, r.fixmedins_code, found.setlym);
  // Read again under the lock: a cancellation committed meanwhile is seen.
  const a = (await store.applications(tx, { clr_appy_evt_id: r.clr_appy_evt_id }))[0]!;
  if (a.status === 'cancelled') {
    throw new DomainError('conflict', `clearing application ${a.clr_appy_evt_id} was cancelled already (at ${shanghaiDateTime(new Date(a.cancelled_at!))}).`);
  }
  const paid = await clearing.paymentsForMonth(tx, actor, r.fixmedins_code, a.setlym);
  if (paid.length > 0) {
    const total = paid.reduce((n, p) => n + p.amount_fen, 0);
    throw new DomainError(
      'business_rule',
      `the treatment agency has paid ${r.fixmedins_code} for ${a.setlym} already (${paid.length} payment${paid.length > 1 ? 's' : ''}, ${formatYuan(fen(total))} yuan): application ${a.clr_appy_evt_id} can no longer be cancelled.`,
    );
  }
  await store.insertApplicationCancel(tx, { clr_appy_evt_id: a.clr_appy_evt_id, msgid: r.msgid, at: now });
  await audit(tx, actor, 'clearing_apply_cancel', 'hospital_clearing_application', a.clr_appy_evt_id, { setlym: a.setlym, clr_type: a.clr_type, msgid: r.msgid });
  return { ...a, status: 'cancelled', cancelled_at: now.toISOString() };
}

const areaLike = (area: string) => (area.endsWith('0000') ? `${area.slice(0, 2)}%` : area.endsWith('00') ? `${area.slice(0, 4)}%` : area);

/**
 * The clearing applications of the institutions of an area (an area, a city
 * or a province), of a month when given, cancelled ones included and marked:
 * for the treatment-place agency of the area and the national operator.
 */
export async function listApplications(
  tx: Queryable,
  actor: Principal | undefined,
  q: { area: string; month?: string },
): Promise<(ClearingApplication & { name: string })[]> {
  if (!actor) throw new DomainError('unauthenticated', 'Sign in first.');
  const issues: FieldIssue[] = [];
  if (typeof q.area !== 'string' || !/^\d{6}$/.test(q.area)) issues.push({ path: 'area', message: 'must be a 6-digit division code' });
  if (q.month !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(q.month)) issues.push({ path: 'month', message: `must be a month yyyy-MM, got ${JSON.stringify(q.month)}` });
  if (issues.length > 0) throw invalidMany(issues, 'the query has errors');
  if (!isAllowed(actor, 'payable.write', { region: q.area }) && !isAllowed(actor, 'clearing.operate')) {
    throw new DomainError('forbidden', `${actor.kind} may not read the clearing applications of ${q.area}`, [{ path: 'area', message: 'is not your agency’s area' }]);
  }
  const items = await store.applications(tx, { areaLike: areaLike(q.area), ...(q.month !== undefined ? { setlym: q.month } : {}) });
  const names = new Map<string, string>();
  for (const code of new Set(items.map((a) => a.fixmedins_code))) names.set(code, await getInstitution(tx, code).then((i) => i.name, () => code));
  return items.map((a) => ({ ...a, name: names.get(a.fixmedins_code)! }));
}
