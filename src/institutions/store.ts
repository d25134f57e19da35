import type { Queryable } from '../db/pool.ts';
import type { Institution, InstitutionItemMapping } from './model.ts';

const columns = 'code, name, admdvs, kind, level::int AS level, services, chronic_diseases, status, address, phone';

/** Inserts new institutions and replaces stored ones, in one statement for the whole batch. */
export async function upsertInstitutions(tx: Queryable, rows: readonly Institution[]): Promise<void> {
  if (rows.length === 0) return;
  const col = <K extends keyof Institution>(k: K) => rows.map((r) => r[k]);
  // unnest flattens multi-dimensional arrays, so the per-row text arrays travel as JSON.
  await tx.query(
    `INSERT INTO institution (code, name, admdvs, kind, level, services, chronic_diseases, status, address, phone)
     SELECT t.code, t.name, t.admdvs, t.kind, t.level,
            ARRAY(SELECT jsonb_array_elements_text(t.services)), ARRAY(SELECT jsonb_array_elements_text(t.diseases)),
            t.status, t.address, t.phone
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int2[], $6::jsonb[], $7::jsonb[], $8::text[], $9::text[], $10::text[])
            AS t(code, name, admdvs, kind, level, services, diseases, status, address, phone)
     ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, admdvs = EXCLUDED.admdvs, kind = EXCLUDED.kind, level = EXCLUDED.level,
       services = EXCLUDED.services, chronic_diseases = EXCLUDED.chronic_diseases, status = EXCLUDED.status,
       address = EXCLUDED.address, phone = EXCLUDED.phone`,
    [
      col('code'),
      col('name'),
      col('admdvs'),
      col('kind'),
      col('level'),
      rows.map((r) => JSON.stringify(r.services)),
      rows.map((r) => JSON.stringify(r.chronic_diseases)),
      col('status'),
      col('address'),
      col('phone'),
    ],
  );
}

/** The stored area of each of the given codes that exists. */
export async function areasOf(tx: Queryable, codes: readonly string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const r = await tx.query<{ code: string; admdvs: string }>('SELECT code, admdvs FROM institution WHERE code = ANY($1::char(12)[])', [codes]);
  return new Map(r.rows.map((x) => [x.code, x.admdvs]));
}

export async function byCode(tx: Queryable, code: string): Promise<Institution | null> {
  const r = await tx.query<Institution>(`SELECT ${columns} FROM institution WHERE code = $1`, [code]);
  return r.rows[0] ?? null;
}

export interface SearchFilter {
  areaPrefix?: string;
  area?: string;
  kind?: string;
  level?: number;
  service?: string;
  disease?: string;
  q?: string;
  status?: string;
}

export async function search(tx: Queryable, f: SearchFilter, limit: number, offset: number): Promise<{ items: Institution[]; total: number }> {
  const params: unknown[] = [];
  const where: string[] = [];
  const cond = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (f.areaPrefix !== undefined) cond((p) => `admdvs LIKE ${p}`, `${f.areaPrefix}%`);
  if (f.area !== undefined) cond((p) => `admdvs = ${p}`, f.area);
  if (f.kind !== undefined) cond((p) => `kind = ${p}`, f.kind);
  if (f.level !== undefined) cond((p) => `level = ${p}`, f.level);
  if (f.service !== undefined) cond((p) => `services @> ARRAY[${p}::text]`, f.service);
  if (f.disease !== undefined) cond((p) => `chronic_diseases @> ARRAY[${p}::text]`, f.disease);
  if (f.q !== undefined && f.q !== '') cond((p) => `name ILIKE ${p}`, `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
  if (f.status !== undefined) cond((p) => `status = ${p}`, f.status);
  const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const total = await tx.query<{ n: string }>(`SELECT count(*) AS n FROM institution ${clause}`, params);
  const rows = await tx.query<Institution>(
    `SELECT ${columns} FROM institution ${clause} ORDER BY code LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, limit, offset],
  );
  return { items: rows.rows, total: Number(total.rows[0]!.n) };
}

export async function exportInstitutions(tx: Queryable, areaPrefix: string | null, area: string | null): Promise<Institution[]> {
  const r = await tx.query<Institution>(
    `SELECT ${columns} FROM institution
      WHERE ($1::text IS NULL OR admdvs LIKE $1) AND ($2::text IS NULL OR admdvs = $2) ORDER BY code`,
    [areaPrefix === null ? null : `${areaPrefix}%`, area],
  );
  return r.rows;
}

export async function upsertMappings(tx: Queryable, rows: readonly InstitutionItemMapping[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO institution_item_map (institution_code, medins_list_codg, hilist_code)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
     ON CONFLICT (institution_code, medins_list_codg) DO UPDATE SET hilist_code = EXCLUDED.hilist_code`,
    [rows.map((r) => r.institution_code), rows.map((r) => r.medins_list_codg), rows.map((r) => r.hilist_code)],
  );
}

export async function mappedCode(tx: Queryable, institutionCode: string, medinsListCodg: string): Promise<string | null> {
  const r = await tx.query<{ hilist_code: string }>(
    'SELECT hilist_code FROM institution_item_map WHERE institution_code = $1 AND medins_list_codg = $2',
    [institutionCode, medinsListCodg],
  );
  return r.rows[0]?.hilist_code ?? null;
}

export async function exportMappings(tx: Queryable, areaPrefix: string | null, area: string | null): Promise<InstitutionItemMapping[]> {
  const r = await tx.query<InstitutionItemMapping>(
    `SELECT m.institution_code, m.medins_list_codg, m.hilist_code
       FROM institution_item_map m JOIN institution i ON i.code = m.institution_code
      WHERE ($1::text IS NULL OR i.admdvs LIKE $1) AND ($2::text IS NULL OR i.admdvs = $2)
      ORDER BY m.institution_code, m.medins_list_codg`,
    [areaPrefix === null ? null : `${areaPrefix}%`, area],
  );
  return r.rows;
}
