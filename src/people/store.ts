import type { Queryable } from '../db/pool.ts';
import { fenFromDb, type Fen } from '../core/money.ts';
import type { Credential, DiseaseQualification, Enrolment, Person, PersonRecord } from './model.ts';
import type { UniqueField } from './rules.ts';

const personColumns = `p.psn_no, p.psn_cert_type, p.certno, p.ss_card_no, p.ss_card_sn, p.evoucher_token, p.name, p.gender, p.naty,
  p.birth_date::text AS birth_date, p.phone, p.insuplc_admdvs`;
const enrolmentColumns = `e.psn_no, e.insutype, e.psn_type, e.insuplc_admdvs, e.status, e.begin_date::text AS begin_date,
  e.suspended_date::text AS suspended_date, e.cvlserv_flag, e.emp_name`;
const qualificationColumns = `q.psn_no, q.insuplc_admdvs, q.disease_code, q.begin_date::text AS begin_date, q.end_date::text AS end_date`;

/**
 * Writes a batch with one `INSERT … SELECT FROM unnest(…)` per table: the
 * round trips stay constant however many persons the batch holds.
 */
export async function insertPersons(tx: Queryable, records: readonly PersonRecord[]): Promise<void> {
  const col = <K extends keyof PersonRecord>(k: K) => records.map((r) => r[k]);
  await tx.query(
    `INSERT INTO person (psn_no, psn_cert_type, certno, ss_card_no, ss_card_sn, evoucher_token, name, gender, naty, birth_date, phone, insuplc_admdvs)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                          $10::date[], $11::text[], $12::text[])`,
    [
      col('psn_no'),
      col('psn_cert_type'),
      col('certno'),
      col('ss_card_no'),
      col('ss_card_sn'),
      col('evoucher_token'),
      col('name'),
      col('gender'),
      col('naty'),
      col('birth_date'),
      col('phone'),
      col('insuplc_admdvs'),
    ],
  );

  const enrolments = records.flatMap((r) => r.enrolments.map((e) => ({ psn_no: r.psn_no, ...e })));
  if (enrolments.length > 0) {
    const ec = <K extends keyof Enrolment>(k: K) => enrolments.map((e) => e[k]);
    await tx.query(
      `INSERT INTO enrolment (psn_no, insutype, psn_type, insuplc_admdvs, status, begin_date, suspended_date, cvlserv_flag, emp_name)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::date[], $8::text[], $9::text[])`,
      [
        ec('psn_no'),
        ec('insutype'),
        ec('psn_type'),
        ec('insuplc_admdvs'),
        ec('status'),
        ec('begin_date'),
        ec('suspended_date'),
        ec('cvlserv_flag'),
        ec('emp_name'),
      ],
    );
  }

  const accounts = records.filter((r) => r.account_balance_fen !== undefined);
  if (accounts.length > 0) {
    const psnNos = accounts.map((r) => r.psn_no);
    const balances = accounts.map((r) => String(r.account_balance_fen));
    await tx.query('INSERT INTO personal_account (psn_no, balance_fen) SELECT * FROM unnest($1::text[], $2::int8[])', [psnNos, balances]);
    // The balance is a projection of the movements, so even the opening balance is one.
    await tx.query(
      `INSERT INTO personal_account_movement (psn_no, amount_fen, balance_fen, reason)
       SELECT psn_no, balance, balance, 'opening' FROM unnest($1::text[], $2::int8[]) AS t(psn_no, balance)`,
      [psnNos, balances],
    );
  }

  const quals = records.flatMap((r) => (r.qualifications ?? []).map((q) => ({ psn_no: r.psn_no, ...q })));
  if (quals.length > 0) {
    const qc = <K extends keyof DiseaseQualification>(k: K) => quals.map((q) => q[k]);
    await tx.query(
      `INSERT INTO disease_qualification (psn_no, insuplc_admdvs, disease_code, begin_date, end_date)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::date[])`,
      [qc('psn_no'), qc('insuplc_admdvs'), qc('disease_code'), qc('begin_date'), qc('end_date')],
    );
  }
}

/** Which of the given identifying values are already stored, per field. */
export async function storedValues(tx: Queryable, values: Record<UniqueField, string[]>): Promise<Record<UniqueField, Set<string>>> {
  const r = await tx.query<{ field: UniqueField; value: string }>(
    `SELECT 'psn_no' AS field, psn_no AS value FROM person WHERE psn_no = ANY($1::text[])
     UNION ALL SELECT 'certno', certno FROM person WHERE certno = ANY($2::text[])
     UNION ALL SELECT 'ss_card_no', ss_card_no FROM person WHERE ss_card_no = ANY($3::text[])
     UNION ALL SELECT 'evoucher_token', evoucher_token FROM person WHERE evoucher_token = ANY($4::text[])`,
    [values.psn_no, values.certno, values.ss_card_no, values.evoucher_token],
  );
  const out: Record<UniqueField, Set<string>> = { psn_no: new Set(), certno: new Set(), ss_card_no: new Set(), evoucher_token: new Set() };
  for (const row of r.rows) out[row.field].add(row.value);
  return out;
}

export async function personByCredential(tx: Queryable, c: Credential): Promise<Person | null> {
  const [column, value] =
    c.type === 'id_card' ? ['certno', c.certno] : c.type === 'ss_card' ? ['ss_card_no', c.ss_card_no] : ['evoucher_token', c.token];
  const r = await tx.query<Person>(`SELECT ${personColumns} FROM person p WHERE p.${column} = $1`, [value]);
  return r.rows[0] ?? null;
}

export async function personByNo(tx: Queryable, psnNo: string): Promise<Person | null> {
  const r = await tx.query<Person>(`SELECT ${personColumns} FROM person p WHERE p.psn_no = $1`, [psnNo]);
  return r.rows[0] ?? null;
}

/** The person with their enrolments in insutype order, in one round trip. */
export async function personWithEnrolments(tx: Queryable, psnNo: string): Promise<{ person: Person; enrolments: Enrolment[] } | null> {
  const r = await tx.query<Person & { enrolments: Enrolment[] }>(
    `SELECT ${personColumns},
            COALESCE((SELECT json_agg(x ORDER BY x.insutype) FROM (SELECT ${enrolmentColumns} FROM enrolment e WHERE e.psn_no = p.psn_no) x), '[]') AS enrolments
       FROM person p WHERE p.psn_no = $1`,
    [psnNo],
  );
  const row = r.rows[0];
  if (!row) return null;
  const { enrolments, ...person } = row;
  return { person, enrolments };
}

export async function enrolmentsOf(tx: Queryable, psnNo: string): Promise<Enrolment[]> {
  const r = await tx.query<Enrolment>(`SELECT ${enrolmentColumns} FROM enrolment e WHERE e.psn_no = $1 ORDER BY e.insutype`, [psnNo]);
  return r.rows;
}

export async function accountBalance(tx: Queryable, psnNo: string): Promise<Fen | null> {
  const r = await tx.query<{ balance_fen: string }>('SELECT balance_fen FROM personal_account WHERE psn_no = $1', [psnNo]);
  return r.rows[0] ? fenFromDb(r.rows[0].balance_fen) : null;
}

export async function qualificationsOf(tx: Queryable, psnNo: string): Promise<DiseaseQualification[]> {
  const r = await tx.query<DiseaseQualification>(
    `SELECT ${qualificationColumns} FROM disease_qualification q WHERE q.psn_no = $1 ORDER BY q.begin_date, q.id`,
    [psnNo],
  );
  return r.rows;
}

/** Which persons a listing or export covers: all given conditions apply. */
export interface PersonScope {
  /** division-code prefix of the insured area (a region scope) */
  areaPrefix?: string;
  /** exact insured area */
  area?: string;
  psnNo?: string;
}

function scopeWhere(s: PersonScope, params: unknown[], alias = 'p'): string[] {
  const where: string[] = [];
  if (s.areaPrefix !== undefined) {
    params.push(`${s.areaPrefix}%`);
    where.push(`${alias}.insuplc_admdvs LIKE $${params.length}`);
  }
  if (s.area !== undefined) {
    params.push(s.area);
    where.push(`${alias}.insuplc_admdvs = $${params.length}`);
  }
  if (s.psnNo !== undefined) {
    params.push(s.psnNo);
    where.push(`${alias}.psn_no = $${params.length}`);
  }
  return where;
}

export async function listPersons(
  tx: Queryable,
  scope: PersonScope,
  q: string | undefined,
  limit: number,
  offset: number,
): Promise<{ items: Person[]; total: number }> {
  const params: unknown[] = [];
  const where = scopeWhere(scope, params);
  if (q !== undefined && q !== '') {
    params.push(q);
    const exact = `$${params.length}`;
    params.push(`%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
    where.push(`(p.psn_no = ${exact} OR p.certno = ${exact} OR p.name ILIKE $${params.length})`);
  }
  const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const total = await tx.query<{ n: string }>(`SELECT count(*) AS n FROM person p ${clause}`, params);
  const rows = await tx.query<Person>(
    `SELECT ${personColumns} FROM person p ${clause} ORDER BY p.psn_no LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, limit, offset],
  );
  return { items: rows.rows, total: Number(total.rows[0]!.n) };
}

/** Everything about the persons in scope, in the import file's shape (the account balance as of now). */
export async function exportRecords(tx: Queryable, scope: PersonScope): Promise<PersonRecord[]> {
  const params: unknown[] = [];
  const where = scopeWhere(scope, params);
  const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const persons = await tx.query<Person & { balance_fen: string | null }>(
    `SELECT ${personColumns}, a.balance_fen FROM person p LEFT JOIN personal_account a ON a.psn_no = p.psn_no ${clause} ORDER BY p.psn_no`,
    params,
  );
  const enrolments = await tx.query<Enrolment>(
    `SELECT ${enrolmentColumns} FROM enrolment e JOIN person p ON p.psn_no = e.psn_no ${clause} ORDER BY e.psn_no, e.insutype`,
    params,
  );
  const quals = await tx.query<DiseaseQualification>(
    `SELECT ${qualificationColumns} FROM disease_qualification q JOIN person p ON p.psn_no = q.psn_no ${clause} ORDER BY q.psn_no, q.begin_date, q.id`,
    params,
  );
  const byPsn = new Map<string, PersonRecord>();
  const out = persons.rows.map(({ balance_fen, ...p }) => {
    const rec: PersonRecord = { ...p, enrolments: [], qualifications: [] };
    if (balance_fen !== null) rec.account_balance_fen = fenFromDb(balance_fen);
    byPsn.set(p.psn_no, rec);
    return rec;
  });
  for (const { psn_no, ...e } of enrolments.rows) byPsn.get(psn_no)!.enrolments.push(e);
  for (const { psn_no, ...q } of quals.rows) byPsn.get(psn_no)!.qualifications!.push(q);
  return out;
}

/** One qualification with its id, locked for a change when `forUpdate`. */
export async function qualificationById(tx: Queryable, id: number, forUpdate = false): Promise<(DiseaseQualification & { id: number }) | null> {
  const r = await tx.query<DiseaseQualification & { id: string }>(
    `SELECT q.id, ${qualificationColumns} FROM disease_qualification q WHERE q.id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  const row = r.rows[0];
  return row ? { ...row, id: Number(row.id) } : null;
}

export async function insertQualification(tx: Queryable, q: DiseaseQualification): Promise<number> {
  const r = await tx.query<{ id: string }>(
    'INSERT INTO disease_qualification (psn_no, insuplc_admdvs, disease_code, begin_date, end_date) VALUES ($1, $2, $3, $4, $5) RETURNING id',
    [q.psn_no, q.insuplc_admdvs, q.disease_code, q.begin_date, q.end_date],
  );
  return Number(r.rows[0]!.id);
}

export async function setQualificationEnd(tx: Queryable, id: number, endDate: string): Promise<void> {
  await tx.query('UPDATE disease_qualification SET end_date = $2 WHERE id = $1', [id, endDate]);
}

/** The personal account balance with the account row locked until the transaction ends; null without an account. */
export async function accountBalanceForUpdate(tx: Queryable, psnNo: string): Promise<Fen | null> {
  const r = await tx.query<{ balance_fen: string }>('SELECT balance_fen FROM personal_account WHERE psn_no = $1 FOR UPDATE', [psnNo]);
  return r.rows[0] ? fenFromDb(r.rows[0].balance_fen) : null;
}

/**
 * Moves the balance projection and appends the movement in one statement
 * (the row lock is taken by the update). Null when there is no account or the
 * balance would go below zero: nothing is written then.
 */
export async function insertMovement(tx: Queryable, m: { psn_no: string; amount_fen: Fen; reason: string; ref: string | null; at: Date }): Promise<Fen | null> {
  const r = await tx.query<{ balance_fen: string }>(
    `WITH moved AS (
       UPDATE personal_account SET balance_fen = balance_fen + $2 WHERE psn_no = $1 AND balance_fen + $2 >= 0 RETURNING psn_no, balance_fen
     )
     INSERT INTO personal_account_movement (psn_no, amount_fen, balance_fen, reason, ref, at)
     SELECT psn_no, $2, balance_fen, $3, $4, $5 FROM moved RETURNING balance_fen`,
    [m.psn_no, m.amount_fen, m.reason, m.ref, m.at],
  );
  return r.rows[0] ? fenFromDb(r.rows[0].balance_fen) : null;
}
