import type { Queryable } from '../db/pool.ts';
import type { ChronicDisease, Region, RegionFilter } from './model.ts';

const REGION_COLUMNS = 'code, level, parent, name_zh, name_en, is_pooling, has_scheme';

/** One statement for all rows (arrays unnested server-side), so seeding stays a single round trip. */
export async function insertRegions(tx: Queryable, rows: readonly Region[]): Promise<number> {
  const r = await tx.query(
    `INSERT INTO region (${REGION_COLUMNS})
     SELECT * FROM unnest($1::char(6)[], $2::smallint[], $3::char(6)[], $4::text[], $5::text[], $6::boolean[], $7::boolean[])
     ON CONFLICT (code) DO NOTHING`,
    [
      rows.map((x) => x.code),
      rows.map((x) => x.level),
      rows.map((x) => x.parent),
      rows.map((x) => x.name_zh),
      rows.map((x) => x.name_en),
      rows.map((x) => x.is_pooling),
      rows.map((x) => x.has_scheme),
    ],
  );
  return r.rowCount ?? 0;
}

export async function insertChronicDiseases(tx: Queryable, rows: readonly ChronicDisease[]): Promise<number> {
  const r = await tx.query(
    `INSERT INTO chronic_disease (code, name_zh, name_en, cross_province)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[])
     ON CONFLICT (code) DO NOTHING`,
    [rows.map((x) => x.code), rows.map((x) => x.name_zh), rows.map((x) => x.name_en), rows.map((x) => x.cross_province)],
  );
  return r.rowCount ?? 0;
}

export async function selectRegions(tx: Queryable, filter: RegionFilter): Promise<Region[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.level !== undefined) where.push(`level = $${params.push(filter.level)}`);
  if (filter.parent !== undefined) where.push(`parent = $${params.push(filter.parent)}`);
  if (filter.pooling !== undefined) where.push(`is_pooling = $${params.push(filter.pooling)}`);
  const r = await tx.query<Region>(
    `SELECT ${REGION_COLUMNS} FROM region ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY code`,
    params,
  );
  return r.rows;
}

/** The divisions with these codes, by code; unknown codes are absent. */
export async function selectRegionsByCode(tx: Queryable, codes: readonly string[]): Promise<Map<string, Region>> {
  const r = await tx.query<Region>(`SELECT ${REGION_COLUMNS} FROM region WHERE code = ANY($1::char(6)[])`, [codes]);
  return new Map(r.rows.map((row) => [row.code, row]));
}

export async function selectChronicDiseases(tx: Queryable): Promise<ChronicDisease[]> {
  const r = await tx.query<ChronicDisease>('SELECT code, name_zh, name_en, cross_province FROM chronic_disease ORDER BY cross_province DESC, code');
  return r.rows;
}
