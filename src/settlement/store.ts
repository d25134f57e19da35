import { shanghaiDateTime } from '../core/clock.ts';
import { fenFromDb } from '../core/money.ts';
import type { Queryable } from '../db/pool.ts';
import type { Fund } from '../policy/model.ts';
import { emptyYearTotals } from './engine.ts';
import type { SetlInfoAmounts, Settlement, SettlementKind, YearTotals } from './model.ts';
import type { ListScope } from './rules.ts';

/** One person's year under one scheme and cap group: the key of the rows a settlement locks. */
export interface YearKey {
  psn_no: string;
  insutype: string;
  year: number;
  cap_group: string;
  insuplc_admdvs: string;
}

const FUNDS: readonly Fund[] = ['cvlserv', 'hifmi', 'hifob', 'maf'];

/** The year's totals for one cap group (zeros when nothing was settled yet), unlocked: for estimates and pre-settlements. */
export async function yearTotals(tx: Queryable, k: Omit<YearKey, 'insuplc_admdvs'>): Promise<YearTotals> {
  const totals = emptyYearTotals();
  const main = await tx.query<{ deductible_paid_fen: string; pooled_paid_fen: string }>(
    `SELECT deductible_paid_fen, pooled_paid_fen FROM year_total
      WHERE psn_no = $1 AND insutype = $2 AND year = $3 AND cap_group = $4`,
    [k.psn_no, k.insutype, k.year, k.cap_group],
  );
  const row = main.rows[0];
  if (row) {
    totals.deductible_paid_fen = fenFromDb(row.deductible_paid_fen);
    totals.pooled_paid_fen = fenFromDb(row.pooled_paid_fen);
  }
  const topups = await tx.query<{ fund: Fund; paid_fen: string; base_fen: string }>(
    `SELECT fund, paid_fen, base_fen FROM year_topup_total WHERE psn_no = $1 AND insutype = $2 AND year = $3`,
    [k.psn_no, k.insutype, k.year],
  );
  for (const t of topups.rows) totals.topups[t.fund] = { paid_fen: fenFromDb(t.paid_fen), base_fen: fenFromDb(t.base_fen) };
  return totals;
}

/**
 * The year's totals, locked until the transaction ends. The rows are created
 * when absent, so two first settlements of the year wait on the same rows
 * instead of both reading zeros; the creation and the lock of rows that exist
 * are one statement. Rows that statement creates are zero and held by this
 * transaction until it ends (another one inserting them waits on the unique
 * index), so a first settlement of the year needs nothing more. Rows it
 * neither created nor saw (committed by another transaction after it began)
 * are read again. The lock takes the cap group's row and the top-up rows in
 * fund order, so settlements never deadlock here.
 */
export async function lockYearTotals(tx: Queryable, k: YearKey): Promise<YearTotals> {
  const r = await tx.query<{ created_main: number; created_topups: number; locked: LockedYearRow[] | null }>(
    `WITH main AS (
       INSERT INTO year_total (psn_no, insutype, year, cap_group, insuplc_admdvs) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1
     ), topups AS (
       INSERT INTO year_topup_total (psn_no, insutype, year, fund) SELECT $1, $2, $3, unnest($6::text[]) ON CONFLICT DO NOTHING RETURNING 1
     ), locked AS (${LOCKED_YEAR_SQL})
     SELECT (SELECT count(*) FROM main)::int AS created_main, (SELECT count(*) FROM topups)::int AS created_topups,
            (SELECT json_agg(locked) FROM locked) AS locked`,
    [k.psn_no, k.insutype, k.year, k.cap_group, k.insuplc_admdvs, FUNDS],
  );
  const { created_main, created_topups, locked } = r.rows[0]!;
  if (created_main === 1 && created_topups === FUNDS.length) return emptyYearTotals();
  if (created_main === 0 && created_topups === 0 && locked?.length === FUNDS.length) return totalsOf(locked);
  const again = await tx.query<LockedYearRow>(LOCKED_YEAR_SQL, [k.psn_no, k.insutype, k.year, k.cap_group]);
  return totalsOf(again.rows);
}

interface LockedYearRow {
  deductible_paid_fen: string | number;
  pooled_paid_fen: string | number;
  fund: Fund;
  paid_fen: string | number;
  base_fen: string | number;
}

const LOCKED_YEAR_SQL = `SELECT y.deductible_paid_fen, y.pooled_paid_fen, t.fund, t.paid_fen, t.base_fen
       FROM year_total y JOIN year_topup_total t ON t.psn_no = y.psn_no AND t.insutype = y.insutype AND t.year = y.year
      WHERE y.psn_no = $1 AND y.insutype = $2 AND y.year = $3 AND y.cap_group = $4
      ORDER BY t.fund FOR UPDATE OF y, t`;

function totalsOf(rows: readonly LockedYearRow[]): YearTotals {
  const totals = emptyYearTotals();
  totals.deductible_paid_fen = fenFromDb(rows[0]!.deductible_paid_fen);
  totals.pooled_paid_fen = fenFromDb(rows[0]!.pooled_paid_fen);
  for (const t of rows) totals.topups[t.fund] = { paid_fen: fenFromDb(t.paid_fen), base_fen: fenFromDb(t.base_fen) };
  return totals;
}

/** A person's year totals to write back, the rows locked by `lockYearTotals`. */
export interface YearTotalsWrite {
  key: YearKey;
  totals: YearTotals;
}

/** The two updates of a year-totals write as CTEs, their parameters numbered from `$first`. */
function yearTotalsCtes(w: YearTotalsWrite, first: number): { sql: string; params: unknown[] } {
  const { key: k, totals: t } = w;
  const $ = (i: number) => `$${first + i}`;
  return {
    sql: `year_main AS (
       UPDATE year_total SET deductible_paid_fen = ${$(3)}, pooled_paid_fen = ${$(4)}
        WHERE psn_no = ${$(0)} AND insutype = ${$(1)} AND year = ${$(2)} AND cap_group = ${$(5)}
     ), year_topups AS (
       UPDATE year_topup_total y SET paid_fen = v.paid, base_fen = v.base
         FROM unnest(${$(6)}::text[], ${$(7)}::int8[], ${$(8)}::int8[]) AS v(fund, paid, base)
        WHERE y.psn_no = ${$(0)} AND y.insutype = ${$(1)} AND y.year = ${$(2)} AND y.fund = v.fund
     )`,
    params: [k.psn_no, k.insutype, k.year, t.deductible_paid_fen, t.pooled_paid_fen, k.cap_group, FUNDS, FUNDS.map((f) => t.topups[f].paid_fen), FUNDS.map((f) => t.topups[f].base_fen)],
  };
}

/** Writes the year's totals back, both tables in one statement. */
export async function writeYearTotals(tx: Queryable, w: YearTotalsWrite): Promise<void> {
  const ctes = yearTotalsCtes(w, 1);
  await tx.query(`WITH ${ctes.sql} SELECT 1`, ctes.params);
}

export async function nextSetlSerial(tx: Queryable): Promise<number> {
  const r = await tx.query<{ n: string }>("SELECT nextval('setl_serial') AS n");
  return Number(r.rows[0]!.n);
}

/** setlinfo's money fields, each stored in fen as `<field>_fen`. */
const AMOUNT_FIELDS = [
  'medfee_sumamt',
  'fulamt_ownpay_amt',
  'overlmt_selfpay',
  'preselfpay_amt',
  'inscp_scp_amt',
  'act_pay_dedc',
  'hifp_pay',
  'pool_prop_selfpay',
  'cvlserv_pay',
  'hifes_pay',
  'hifmi_pay',
  'hifob_pay',
  'maf_pay',
  'oth_pay',
  'fund_pay_sumamt',
  'psn_part_amt',
  'acct_pay',
  'psn_cash_pay',
  'hosp_part_amt',
  'balc',
] as const satisfies readonly (keyof SetlInfoAmounts)[];

/** A settlement as written: everything but what the database derives. */
export type NewSettlement = Omit<Settlement, 'live' | 'setl_time' | 'created_at'> & { setl_time: Date; created_at: Date };

const TEXT_COLUMNS = [
  'setl_id', 'kind', 'reverses', 'origin_setl_id', 'mdtrt_id', 'psn_no', 'fixmedins_code', 'insuplc_admdvs', 'mdtrtarea_admvs', 'insutype',
  'psn_type', 'med_type', 'clr_type', 'msgid', 'invono', 'acct_used_flag', 'mid_setl_flag', 'psn_name', 'psn_cert_type', 'certno', 'gend',
  'naty', 'mdtrt_cert_type',
] as const satisfies readonly (keyof NewSettlement)[];

/** Stores a settlement row and writes back the year totals it leaves, in one statement. */
export async function insertSettlement(tx: Queryable, s: NewSettlement, yearTotals: YearTotalsWrite): Promise<void> {
  const columns: string[] = [];
  const values: unknown[] = [];
  const put = (column: string, value: unknown, cast = '') => {
    columns.push(column);
    values.push(value);
    return `$${values.length}${cast}`;
  };
  const placeholders = [
    ...TEXT_COLUMNS.map((c) => put(c, s[c])),
    put('setl_time', s.setl_time),
    put('setl_date', s.setl_date, '::date'),
    put('setl_month', s.setl_month),
    put('brdy', s.brdy, '::date'),
    put('age', s.age),
    put('cvlserv_flag', s.cvlserv_flag),
    put('level', s.terms.level),
    put('med_kind', s.terms.med_kind),
    put('filing_no', s.terms.filing_no),
    put('filing_kind', s.terms.filing_kind),
    put('emergency', s.terms.emergency),
    put('reduction_bp', s.terms.reduction_bp),
    put('policy_version_id', s.terms.policy_version_id),
    put('year', s.terms.year),
    put('cap_group', s.terms.cap_group),
    put('admission_ordinal', s.terms.admission_ordinal),
    ...AMOUNT_FIELDS.map((f) => put(`${f}_fen`, s.amounts[f])),
    put('setldetail', JSON.stringify(s.setldetail), '::jsonb'),
    put('explanation', JSON.stringify(s.explanation), '::jsonb'),
    put('year_totals_before', JSON.stringify(s.year_totals_before), '::jsonb'),
    put('year_totals_after', JSON.stringify(s.year_totals_after), '::jsonb'),
    put('line_ids', s.line_ids, '::int8[]'),
    put('created_at', s.created_at),
  ];
  const ctes = yearTotalsCtes(yearTotals, values.length + 1);
  await tx.query(`WITH ${ctes.sql} INSERT INTO settlement (${columns.join(', ')}) VALUES (${placeholders.join(', ')})`, [...values, ...ctes.params]);
}

const SELECT = `SELECT s.*, s.setl_date::text AS setl_date_text, s.brdy::text AS brdy_text,
  (s.kind <> 'cancel' AND NOT EXISTS (SELECT 1 FROM settlement r WHERE r.reverses = s.setl_id)) AS live
  FROM settlement s`;

type Row = Record<string, unknown> & { setl_time: Date; created_at: Date; line_ids: string[]; live: boolean };

function fromRow(r: Row): Settlement {
  const amounts = {} as SetlInfoAmounts;
  for (const f of AMOUNT_FIELDS) amounts[f] = fenFromDb(r[`${f}_fen`] as string);
  const text = (c: string) => r[c] as string;
  const orNull = (c: string) => (r[c] ?? null) as string | null;
  return {
    setl_id: text('setl_id'),
    kind: text('kind') as SettlementKind,
    reverses: orNull('reverses'),
    origin_setl_id: text('origin_setl_id'),
    live: r.live,
    mdtrt_id: text('mdtrt_id'),
    psn_no: text('psn_no'),
    fixmedins_code: text('fixmedins_code'),
    insuplc_admdvs: text('insuplc_admdvs'),
    mdtrtarea_admvs: text('mdtrtarea_admvs'),
    insutype: text('insutype'),
    psn_type: text('psn_type'),
    med_type: text('med_type'),
    clr_type: text('clr_type'),
    setl_time: shanghaiDateTime(r.setl_time),
    setl_date: text('setl_date_text'),
    setl_month: text('setl_month'),
    msgid: orNull('msgid'),
    invono: orNull('invono'),
    acct_used_flag: text('acct_used_flag') as '0' | '1',
    mid_setl_flag: text('mid_setl_flag') as '0' | '1',
    psn_name: text('psn_name'),
    psn_cert_type: text('psn_cert_type'),
    certno: text('certno'),
    gend: text('gend'),
    naty: text('naty'),
    brdy: text('brdy_text'),
    age: Number(r.age),
    cvlserv_flag: text('cvlserv_flag'),
    mdtrt_cert_type: orNull('mdtrt_cert_type'),
    terms: {
      level: Number(r.level) as 1 | 2 | 3,
      med_kind: text('med_kind') as Settlement['terms']['med_kind'],
      filing_no: orNull('filing_no'),
      filing_kind: orNull('filing_kind') as Settlement['terms']['filing_kind'],
      emergency: r.emergency as boolean,
      reduction_bp: Number(r.reduction_bp),
      policy_version_id: Number(r.policy_version_id),
      year: Number(r.year),
      cap_group: text('cap_group'),
      admission_ordinal: r.admission_ordinal === null ? null : Number(r.admission_ordinal),
    },
    amounts,
    setldetail: r.setldetail as Settlement['setldetail'],
    explanation: r.explanation as Settlement['explanation'],
    year_totals_before: r.year_totals_before as YearTotals,
    year_totals_after: r.year_totals_after as YearTotals,
    line_ids: r.line_ids.map(Number),
    created_at: r.created_at.toISOString(),
  };
}

export async function settlementById(tx: Queryable, setlId: string): Promise<Settlement | null> {
  const r = await tx.query<Row>(`${SELECT} WHERE s.setl_id = $1`, [setlId]);
  return r.rows[0] ? fromRow(r.rows[0]) : null;
}

/** The row of a chain that nothing reverses yet: the chain's state. */
export async function chainHead(tx: Queryable, originSetlId: string): Promise<Settlement> {
  const r = await tx.query<Row>(
    `${SELECT} WHERE s.origin_setl_id = $1 AND NOT EXISTS (SELECT 1 FROM settlement r WHERE r.reverses = s.setl_id)`,
    [originSetlId],
  );
  return fromRow(r.rows[0]!);
}

export interface ListFilter {
  scope: ListScope;
  psn_no?: string;
  fixmedins_code?: string;
  mdtrt_id?: string;
  /** LIKE patterns of the insured and treatment areas */
  insured?: string;
  treatment?: string;
  month?: string;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

/** A page of settlements, newest first, with the count of all that match. */
export async function listSettlements(tx: Queryable, f: ListFilter): Promise<{ rows: Settlement[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const like = (column: string, pattern: string) => where.push(pattern.includes('%') ? `s.${column} LIKE ${p(pattern)}` : `s.${column} = ${p(pattern)}`);
  const scope = f.scope;
  if ('psn_no' in scope) where.push(`s.psn_no = ${p(scope.psn_no)}`);
  if ('insured' in scope) like('insuplc_admdvs', scope.insured);
  if ('treatment' in scope) like('mdtrtarea_admvs', scope.treatment);
  if ('institution' in scope) where.push(`s.fixmedins_code = ${p(scope.institution)}`);
  if (f.psn_no !== undefined) where.push(`s.psn_no = ${p(f.psn_no)}`);
  if (f.fixmedins_code !== undefined) where.push(`s.fixmedins_code = ${p(f.fixmedins_code)}`);
  if (f.mdtrt_id !== undefined) where.push(`s.mdtrt_id = ${p(f.mdtrt_id)}`);
  if (f.insured !== undefined) like('insuplc_admdvs', f.insured);
  if (f.treatment !== undefined) like('mdtrtarea_admvs', f.treatment);
  if (f.month !== undefined) where.push(`s.setl_month = ${p(f.month)}`);
  if (f.from !== undefined) where.push(`s.setl_date >= ${p(f.from)}::date`);
  if (f.to !== undefined) where.push(`s.setl_date <= ${p(f.to)}::date`);
  const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const count = await tx.query<{ n: string }>(`SELECT count(*) AS n FROM settlement s ${clause}`, params);
  const rows = await tx.query<Row>(`${SELECT} ${clause} ORDER BY s.setl_time DESC, s.setl_id DESC LIMIT ${p(f.limit)} OFFSET ${p(f.offset)}`, params);
  return { rows: rows.rows.map(fromRow), total: Number(count.rows[0]!.n) };
}

/** The live direct settlement (settled or reinstated, not cancelled since) of an invoice number, compared without blanks and case. */
export async function liveSettlementOfInvoice(tx: Queryable, invoiceNo: string): Promise<{ setl_id: string; setl_date: string } | null> {
  const r = await tx.query<{ setl_id: string; setl_date: string }>(
    `SELECT s.setl_id, to_char(s.setl_date, 'YYYY-MM-DD') AS setl_date FROM settlement s
      WHERE upper(regexp_replace(s.invono, '\\s', '', 'g')) = upper(regexp_replace($1, '\\s', '', 'g')) AND s.invono IS NOT NULL AND s.kind <> 'cancel'
        AND NOT EXISTS (SELECT 1 FROM settlement r WHERE r.reverses = s.setl_id)
      LIMIT 1`,
    [invoiceNo],
  );
  return r.rows[0] ?? null;
}
