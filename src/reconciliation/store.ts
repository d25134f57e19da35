import type { Queryable } from '../db/pool.ts';
import type { CnfmFlag, ConfirmationInForce, Figures, LineCounts, Period, StoredFile, TotalsVerdict } from './model.ts';

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
 * The confirmations in force for a month: per settlement, its latest
 * confirmation after its institution's latest rollback of the month; of one
 * institution, or of all when `fixmedinsCode` is null.
 */
export async function confirmationsInForce(tx: Queryable, month: string, fixmedinsCode: string | null, flag?: CnfmFlag): Promise<ConfirmationInForce[]> {
  const r = await tx.query<{ fixmedins_code: string; setl_id: string; cnfm_flag: CnfmFlag; memo: string | null }>(
    `SELECT * FROM (
       SELECT DISTINCT ON (e.fixmedins_code, e.setl_id) e.fixmedins_code, e.setl_id, e.cnfm_flag, e.memo
         FROM hospital_clearing_event e
        WHERE e.clr_month = $1 AND ($2::text IS NULL OR e.fixmedins_code = $2) AND e.action = 'confirm'
          AND e.id > COALESCE((SELECT max(r.id) FROM hospital_clearing_event r
                                WHERE r.clr_month = e.clr_month AND r.fixmedins_code = e.fixmedins_code AND r.action = 'rollback'), 0)
        ORDER BY e.fixmedins_code, e.setl_id, e.id DESC) c
      WHERE $3::text IS NULL OR c.cnfm_flag = $3
      ORDER BY c.fixmedins_code, c.setl_id`,
    [month, fixmedinsCode, flag ?? null],
  );
  return r.rows.map((x) => ({ fixmedins_code: x.fixmedins_code, month, setl_id: x.setl_id, cnfm_flag: x.cnfm_flag, memo: x.memo }));
}
