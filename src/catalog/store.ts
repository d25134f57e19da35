import type { Queryable } from '../db/pool.ts';
import { fenFromDb, type Bp } from '../core/money.ts';
import type { CatalogItem } from './model.ts';

const columns = `province, hilist_code, hilist_name, list_type, med_chrgitm_type, chrgitm_lv, selfpay_prop_bp,
  pric_uplmt_fen, begndate::text AS begndate, enddate::text AS enddate`;

type Row = Omit<CatalogItem, 'pric_uplmt_fen'> & { pric_uplmt_fen: string | null };

function fromRow(r: Row): CatalogItem {
  return { ...r, selfpay_prop_bp: r.selfpay_prop_bp as Bp, pric_uplmt_fen: r.pric_uplmt_fen === null ? null : fenFromDb(r.pric_uplmt_fen) };
}

/** Every stored version of the given (province, hilist_code) pairs. */
export async function versionsOf(tx: Queryable, keys: readonly { province: string; hilist_code: string }[]): Promise<CatalogItem[]> {
  if (keys.length === 0) return [];
  const r = await tx.query<Row>(
    `SELECT ${columns} FROM catalog_item
      WHERE (province, hilist_code) IN (SELECT * FROM unnest($1::char(6)[], $2::text[]))
      ORDER BY province, hilist_code, begndate`,
    [keys.map((k) => k.province), keys.map((k) => k.hilist_code)],
  );
  return r.rows.map(fromRow);
}

export async function insertItems(tx: Queryable, items: readonly CatalogItem[]): Promise<void> {
  if (items.length === 0) return;
  const col = <K extends keyof CatalogItem>(k: K) => items.map((i) => i[k]);
  await tx.query(
    `INSERT INTO catalog_item (province, hilist_code, hilist_name, list_type, med_chrgitm_type, chrgitm_lv, selfpay_prop_bp,
                               pric_uplmt_fen, begndate, enddate)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int4[], $8::int8[], $9::date[], $10::date[])`,
    [
      col('province'),
      col('hilist_code'),
      col('hilist_name'),
      col('list_type'),
      col('med_chrgitm_type'),
      col('chrgitm_lv'),
      col('selfpay_prop_bp'),
      items.map((i) => (i.pric_uplmt_fen === null ? null : String(i.pric_uplmt_fen))),
      col('begndate'),
      col('enddate'),
    ],
  );
}

export async function setEndDates(tx: Queryable, items: readonly CatalogItem[]): Promise<void> {
  if (items.length === 0) return;
  await tx.query(
    `UPDATE catalog_item c SET enddate = t.enddate
       FROM unnest($1::char(6)[], $2::text[], $3::date[], $4::date[]) AS t(province, hilist_code, begndate, enddate)
      WHERE c.province = t.province AND c.hilist_code = t.hilist_code AND c.begndate = t.begndate`,
    [items.map((i) => i.province), items.map((i) => i.hilist_code), items.map((i) => i.begndate), items.map((i) => i.enddate)],
  );
}

export interface SearchFilter {
  province: string;
  q?: string;
  list_type?: string;
  chrgitm_lv?: string;
  date?: string;
}

export async function search(tx: Queryable, f: SearchFilter, limit: number, offset: number): Promise<{ items: CatalogItem[]; total: number }> {
  const params: unknown[] = [f.province];
  const where = ['province = $1'];
  if (f.q !== undefined && f.q !== '') {
    params.push(`${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
    const prefix = `$${params.length}`;
    params.push(`%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
    where.push(`(hilist_code LIKE ${prefix} OR hilist_name ILIKE $${params.length})`);
  }
  if (f.list_type !== undefined) {
    params.push(f.list_type);
    where.push(`list_type = $${params.length}`);
  }
  if (f.chrgitm_lv !== undefined) {
    params.push(f.chrgitm_lv);
    where.push(`chrgitm_lv = $${params.length}`);
  }
  if (f.date !== undefined) {
    params.push(f.date);
    where.push(`begndate <= $${params.length}::date AND (enddate IS NULL OR enddate >= $${params.length}::date)`);
  }
  const clause = where.join(' AND ');
  const total = await tx.query<{ n: string }>(`SELECT count(*) AS n FROM catalog_item WHERE ${clause}`, params);
  const rows = await tx.query<Row>(
    `SELECT ${columns} FROM catalog_item WHERE ${clause} ORDER BY hilist_code, begndate LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, limit, offset],
  );
  return { items: rows.rows.map(fromRow), total: Number(total.rows[0]!.n) };
}

export async function inForce(tx: Queryable, province: string, hilistCode: string, date: string): Promise<CatalogItem | null> {
  const r = await tx.query<Row>(
    `SELECT ${columns} FROM catalog_item
      WHERE province = $1 AND hilist_code = $2 AND begndate <= $3::date AND (enddate IS NULL OR enddate >= $3::date)`,
    [province, hilistCode, date],
  );
  return r.rows[0] ? fromRow(r.rows[0]) : null;
}

/**
 * The versions in force in the province for many (code, day) pairs at once,
 * each with the position of its pair in `pairs`: a pair with no version in
 * force has no row.
 */
export async function inForceOn(tx: Queryable, province: string, pairs: readonly { hilist_code: string; date: string }[]): Promise<{ pair: number; item: CatalogItem }[]> {
  if (pairs.length === 0) return [];
  const r = await tx.query<Row & { ord: string }>(
    `SELECT ${columns}, k.ord
       FROM unnest($2::text[], $3::date[]) WITH ORDINALITY AS k(code, day, ord)
       JOIN catalog_item ON province = $1 AND hilist_code = k.code AND begndate <= k.day AND (enddate IS NULL OR enddate >= k.day)`,
    [province, pairs.map((p) => p.hilist_code), pairs.map((p) => p.date)],
  );
  return r.rows.map(({ ord, ...row }) => ({ pair: Number(ord) - 1, item: fromRow(row) }));
}

/** The subset of `codes` listed (in any version) in the province's catalogue. */
export async function listedCodes(tx: Queryable, province: string, codes: readonly string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const r = await tx.query<{ hilist_code: string }>(
    'SELECT DISTINCT hilist_code FROM catalog_item WHERE province = $1 AND hilist_code = ANY($2::text[])',
    [province, codes],
  );
  return new Set(r.rows.map((x) => x.hilist_code));
}

export async function exportItems(tx: Queryable, province: string | null): Promise<CatalogItem[]> {
  const r = await tx.query<Row>(
    `SELECT ${columns} FROM catalog_item WHERE $1::text IS NULL OR province = $1 ORDER BY province, hilist_code, begndate`,
    [province],
  );
  return r.rows.map(fromRow);
}

/** The median class-B self-paid share of the items in force in a province, or null if it lists none. */
export async function medianClassBShare(tx: Queryable, province: string, date: string): Promise<number | null> {
  const r = await tx.query<{ bp: number | null }>(
    `SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY selfpay_prop_bp))::int AS bp
       FROM catalog_item
      WHERE province = $1 AND chrgitm_lv = '02' AND begndate <= $2 AND (enddate IS NULL OR enddate >= $2)`,
    [province, date],
  );
  return r.rows[0]?.bp ?? null;
}
