import { shanghaiDateTime } from '../core/clock.ts';
import { bp, fenFromDb } from '../core/money.ts';
import type { Queryable } from '../db/pool.ts';
import type { ClassifiedFeeLine, Diagnosis, Encounter, EncounterStatus, PricedFeeLine } from './model.ts';

/** SQL for the encounter, encounter_diagnosis and fee_line tables. Times are timestamptz, read back as Shanghai text. */

const time = (d: Date | null): string | null => (d === null ? null : shanghaiDateTime(d));

const encounterColumns = `mdtrt_id, fixmedins_code, mdtrtarea_admvs, psn_no, insutype, insuplc_admdvs, med_type, visit_kind, begntime, endtime,
  mdtrt_cert_type, mdtrt_cert_no, ipt_otp_no, medrcdno, dept_code, dept_name, caty, adm_bed, atddr_no, dr_name, adm_diag_dscr,
  dise_codg, dise_name, main_cond_dscr, opsp_dise_code, dscg_way, filing_no, filing_kind, emergency, status, settled_setl_id,
  created_msgid, created_at`;

type EncounterRow = Omit<Encounter, 'begntime' | 'endtime'> & { begntime: Date; endtime: Date | null };

function encounterOf(r: EncounterRow): Encounter {
  return { ...r, begntime: time(r.begntime)!, endtime: time(r.endtime) };
}

export async function nextMdtrtSerial(tx: Queryable): Promise<number> {
  const r = await tx.query<{ n: string }>("SELECT nextval('mdtrt_serial') AS n");
  return Number(r.rows[0]!.n);
}

/** The columns a visit is written with; times as instants. */
export type EncounterWrite = Omit<Encounter, 'begntime' | 'endtime' | 'status' | 'settled_setl_id' | 'created_at'> & {
  begntime: Date;
  endtime: Date | null;
};

const writable = [
  'fixmedins_code', 'mdtrtarea_admvs', 'psn_no', 'insutype', 'insuplc_admdvs', 'med_type', 'visit_kind', 'begntime', 'endtime',
  'mdtrt_cert_type', 'mdtrt_cert_no', 'ipt_otp_no', 'medrcdno', 'dept_code', 'dept_name', 'caty', 'adm_bed', 'atddr_no', 'dr_name',
  'adm_diag_dscr', 'dise_codg', 'dise_name', 'main_cond_dscr', 'opsp_dise_code', 'dscg_way', 'filing_no', 'filing_kind', 'emergency',
  'created_msgid',
] as const satisfies readonly (keyof EncounterWrite)[];

export async function insertEncounter(tx: Queryable, e: EncounterWrite & { mdtrt_id: string }, at: Date): Promise<void> {
  const cols = ['mdtrt_id', ...writable];
  await tx.query(
    `INSERT INTO encounter (${cols.join(', ')}, created_at, updated_at)
     VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}, $${cols.length + 1}, $${cols.length + 1})`,
    [...cols.map((c) => e[c as keyof typeof e]), at],
  );
}

/** The visit, locked against concurrent changes and settlements when `forUpdate`. */
export async function encounterById(tx: Queryable, mdtrtId: string, forUpdate = false): Promise<Encounter | null> {
  const r = await tx.query<EncounterRow>(`SELECT ${encounterColumns} FROM encounter WHERE mdtrt_id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [mdtrtId]);
  return r.rows[0] ? encounterOf(r.rows[0]) : null;
}

/** Writes the given columns (and the status, when given) of a visit. */
export async function updateEncounter(
  tx: Queryable,
  mdtrtId: string,
  changes: Partial<Omit<EncounterWrite, 'fixmedins_code' | 'psn_no' | 'created_msgid'>> & { status?: EncounterStatus },
  at: Date,
): Promise<void> {
  const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return;
  const sets = entries.map(([k], i) => `${k} = $${i + 2}`);
  await tx.query(`UPDATE encounter SET ${sets.join(', ')}, updated_at = $${entries.length + 2} WHERE mdtrt_id = $1`, [
    mdtrtId,
    ...entries.map(([, v]) => v),
    at,
  ]);
}

/** The other open admission of the person, if any (one bed at a time). */
export async function openAdmissionOf(tx: Queryable, psnNo: string): Promise<{ mdtrt_id: string; fixmedins_code: string } | null> {
  const r = await tx.query<{ mdtrt_id: string; fixmedins_code: string }>(
    "SELECT mdtrt_id, fixmedins_code FROM encounter WHERE psn_no = $1 AND visit_kind = 'inpatient' AND status = 'open'",
    [psnNo],
  );
  return r.rows[0] ?? null;
}

export type DiagnosisPhase = 'visit' | 'discharge';

export async function replaceDiagnoses(tx: Queryable, mdtrtId: string, phase: DiagnosisPhase, list: readonly (Omit<Diagnosis, 'diag_time'> & { diag_time: Date | null })[]): Promise<void> {
  await tx.query('DELETE FROM encounter_diagnosis WHERE mdtrt_id = $1 AND phase = $2', [mdtrtId, phase]);
  if (list.length === 0) return;
  const col = <K extends keyof (typeof list)[number]>(k: K) => list.map((d) => d[k]);
  await tx.query(
    `INSERT INTO encounter_diagnosis (mdtrt_id, phase, position, diag_type, maindiag_flag, diag_srt_no, diag_code, diag_name, adm_cond, diag_dept,
                                      dise_dor_no, dise_dor_name, diag_time)
     SELECT $1, $2, ord - 1, diag_type, maindiag_flag, diag_srt_no, diag_code, diag_name, adm_cond, diag_dept, dise_dor_no, dise_dor_name, diag_time
       FROM unnest($3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::timestamptz[])
            WITH ORDINALITY AS d(diag_type, maindiag_flag, diag_srt_no, diag_code, diag_name, adm_cond, diag_dept, dise_dor_no, dise_dor_name, diag_time, ord)`,
    [
      mdtrtId,
      phase,
      col('diag_type'),
      col('maindiag_flag'),
      col('diag_srt_no'),
      col('diag_code'),
      col('diag_name'),
      col('adm_cond'),
      col('diag_dept'),
      col('dise_dor_no'),
      col('dise_dor_name'),
      col('diag_time'),
    ],
  );
}

export async function diagnosesOf(tx: Queryable, mdtrtId: string, phase: DiagnosisPhase): Promise<Diagnosis[]> {
  const r = await tx.query<Omit<Diagnosis, 'diag_time'> & { diag_time: Date | null }>(
    `SELECT diag_type, maindiag_flag, diag_srt_no, diag_code, diag_name, adm_cond, diag_dept, dise_dor_no, dise_dor_name, diag_time
       FROM encounter_diagnosis WHERE mdtrt_id = $1 AND phase = $2 ORDER BY position`,
    [mdtrtId, phase],
  );
  return r.rows.map((d) => ({ ...d, diag_time: time(d.diag_time) }));
}

// ---------------------------------------------------------------- fee lines

const lineColumns = `id, mdtrt_id, feedetl_sn, init_feedetl_sn, refunds_id, chrg_bchno, rxno, drord_no, med_list_codg, medins_list_codg, fee_ocur_time,
  qty_e4, pric_fen, det_item_fee_sumamt_fen, listed, chrgitm_lv, selfpay_prop_bp, pric_uplmt_fen, fulamt_ownpay_fen, overlmt_fen, preselfpay_fen,
  inscp_scp_fen, med_chrgitm_type, list_type, bilg_dept_codg, bilg_dept_name, bilg_dr_codg, bilg_dr_name, hosp_appr_flag, memo, status, setl_id,
  created_at`;

interface LineRow {
  id: string;
  mdtrt_id: string;
  feedetl_sn: string;
  init_feedetl_sn: string | null;
  refunds_id: string | null;
  chrg_bchno: string | null;
  rxno: string | null;
  drord_no: string | null;
  med_list_codg: string | null;
  medins_list_codg: string | null;
  fee_ocur_time: Date;
  qty_e4: string;
  pric_fen: string;
  det_item_fee_sumamt_fen: string;
  listed: boolean;
  chrgitm_lv: ClassifiedFeeLine['chrgitm_lv'];
  selfpay_prop_bp: number;
  pric_uplmt_fen: string | null;
  fulamt_ownpay_fen: string;
  overlmt_fen: string;
  preselfpay_fen: string;
  inscp_scp_fen: string;
  med_chrgitm_type: string;
  list_type: string | null;
  bilg_dept_codg: string | null;
  bilg_dept_name: string | null;
  bilg_dr_codg: string | null;
  bilg_dr_name: string | null;
  hosp_appr_flag: string | null;
  memo: string | null;
  status: ClassifiedFeeLine['status'];
  setl_id: string | null;
  created_at: Date;
}

/** A stored line, with the id of the line it refunds (internal to this module). */
export type StoredLine = ClassifiedFeeLine & { refunds_id: number | null };

// Written field by field: spreading a row this wide into a new object costs microseconds a line.
function lineOf(r: LineRow): StoredLine {
  return {
    id: Number(r.id),
    mdtrt_id: r.mdtrt_id,
    feedetl_sn: r.feedetl_sn,
    init_feedetl_sn: r.init_feedetl_sn,
    refunds_id: r.refunds_id === null ? null : Number(r.refunds_id),
    chrg_bchno: r.chrg_bchno,
    rxno: r.rxno,
    drord_no: r.drord_no,
    med_list_codg: r.med_list_codg,
    medins_list_codg: r.medins_list_codg,
    fee_ocur_time: shanghaiDateTime(r.fee_ocur_time),
    qty_e4: Number(r.qty_e4),
    pric_fen: fenFromDb(r.pric_fen),
    det_item_fee_sumamt_fen: fenFromDb(r.det_item_fee_sumamt_fen),
    listed: r.listed,
    chrgitm_lv: r.chrgitm_lv,
    selfpay_prop_bp: bp(r.selfpay_prop_bp),
    pric_uplmt_fen: r.pric_uplmt_fen === null ? null : fenFromDb(r.pric_uplmt_fen),
    fulamt_ownpay_fen: fenFromDb(r.fulamt_ownpay_fen),
    overlmt_fen: fenFromDb(r.overlmt_fen),
    preselfpay_fen: fenFromDb(r.preselfpay_fen),
    inscp_scp_fen: fenFromDb(r.inscp_scp_fen),
    med_chrgitm_type: r.med_chrgitm_type,
    list_type: r.list_type,
    bilg_dept_codg: r.bilg_dept_codg,
    bilg_dept_name: r.bilg_dept_name,
    bilg_dr_codg: r.bilg_dr_codg,
    bilg_dr_name: r.bilg_dr_name,
    hosp_appr_flag: r.hosp_appr_flag,
    memo: r.memo,
    status: r.status,
    setl_id: r.setl_id,
    created_at: r.created_at,
  };
}

/** The visit's lines in upload order; only those with one of `statuses` when given. */
export async function linesOf(tx: Queryable, mdtrtId: string, statuses?: readonly ClassifiedFeeLine['status'][]): Promise<StoredLine[]> {
  const r = await tx.query<LineRow>(
    `SELECT ${lineColumns} FROM fee_line WHERE mdtrt_id = $1 ${statuses ? 'AND status = ANY($2::text[])' : ''} ORDER BY id`,
    statuses ? [mdtrtId, statuses] : [mdtrtId],
  );
  return r.rows.map(lineOf);
}

/** The live (not cancelled) lines of the visit with these numbers. */
export async function liveLinesBySn(tx: Queryable, mdtrtId: string, sns: readonly string[]): Promise<StoredLine[]> {
  if (sns.length === 0) return [];
  const r = await tx.query<LineRow>(
    // A semi-join, not `= ANY($2)`: a prepared statement's generic plan compares each of a long stay's lines with every sn of the batch in turn.
    `SELECT ${lineColumns} FROM fee_line WHERE mdtrt_id = $1 AND status <> 'cancelled' AND feedetl_sn IN (SELECT unnest($2::text[]))`,
    [mdtrtId, sns],
  );
  return r.rows.map(lineOf);
}

/** The live refund lines of the given lines. */
export async function liveRefundsOf(tx: Queryable, lineIds: readonly number[]): Promise<StoredLine[]> {
  if (lineIds.length === 0) return [];
  const r = await tx.query<LineRow>(
    `SELECT ${lineColumns} FROM fee_line WHERE refunds_id = ANY($1::bigint[]) AND status <> 'cancelled' ORDER BY id`,
    [lineIds],
  );
  return r.rows.map(lineOf);
}

/** A line to insert into a visit, with the id of the line it refunds. */
export interface LineWrite {
  line: PricedFeeLine;
  refunds_id: number | null;
}

const lineWriteColumns = [
  ['feedetl_sn', 'text'], ['init_feedetl_sn', 'text'], ['chrg_bchno', 'text'], ['rxno', 'text'], ['drord_no', 'text'], ['med_list_codg', 'text'],
  ['medins_list_codg', 'text'], ['qty_e4', 'bigint'], ['pric_fen', 'bigint'], ['det_item_fee_sumamt_fen', 'bigint'], ['listed', 'boolean'],
  ['chrgitm_lv', 'text'], ['selfpay_prop_bp', 'int'], ['pric_uplmt_fen', 'bigint'], ['fulamt_ownpay_fen', 'bigint'], ['overlmt_fen', 'bigint'],
  ['preselfpay_fen', 'bigint'], ['inscp_scp_fen', 'bigint'], ['med_chrgitm_type', 'text'], ['list_type', 'text'], ['bilg_dept_codg', 'text'],
  ['bilg_dept_name', 'text'], ['bilg_dr_codg', 'text'], ['bilg_dr_name', 'text'], ['hosp_appr_flag', 'text'], ['memo', 'text'],
] as const satisfies readonly (readonly [keyof PricedFeeLine, string])[];

/**
 * A column's values, or null when none is given: unnest pads a NULL array
 * with NULLs, so the optional columns most HIS leave empty cost nothing to send.
 */
function nullUnlessGiven<T>(values: T[]): T[] | null {
  return values.every((v) => v === null) ? null : values;
}

/**
 * Inserts a visit's batch with one `INSERT … SELECT FROM unnest(…)`: a round
 * trip per upload, however many lines it holds. Answers the new ids in input
 * order; the caller has the rest of each stored line (status uploaded,
 * created at `at`), so nothing else is read back.
 */
export async function insertLines(tx: Queryable, mdtrtId: string, lines: readonly LineWrite[], at: Date): Promise<number[]> {
  if (lines.length === 0) return [];
  const names = lineWriteColumns.map(([c]) => c);
  const n = names.length;
  const r = await tx.query<{ id: string }>(
    `INSERT INTO fee_line (mdtrt_id, refunds_id, fee_ocur_time, ${names.join(', ')}, created_at)
     SELECT $1, refunds_id, fee_ocur_time, ${names.join(', ')}, $${n + 4}
       FROM unnest($2::bigint[], $3::timestamptz[], ${lineWriteColumns.map(([, t], i) => `$${i + 4}::${t}[]`).join(', ')})
            WITH ORDINALITY AS l(refunds_id, fee_ocur_time, ${names.join(', ')}, ord)
      ORDER BY ord
     RETURNING id`,
    [
      mdtrtId,
      nullUnlessGiven(lines.map((l) => l.refunds_id)),
      // The Shanghai wall time as text with its offset: no Date to format per line.
      lines.map((l) => `${l.line.fee_ocur_time}+08`),
      ...lineWriteColumns.map(([c]) => nullUnlessGiven(lines.map((l) => l.line[c]))),
      at,
    ],
  );
  // RETURNING follows the insert order, which follows ORDER BY ord; sorting by id keeps that explicit.
  return r.rows.map((row) => Number(row.id)).sort((a, b) => a - b);
}

/** Cancels unsettled lines; returns how many were. */
export async function cancelLines(tx: Queryable, ids: readonly number[], at: Date): Promise<number> {
  if (ids.length === 0) return 0;
  const r = await tx.query("UPDATE fee_line SET status = 'cancelled', cancelled_at = $2 WHERE id = ANY($1::bigint[]) AND status = 'uploaded'", [ids, at]);
  return r.rowCount ?? 0;
}

/**
 * Makes `setlId` the visit's live settlement and its lines settled, in one
 * statement; answers whether the visit was unsettled and how many of the
 * lines were still uploaded, for the caller to refuse anything else.
 */
export async function settleVisit(tx: Queryable, mdtrtId: string, setlId: string, lineIds: readonly number[]): Promise<{ visit: boolean; lines: number }> {
  const r = await tx.query<{ visit: boolean; lines: number }>(
    `WITH visit AS (
       UPDATE encounter SET settled_setl_id = $2, updated_at = now() WHERE mdtrt_id = $1 AND settled_setl_id IS NULL RETURNING 1
     ), lines AS (
       UPDATE fee_line SET status = 'settled', setl_id = $2 WHERE mdtrt_id = $1 AND id = ANY($3::bigint[]) AND status = 'uploaded' RETURNING 1
     )
     SELECT EXISTS (SELECT 1 FROM visit) AS visit, (SELECT count(*) FROM lines)::int AS lines`,
    [mdtrtId, setlId, lineIds],
  );
  return r.rows[0]!;
}

/** Undoes `settleVisit` for the live settlement `setlId`, in one statement; false when it is not the visit's live settlement. */
export async function unsettleVisit(tx: Queryable, mdtrtId: string, setlId: string): Promise<boolean> {
  const r = await tx.query<{ visit: boolean }>(
    `WITH visit AS (
       UPDATE encounter SET settled_setl_id = NULL, updated_at = now() WHERE mdtrt_id = $1 AND settled_setl_id = $2 RETURNING 1
     ), lines AS (
       UPDATE fee_line SET status = 'uploaded', setl_id = NULL
        WHERE mdtrt_id = $1 AND setl_id = $2 AND status = 'settled' AND EXISTS (SELECT 1 FROM visit)
     )
     SELECT EXISTS (SELECT 1 FROM visit) AS visit`,
    [mdtrtId, setlId],
  );
  return r.rows[0]!.visit;
}

/**
 * The person's admissions in the scheme in `year` (the view of migration
 * 0015: stays settled at the desk and paid inpatient claims), other than the
 * stay or the claim being computed. The view spans the claims too: they
 * count as admissions for the deductible as settled stays do.
 */
export async function yearAdmissions(tx: Queryable, psnNo: string, insutype: string, year: number, except: { mdtrt_id: string | null; claim_id: number | null }): Promise<number> {
  const r = await tx.query<{ n: string }>(
    `SELECT count(*) AS n FROM year_admission
      WHERE psn_no = $1 AND insutype = $2 AND year = $3
        AND ($4::text IS NULL OR mdtrt_id IS DISTINCT FROM $4) AND ($5::bigint IS NULL OR claim_id IS DISTINCT FROM $5)`,
    [psnNo, insutype, year, except.mdtrt_id, except.claim_id],
  );
  return Number(r.rows[0]!.n);
}
