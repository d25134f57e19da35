import { fenFromDb } from '../core/money.ts';
import type { Queryable } from '../db/pool.ts';
import type { ClearingApplication, CnfmFlag, ConfirmationInForce, Figures, LineCounts, Period, StoredFile, TotalsVerdict } from './model.ts';

/** SQL for the reconciliation tables (migrations/0011_reconciliation.sql) only. */

export async function nextFileSerial(tx: Queryable): Promise<number> {
  const r = await tx.query<{ n: string }>("SELECT nextval('recon_file_serial') AS n");
  return Number(r.rows[0]!.n);
}

export async function insertFile(tx: Queryable, f: StoredFile & { content: Buffer }): Promise<void> {
  await tx.query(
    `INSERT INTO recon_file (file_qury_no, fixmedins_code, origin, filename, content, file_size, sha256, msgid, created_at, dld_endtime)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [f.file_qury_no, f.fixmedins_code, f.origin, f.filename, f.content, f.file_size, f.sha256, f.msgid, f.created_at, f.dld_endtime],
  );
}

const FILE_COLUMNS = 'file_qury_no, fixmedins_code, origin, filename, file_size, sha256, msgid, created_at, dld_endtime';

export async function fileMeta(tx: Queryable, fileQuryNo: string): Promise<StoredFile | null> {
  const r = await tx.query<StoredFile>(`SELECT ${FILE_COLUMNS} FROM recon_file WHERE file_qury_no = $1`, [fileQuryNo]);
  return r.rows[0] ?? null;
}

export async function fileContent(tx: Queryable, fileQuryNo: string): Promise<Buffer> {
  const r = await tx.query<{ content: Buffer }>('SELECT content FROM recon_file WHERE file_qury_no = $1', [fileQuryNo]);
  return r.rows[0]!.content;
}

export interface NewRun extends Period {
  kind: 'totals' | 'detail';
  fixmedins_code: string;
  msgid: string;
  declared: Figures;
  platform: Figures;
  stmt_rslt: TotalsVerdict;
  stmt_rslt_dscr: string;
  source_file?: string;
  result_file?: string;
  counts?: LineCounts;
  created_at: Date;
}

export async function insertRun(tx: Queryable, r: NewRun): Promise<number> {
  const res = await tx.query<{ id: string }>(
    `INSERT INTO recon_run (kind, fixmedins_code, msgid, insutype, clr_type, setl_optins, stmt_begndate, stmt_enddate, refd_setl_flag,
       declared_medfee_fen, declared_fund_pay_fen, declared_acct_pay_fen, declared_setl_cnt,
       platform_medfee_fen, platform_fund_pay_fen, platform_acct_pay_fen, platform_setl_cnt,
       stmt_rslt, stmt_rslt_dscr, source_file, result_file, match_cnt, differ_cnt, hosp_only_cnt, platform_only_cnt, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26)
     RETURNING id`,
    [
      r.kind, r.fixmedins_code, r.msgid, r.insutype ?? null, r.clr_type ?? null, r.setl_optins, r.begndate, r.enddate, r.refd_setl_flag,
      r.declared.medfee_sumamt, r.declared.fund_pay_sumamt, r.declared.acct_pay, r.declared.setl_cnt,
      r.platform.medfee_sumamt, r.platform.fund_pay_sumamt, r.platform.acct_pay, r.platform.setl_cnt,
      r.stmt_rslt, r.stmt_rslt_dscr, r.source_file ?? null, r.result_file ?? null,
      r.counts?.['0'] ?? null, r.counts?.['1'] ?? null, r.counts?.['2'] ?? null, r.counts?.['3'] ?? null, r.created_at,
    ],
  );
  return Number(res.rows[0]!.id);
}

// ---------------------------------------------------------------- clearing confirmations

/** Locks the institution's month, creating it, so its events are recorded one at a time in id order. */
export async function lockClearingMonth(tx: Queryable, fixmedinsCode: string, month: string): Promise<void> {
  await tx.query('INSERT INTO hospital_clearing_month (fixmedins_code, clr_month) VALUES ($1, $2) ON CONFLICT DO NOTHING', [fixmedinsCode, month]);
  await tx.query('SELECT 1 FROM hospital_clearing_month WHERE fixmedins_code = $1 AND clr_month = $2 FOR UPDATE', [fixmedinsCode, month]);
}

export async function insertConfirmations(
  tx: Queryable,
  e: { fixmedins_code: string; month: string; items: { setl_id: string; cnfm_flag: CnfmFlag; memo: string | null }[]; msgid: string; at: Date },
): Promise<void> {
  if (e.items.length === 0) return;
  await tx.query(
    `INSERT INTO hospital_clearing_event (fixmedins_code, clr_month, action, setl_id, cnfm_flag, memo, msgid, created_at)
     SELECT $1, $2, 'confirm', i.setl_id, i.cnfm_flag, i.memo, $3, $4
       FROM unnest($5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS i(setl_id, cnfm_flag, memo, n)
      ORDER BY i.n`,
    [e.fixmedins_code, e.month, e.msgid, e.at, e.items.map((i) => i.setl_id), e.items.map((i) => i.cnfm_flag), e.items.map((i) => i.memo)],
  );
}

export async function insertRollback(tx: Queryable, e: { fixmedins_code: string; month: string; memo: string | null; msgid: string; at: Date }): Promise<void> {
  await tx.query(
    `INSERT INTO hospital_clearing_event (fixmedins_code, clr_month, action, memo, msgid, created_at) VALUES ($1, $2, 'rollback', $3, $4, $5)`,
    [e.fixmedins_code, e.month, e.memo, e.msgid, e.at],
  );
}

/**
 * An institution's confirmations in force for a month (the view of migration
 * 0014): per settlement, its latest confirmation after the institution's
 * latest rollback of the month.
 */
export async function confirmationsInForce(tx: Queryable, month: string, fixmedinsCode: string, flag?: CnfmFlag): Promise<ConfirmationInForce[]> {
  const r = await tx.query<{ fixmedins_code: string; clr_month: string; setl_id: string; cnfm_flag: CnfmFlag; memo: string | null }>(
    `SELECT fixmedins_code, clr_month, setl_id, cnfm_flag, memo FROM hospital_confirmation_in_force
      WHERE clr_month = $1 AND fixmedins_code = $2 AND ($3::text IS NULL OR cnfm_flag = $3)
      ORDER BY setl_id`,
    [month, fixmedinsCode, flag ?? null],
  );
  return r.rows.map((x) => ({ fixmedins_code: x.fixmedins_code, month: x.clr_month, setl_id: x.setl_id, cnfm_flag: x.cnfm_flag, memo: x.memo }));
}

// ---------------------------------------------------------------- clearing applications

export async function nextApplicationSerial(tx: Queryable): Promise<number> {
  const r = await tx.query<{ n: string }>("SELECT nextval('hospital_clearing_application_serial') AS n");
  return Number(r.rows[0]!.n);
}

export async function insertApplication(tx: Queryable, a: Omit<ClearingApplication, 'applied_at' | 'status' | 'cancelled_at'> & { at: Date }): Promise<void> {
  await tx.query(
    `INSERT INTO hospital_clearing_application (clr_appy_evt_id, fixmedins_code, admdvs, setlym, clr_type, clr_way, begndate, enddate,
       psntime, medfee_sumamt_fen, med_sumfee_fen, fund_appy_sum_fen, cash_payamt_fen, acct_pay_fen, excluded_cnt, msgid, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
    [
      a.clr_appy_evt_id, a.fixmedins_code, a.admdvs, a.setlym, a.clr_type, a.clr_way, a.begndate, a.enddate,
      a.psntime, a.medfee_sumamt_fen, a.med_sumfee_fen, a.fund_appy_sum_fen, a.cash_payamt_fen, a.acct_pay_fen, a.excluded_cnt, a.msgid, a.at,
    ],
  );
}

export async function insertApplicationCancel(tx: Queryable, c: { clr_appy_evt_id: string; msgid: string; at: Date }): Promise<void> {
  await tx.query('INSERT INTO hospital_clearing_application_cancel (clr_appy_evt_id, msgid, created_at) VALUES ($1, $2, $3)', [c.clr_appy_evt_id, c.msgid, c.at]);
}

type ApplicationRow = Omit<ClearingApplication, 'medfee_sumamt_fen' | 'med_sumfee_fen' | 'fund_appy_sum_fen' | 'cash_payamt_fen' | 'acct_pay_fen' | 'applied_at' | 'status' | 'cancelled_at'> & {
  medfee_sumamt_fen: string;
  med_sumfee_fen: string;
  fund_appy_sum_fen: string;
  cash_payamt_fen: string;
  acct_pay_fen: string;
  created_at: Date;
  cancelled_at: Date | null;
};

export interface ApplicationFilter {
  clr_appy_evt_id?: string;
  fixmedins_code?: string;
  setlym?: string;
  /** the institutions' areas: an area, or a LIKE pattern for a city or province */
  areaLike?: string;
  /** only those not cancelled */
  live?: boolean;
}

export async function applications(tx: Queryable, f: ApplicationFilter): Promise<ClearingApplication[]> {
  const r = await tx.query<ApplicationRow>(
    `SELECT a.clr_appy_evt_id, a.fixmedins_code, a.admdvs, a.setlym, a.clr_type, a.clr_way, a.begndate::text AS begndate, a.enddate::text AS enddate,
            a.psntime, a.medfee_sumamt_fen, a.med_sumfee_fen, a.fund_appy_sum_fen, a.cash_payamt_fen, a.acct_pay_fen, a.excluded_cnt, a.msgid, a.created_at,
            c.created_at AS cancelled_at
       FROM hospital_clearing_application a LEFT JOIN hospital_clearing_application_cancel c USING (clr_appy_evt_id)
      WHERE ($1::text IS NULL OR a.clr_appy_evt_id = $1) AND ($2::text IS NULL OR a.fixmedins_code = $2) AND ($3::text IS NULL OR a.setlym = $3)
        AND ($4::text IS NULL OR a.admdvs LIKE $4) AND (NOT $5 OR c.clr_appy_evt_id IS NULL)
      ORDER BY a.setlym DESC, a.fixmedins_code, a.clr_type, a.created_at`,
    [f.clr_appy_evt_id ?? null, f.fixmedins_code ?? null, f.setlym ?? null, f.areaLike ?? null, f.live ?? false],
  );
  return r.rows.map((a) => ({
    clr_appy_evt_id: a.clr_appy_evt_id,
    fixmedins_code: a.fixmedins_code,
    admdvs: a.admdvs,
    setlym: a.setlym,
    clr_type: a.clr_type,
    clr_way: a.clr_way,
    begndate: a.begndate,
    enddate: a.enddate,
    psntime: a.psntime,
    medfee_sumamt_fen: fenFromDb(a.medfee_sumamt_fen),
    med_sumfee_fen: fenFromDb(a.med_sumfee_fen),
    fund_appy_sum_fen: fenFromDb(a.fund_appy_sum_fen),
    cash_payamt_fen: fenFromDb(a.cash_payamt_fen),
    acct_pay_fen: fenFromDb(a.acct_pay_fen),
    excluded_cnt: a.excluded_cnt,
    msgid: a.msgid,
    applied_at: a.created_at.toISOString(),
    status: a.cancelled_at === null ? 'live' : 'cancelled',
    cancelled_at: a.cancelled_at?.toISOString() ?? null,
  }));
}
