import { fenFromDb, sub, type Fen } from '../core/money.ts';
import type { Queryable } from '../db/pool.ts';
import type { Account, AccountKind, Currency, KindTotal, StatementEntry, Transfer, TransferInput } from './model.ts';

const transferColumns = `id, debit, credit, amount_fen, currency, business_date::text AS business_date,
  ref_kind, ref_id, reverses, created_at`;

interface TransferRow {
  id: string;
  debit: string;
  credit: string;
  amount_fen: string;
  currency: Currency;
  business_date: string;
  ref_kind: string;
  ref_id: string;
  reverses: string | null;
  created_at: Date;
}

const toTransfer = (r: TransferRow): Transfer => ({
  id: r.id,
  debit: r.debit,
  credit: r.credit,
  amount_fen: fenFromDb(r.amount_fen),
  currency: r.currency,
  business_date: r.business_date,
  ref_kind: r.ref_kind,
  ref_id: r.ref_id,
  reverses: r.reverses,
  created_at: r.created_at.toISOString(),
});

/** Creates the accounts not yet known; a known one is left as it is (the code decides everything else). */
export type NewTransfer = Required<TransferInput> & { reverses: string | null };

/**
 * Inserts the transfers whose id is new and returns those; an id already
 * stored (or committed meanwhile by a concurrent poster) is skipped, for the
 * caller to compare. `accounts` are created first when absent, in the same
 * statement (the foreign keys are checked at its end, when they exist).
 */
export async function insertTransfers(tx: Queryable, ts: readonly NewTransfer[], accounts: readonly Account[] = []): Promise<Transfer[]> {
  const r = await tx.query<TransferRow>(
    `WITH accounts AS (
       INSERT INTO ledger_account (code, kind, region, counterparty, party)
       SELECT * FROM unnest($10::text[], $11::text[], $12::text[], $13::text[], $14::text[])
       ON CONFLICT (code) DO NOTHING
     )
     INSERT INTO ledger_transfer (id, debit, credit, amount_fen, currency, business_date, ref_kind, ref_id, reverses)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::date[], $7::text[], $8::text[], $9::text[])
     ON CONFLICT (id) DO NOTHING
     RETURNING ${transferColumns}`,
    [
      ts.map((t) => t.id),
      ts.map((t) => t.debit),
      ts.map((t) => t.credit),
      ts.map((t) => t.amount_fen),
      ts.map((t) => t.currency),
      ts.map((t) => t.business_date),
      ts.map((t) => t.ref_kind),
      ts.map((t) => t.ref_id),
      ts.map((t) => t.reverses),
      accounts.map((a) => a.code),
      accounts.map((a) => a.kind),
      accounts.map((a) => a.region),
      accounts.map((a) => a.counterparty),
      accounts.map((a) => a.party),
    ],
  );
  return r.rows.map(toTransfer);
}

export async function transfersById(tx: Queryable, ids: readonly string[]): Promise<Map<string, Transfer>> {
  const r = await tx.query<TransferRow>(`SELECT ${transferColumns} FROM ledger_transfer WHERE id = ANY($1::text[])`, [ids]);
  return new Map(r.rows.map((row) => [row.id, toTransfer(row)]));
}

/** original id → the id of the transfer that reverses it, for those reversed. */
export async function reversalsOf(tx: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
  const r = await tx.query<{ id: string; reverses: string }>(
    'SELECT id, reverses FROM ledger_transfer WHERE reverses = ANY($1::text[])',
    [ids],
  );
  return new Map(r.rows.map((row) => [row.reverses, row.id]));
}

export interface Sums {
  credits_fen: Fen;
  debits_fen: Fen;
}

/** Credits and debits of an account up to `asOf` (a business date, inclusive), or all. */
export async function sums(tx: Queryable, code: string, asOf: string | null): Promise<Sums> {
  // Two index-only scans, one per side; the date bound is part of each index.
  const r = await tx.query<{ credits: string; debits: string }>(
    `SELECT (SELECT coalesce(sum(amount_fen), 0) FROM ledger_transfer WHERE credit = $1 AND business_date <= $2::date) AS credits,
            (SELECT coalesce(sum(amount_fen), 0) FROM ledger_transfer WHERE debit = $1 AND business_date <= $2::date) AS debits`,
    [code, asOf ?? 'infinity'],
  );
  return { credits_fen: fenFromDb(r.rows[0]!.credits), debits_fen: fenFromDb(r.rows[0]!.debits) };
}

export async function accountExists(tx: Queryable, code: string): Promise<boolean> {
  const r = await tx.query('SELECT 1 FROM ledger_account WHERE code = $1', [code]);
  return (r.rowCount ?? 0) > 0;
}

export interface AccountFilter {
  /** code prefix, e.g. `claim:44` */
  prefix: string | null;
  /** LIKE pattern of division codes: the account's region or counterparty must match */
  region: string | null;
  /** the account's institution code or psn_no */
  party: string | null;
  limit: number;
  offset: number;
}

export interface AccountSums extends Sums {
  code: string;
  kind: AccountKind;
  region: string;
}

export async function accountSums(tx: Queryable, f: AccountFilter, asOf: string | null): Promise<{ rows: AccountSums[]; total: number }> {
  const r = await tx.query<{ code: string; kind: AccountKind; region: string; credits: string; debits: string; total: string }>(
    `WITH picked AS (
       SELECT code, kind, region, count(*) OVER () AS total
         FROM ledger_account
        WHERE ($1::text IS NULL OR code LIKE $1 || '%')
          AND ($2::text IS NULL OR region LIKE $2 OR counterparty LIKE $2)
          AND ($3::text IS NULL OR party = $3)
        ORDER BY code
        LIMIT $4 OFFSET $5)
     SELECT p.code, p.kind, p.region, p.total,
            (SELECT coalesce(sum(amount_fen), 0) FROM ledger_transfer WHERE credit = p.code AND business_date <= $6::date) AS credits,
            (SELECT coalesce(sum(amount_fen), 0) FROM ledger_transfer WHERE debit = p.code AND business_date <= $6::date) AS debits
       FROM picked p ORDER BY p.code`,
    [f.prefix, f.region, f.party, f.limit, f.offset, asOf ?? 'infinity'],
  );
  let total = 0;
  if (r.rows.length > 0) total = Number(r.rows[0]!.total);
  else if (f.offset > 0) {
    // A page past the end still says how many there are.
    const c = await tx.query<{ n: string }>(
      `SELECT count(*) AS n FROM ledger_account
        WHERE ($1::text IS NULL OR code LIKE $1 || '%')
          AND ($2::text IS NULL OR region LIKE $2 OR counterparty LIKE $2)
          AND ($3::text IS NULL OR party = $3)`,
      [f.prefix, f.region, f.party],
    );
    total = Number(c.rows[0]!.n);
  }
  return {
    rows: r.rows.map((row) => ({
      code: row.code,
      kind: row.kind,
      region: row.region,
      credits_fen: fenFromDb(row.credits),
      debits_fen: fenFromDb(row.debits),
    })),
    total,
  };
}

export interface StatementRows {
  /** before `from` */
  opening: Sums;
  /** up to `to` */
  closing: Sums;
  /** everything, whatever the range */
  current: Sums;
  /** the page's entries, each with the running sum of the range's entries up to it (the caller adds the opening) */
  rows: (Omit<StatementEntry, 'balance_fen'> & { running_fen: Fen })[];
  /** entries in the range */
  total: number;
}

/**
 * A page of an account's entries between two business dates (inclusive), in
 * statement order, with the sums around them — one statement, so one
 * snapshot: the closing balance is the last entry's running balance even
 * while postings commit.
 */
export async function statementRows(
  tx: Queryable,
  code: string,
  from: string | null,
  to: string | null,
  limit: number,
  offset: number,
): Promise<StatementRows> {
  const side = (col: 'credit' | 'debit', cond: string) =>
    `(SELECT coalesce(sum(amount_fen), 0) FROM ledger_transfer WHERE ${col} = $1${cond})`;
  // Each side is read in order from its index and merged, so a page costs its
  // offset and size, not a sort of the range (a province's claim takes
  // millions of entries a month); the sums read each index entry once, before,
  // inside and after the range. NOT MATERIALIZED: each use is its own scan.
  const r = await tx.query<{
    oc: string;
    od: string;
    cc: string;
    cd: string;
    ac: string;
    ad: string;
    total: string;
    id: string | null;
    business_date: string;
    counter_account: string;
    delta: string;
    running: string;
    ref_kind: string;
    ref_id: string;
    reverses: string | null;
    created_at: Date;
  }>(
    `WITH e AS NOT MATERIALIZED (
       SELECT id, seq, business_date, ref_kind, ref_id, reverses, created_at, debit AS counter_account, amount_fen AS delta
         FROM ledger_transfer WHERE credit = $1 AND business_date BETWEEN $2::date AND $3::date
       UNION ALL
       SELECT id, seq, business_date, ref_kind, ref_id, reverses, created_at, credit, -amount_fen
         FROM ledger_transfer WHERE debit = $1 AND business_date BETWEEN $2::date AND $3::date),
     page AS (
       SELECT id, seq, business_date::text AS business_date, counter_account, delta, ref_kind, ref_id, reverses, created_at,
              sum(delta) OVER (ORDER BY business_date, seq) AS in_page
         FROM (SELECT * FROM e ORDER BY business_date, seq LIMIT $4 OFFSET $5) p),
     -- MATERIALIZED: these sums are used more than once below and must be computed once.
     outside AS MATERIALIZED (
       SELECT ${side('credit', ' AND business_date < $2::date')} AS oc, ${side('debit', ' AND business_date < $2::date')} AS od,
              ${side('credit', ' AND business_date > $3::date')} AS lc, ${side('debit', ' AND business_date > $3::date')} AS ld),
     inside AS MATERIALIZED (
       SELECT coalesce(sum(delta) FILTER (WHERE delta > 0), 0) AS rc, coalesce(-sum(delta) FILTER (WHERE delta < 0), 0) AS rd, count(*) AS total
         FROM e),
     s AS MATERIALIZED (
       SELECT oc, od, oc + rc AS cc, od + rd AS cd, oc + rc + lc AS ac, od + rd + ld AS ad, total,
              (SELECT coalesce(sum(delta), 0) FROM (SELECT delta FROM e ORDER BY business_date, seq LIMIT $5) b) AS before
         FROM outside, inside)
     SELECT s.*, page.*, s.before + page.in_page AS running FROM s LEFT JOIN page ON true ORDER BY page.business_date, page.seq`,
    [code, from ?? '-infinity', to ?? 'infinity', limit, offset],
  );
  const first = r.rows[0]!;
  const sums = (c: string, d: string): Sums => ({ credits_fen: fenFromDb(c), debits_fen: fenFromDb(d) });
  return {
    opening: sums(first.oc, first.od),
    closing: sums(first.cc, first.cd),
    current: sums(first.ac, first.ad),
    rows: r.rows
      .filter((row) => row.id !== null)
      .map((row) => ({
        id: row.id!,
        business_date: row.business_date,
        counter_account: row.counter_account,
        amount_fen: fenFromDb(row.delta),
        running_fen: fenFromDb(row.running),
        ref_kind: row.ref_kind,
        ref_id: row.ref_id,
        reverses: row.reverses,
        created_at: row.created_at.toISOString(),
      })),
    total: Number(first.total),
  };
}

/**
 * Per account kind: how many accounts, and the credits and debits through
 * them. The two sides are summed separately (by the credit and by the debit
 * account of each transfer), so their difference is a real check of the
 * stored rows, not an identity of the query.
 */
export async function kindTotals(tx: Queryable): Promise<{ kinds: KindTotal[]; transfers: number }> {
  const r = await tx.query<{ kind: AccountKind; accounts: string; credits: string; debits: string }>(
    `WITH c AS (SELECT split_part(credit, ':', 1) AS kind, sum(amount_fen) AS s FROM ledger_transfer GROUP BY 1),
          d AS (SELECT split_part(debit, ':', 1) AS kind, sum(amount_fen) AS s FROM ledger_transfer GROUP BY 1),
          a AS (SELECT kind, count(*) AS n FROM ledger_account GROUP BY kind)
     SELECT a.kind, a.n AS accounts, coalesce(c.s, 0) AS credits, coalesce(d.s, 0) AS debits
       FROM a LEFT JOIN c USING (kind) LEFT JOIN d USING (kind)
      ORDER BY a.kind`,
  );
  const n = await tx.query<{ n: string }>('SELECT count(*) AS n FROM ledger_transfer');
  return {
    kinds: r.rows.map((row) => {
      const credits = fenFromDb(row.credits);
      const debits = fenFromDb(row.debits);
      return { kind: row.kind, accounts: Number(row.accounts), credits_fen: credits, debits_fen: debits, balance_fen: sub(credits, debits) };
    }),
    transfers: Number(n.rows[0]!.n),
  };
}
