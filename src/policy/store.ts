import { conflict } from '../core/errors.ts';
import type { Queryable } from '../db/pool.ts';
import type { PolicyDoc, PolicyVersion, PolicyVersionSummary } from './model.ts';

export interface VersionFilter {
  pooling_area?: string;
  insutype?: string;
  /** a province code PP0000: every pooling area in it */
  province?: string;
}

export interface Page {
  page: number;
  page_size: number;
}

// The end of a version is the day before the next version of the same area and
// scheme begins; deriving it keeps versions immutable when a new one arrives.
// The window sees every version of a partition because the filters select whole
// partitions (area, scheme or province), never single versions.
const withEnddate = (filter: string) => `
  SELECT id::int AS id, pooling_area, insutype, to_char(begndate, 'YYYY-MM-DD') AS begndate,
         to_char(lead(begndate) OVER (PARTITION BY pooling_area, insutype ORDER BY begndate) - 1, 'YYYY-MM-DD') AS enddate,
         doc
    FROM policy_version
   WHERE ${filter}`;

function where(f: VersionFilter): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (f.pooling_area !== undefined) parts.push(`pooling_area = $${params.push(f.pooling_area)}`);
  if (f.insutype !== undefined) parts.push(`insutype = $${params.push(f.insutype)}`);
  if (f.province !== undefined) parts.push(`left(pooling_area, 2) = $${params.push(f.province.slice(0, 2))}`);
  return { sql: parts.length > 0 ? parts.join(' AND ') : 'true', params };
}

export async function insertVersion(tx: Queryable, doc: PolicyDoc, createdBy: string): Promise<number> {
  try {
    const r = await tx.query<{ id: number }>(
      `INSERT INTO policy_version (pooling_area, insutype, begndate, doc, created_by)
       VALUES ($1, $2, $3, $4, $5) RETURNING id::int AS id`,
      [doc.pooling_area, doc.insutype, doc.begndate, JSON.stringify(doc), createdBy],
    );
    return r.rows[0]!.id;
  } catch (err) {
    // Two imports racing for the same version: the loser gets a clear answer, not a 500.
    if ((err as { code?: string }).code === '23505') {
      throw conflict(`a policy of scheme ${doc.insutype} for ${doc.pooling_area} beginning ${doc.begndate} was imported meanwhile`);
    }
    throw err;
  }
}

export async function versionExists(tx: Queryable, poolingArea: string, insutype: string, begndate: string): Promise<boolean> {
  const r = await tx.query('SELECT 1 FROM policy_version WHERE pooling_area = $1 AND insutype = $2 AND begndate = $3', [
    poolingArea,
    insutype,
    begndate,
  ]);
  return (r.rowCount ?? 0) > 0;
}

export async function listVersions(tx: Queryable, f: VersionFilter, p: Page): Promise<{ items: PolicyVersionSummary[]; total: number }> {
  const w = where(f);
  const total = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM policy_version WHERE ${w.sql}`, w.params);
  const limit = w.params.length + 1;
  const r = await tx.query<PolicyVersionSummary>(
    `SELECT id, pooling_area, insutype, begndate, enddate, doc->>'name' AS name
       FROM (${withEnddate(w.sql)}) v
      ORDER BY pooling_area, insutype, begndate
      LIMIT $${limit} OFFSET $${limit + 1}`,
    [...w.params, p.page_size, (p.page - 1) * p.page_size],
  );
  return { items: r.rows, total: total.rows[0]!.n };
}

/** Every version matching the filter, documents included, ordered by area, scheme and begndate. */
export async function versions(tx: Queryable, f: VersionFilter): Promise<PolicyVersion[]> {
  const w = where(f);
  const r = await tx.query<PolicyVersion>(`${withEnddate(w.sql)} ORDER BY pooling_area, insutype, begndate`, w.params);
  return r.rows;
}

/** The version of an area and scheme in force on `date` (the latest to begin by then), document included. */
export async function versionOn(tx: Queryable, poolingArea: string, insutype: string, date: string): Promise<PolicyVersion | null> {
  const r = await tx.query<PolicyVersion>(
    `SELECT * FROM (${withEnddate('pooling_area = $1 AND insutype = $2')}) v WHERE begndate <= $3 ORDER BY begndate DESC LIMIT 1`,
    [poolingArea, insutype, date],
  );
  return r.rows[0] ?? null;
}

/** The first day any version of an area and scheme begins, or null when it has none. */
export async function firstBegndate(tx: Queryable, poolingArea: string, insutype: string): Promise<string | null> {
  const r = await tx.query<{ begndate: string | null }>(
    "SELECT to_char(min(begndate), 'YYYY-MM-DD') AS begndate FROM policy_version WHERE pooling_area = $1 AND insutype = $2",
    [poolingArea, insutype],
  );
  return r.rows[0]!.begndate;
}

export async function versionById(tx: Queryable, id: number): Promise<PolicyVersion | null> {
  // The window needs the other versions of the same area and scheme to find the end.
  const r = await tx.query<PolicyVersion>(
    `SELECT * FROM (${withEnddate(
      '(pooling_area, insutype) = (SELECT pooling_area, insutype FROM policy_version WHERE id = $1)',
    )}) v WHERE id = $1`,
    [id],
  );
  return r.rows[0] ?? null;
}
