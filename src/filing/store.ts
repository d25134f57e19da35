import { conflict } from '../core/errors.ts';
import type { Queryable } from '../db/pool.ts';
import type { Filing, FilingInput, FilingStatus, NationalRecord } from './model.ts';

const columns = `id::int AS id, filing_no, psn_no, insutype, insuplc_admdvs, kind, area,
  to_char(begin_date, 'YYYY-MM-DD') AS begin_date, to_char(end_date, 'YYYY-MM-DD') AS end_date,
  status, channel, proof, agent, acted_by, review_reason, replaces_id::int AS replaces_id, late,
  created_at::text AS created_at, ended_at::text AS ended_at`;

export async function nextFilingSerial(tx: Queryable): Promise<number> {
  const r = await tx.query<{ n: string }>("SELECT nextval('filing_serial') AS n");
  return Number(r.rows[0]!.n);
}

export async function insertFiling(
  tx: Queryable,
  f: Omit<FilingInput, 'ongoing_stay_since'> & {
    filing_no: string;
    insuplc_admdvs: string;
    end_date: string | null;
    status: FilingStatus;
    acted_by: string;
    replaces_id: number | null;
    late: boolean;
  },
): Promise<Filing> {
  const r = await tx.query<Filing>(
    `INSERT INTO filing (filing_no, psn_no, insutype, insuplc_admdvs, kind, area, begin_date, end_date, status,
                         channel, proof, phone, agent, acted_by, replaces_id, late)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
     RETURNING ${columns}`,
    [
      f.filing_no, f.psn_no, f.insutype, f.insuplc_admdvs, f.kind, f.area, f.begin_date, f.end_date, f.status,
      f.channel, JSON.stringify(f.proof), f.phone ?? null, f.agent ? JSON.stringify(f.agent) : null, f.acted_by,
      f.replaces_id, f.late,
    ],
  ).catch((err: { code?: string; constraint?: string }) => {
    // Two requests racing past the live-filing check meet the unique index.
    if (err.code === '23505' && err.constraint === 'filing_one_live') throw conflict('Already filed, no need to file again: another filing was just made for this person.');
    throw err;
  });
  return r.rows[0]!;
}

/** Locks the person's live filing of the scheme, so two requests cannot both file. */
export async function liveFilingForUpdate(tx: Queryable, psnNo: string, insutype: string): Promise<Filing | null> {
  const r = await tx.query<Filing>(
    `SELECT ${columns} FROM filing WHERE psn_no = $1 AND insutype = $2 AND status IN ('pending_review', 'active') FOR UPDATE`,
    [psnNo, insutype],
  );
  return r.rows[0] ?? null;
}

export async function filingById(tx: Queryable, id: number, forUpdate = false): Promise<Filing | null> {
  const r = await tx.query<Filing>(`SELECT ${columns} FROM filing WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return r.rows[0] ?? null;
}

export async function filingsOfPerson(tx: Queryable, psnNo: string): Promise<Filing[]> {
  const r = await tx.query<Filing>(`SELECT ${columns} FROM filing WHERE psn_no = $1 ORDER BY begin_date DESC, id DESC`, [psnNo]);
  return r.rows;
}

export async function setStatus(
  tx: Queryable,
  id: number,
  status: FilingStatus,
  extra: { review_reason?: string | null; reviewed_by?: string; end_date?: string | null; ended?: boolean } = {},
): Promise<Filing> {
  const r = await tx.query<Filing>(
    `UPDATE filing SET status = $2,
            review_reason = COALESCE($3, review_reason),
            reviewed_by = COALESCE($4, reviewed_by),
            end_date = CASE WHEN $5::boolean THEN $6::date ELSE end_date END,
            ended_at = CASE WHEN $7::boolean THEN now() ELSE ended_at END
      WHERE id = $1 RETURNING ${columns}`,
    [id, status, extra.review_reason ?? null, extra.reviewed_by ?? null, 'end_date' in extra, extra.end_date ?? null, extra.ended ?? false],
  );
  return r.rows[0]!;
}

/** Writes the filing's current state to the national filing database and logs the event. */
export async function reportNational(tx: Queryable, f: Filing, certno: string, event: string, actor: string): Promise<void> {
  await tx.query(
    `INSERT INTO national_filing (filing_id, filing_no, psn_no, certno, insutype, insuplc_admdvs, kind, area,
                                  begin_date, end_date, status, channel, filed_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now())
     ON CONFLICT (filing_id) DO UPDATE SET status = EXCLUDED.status, end_date = EXCLUDED.end_date, updated_at = now()`,
    [f.id, f.filing_no, f.psn_no, certno, f.insutype, f.insuplc_admdvs, f.kind, f.area, f.begin_date, f.end_date, f.status, f.channel, f.created_at],
  );
  await tx.query('INSERT INTO national_filing_event (filing_id, event, status, actor) VALUES ($1, $2, $3, $4)', [f.id, event, f.status, actor]);
}

/** The national record search: every filing ever made for a person, whichever channel made it. */
export async function nationalRecordsOf(tx: Queryable, psnNo: string): Promise<NationalRecord[]> {
  const r = await tx.query<NationalRecord>(
    `SELECT ${nationalColumns} FROM national_filing WHERE psn_no = $1 ORDER BY filed_at DESC`,
    [psnNo],
  );
  return r.rows;
}

export async function searchFilings(
  tx: Queryable,
  filter: { region: string | null; status?: string; kind?: string; area?: string; psn_no?: string; page: number; page_size: number },
): Promise<{ items: Filing[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (filter.region) where.push(`insuplc_admdvs LIKE ${p(filter.region.endsWith('0000') ? filter.region.slice(0, 2) + '%' : filter.region)}`);
  if (filter.status) where.push(`status = ${p(filter.status)}`);
  if (filter.kind) where.push(`kind = ${p(filter.kind)}`);
  // A province also finds the filings to its pooling areas.
  if (filter.area) where.push(filter.area.endsWith('0000') ? `area LIKE ${p(filter.area.slice(0, 2) + '%')}` : `area = ${p(filter.area)}`);
  if (filter.psn_no) where.push(`psn_no = ${p(filter.psn_no)}`);
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM filing ${clause}`, params);
  const rows = await tx.query<Filing>(
    `SELECT ${columns} FROM filing ${clause} ORDER BY created_at DESC, id DESC LIMIT ${p(filter.page_size)} OFFSET ${p((filter.page - 1) * filter.page_size)}`,
    params,
  );
  return { items: rows.rows, total: total.rows[0]!.n };
}

export async function countsByKindAndArea(tx: Queryable, region: string | null): Promise<{ kind: string; area: string; status: string; n: number }[]> {
  const r = await tx.query<{ kind: string; area: string; status: string; n: number }>(
    `SELECT kind, area, status, count(*)::int AS n FROM filing
      WHERE ($1::text IS NULL OR insuplc_admdvs LIKE $1)
      GROUP BY kind, area, status ORDER BY kind, area, status`,
    [region === null ? null : region.endsWith('0000') ? region.slice(0, 2) + '%' : region],
  );
  return r.rows;
}

const nationalColumns = `filing_id::int AS filing_id, filing_no, psn_no, insutype, insuplc_admdvs, kind, area,
  to_char(begin_date, 'YYYY-MM-DD') AS begin_date, to_char(end_date, 'YYYY-MM-DD') AS end_date,
  status, channel, filed_at::text AS filed_at`;

/**
 * The person's records that can cover a visit, from the national filing database
 * (what a treatment place reads): live ones, and changed ones until their end date.
 */
export async function nationalLiveRecords(tx: Queryable, psnNo: string, insutype: string | null): Promise<NationalRecord[]> {
  const r = await tx.query<NationalRecord>(
    `SELECT ${nationalColumns} FROM national_filing
      WHERE psn_no = $1 AND ($2::text IS NULL OR insutype = $2) AND status IN ('active', 'pending_review', 'changed')`,
    [psnNo, insutype],
  );
  return r.rows;
}
