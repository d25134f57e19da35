import { fenFromDb, type Fen } from '../core/money.ts';
import type { Queryable } from '../db/pool.ts';
import type {
  ClearingMonth,
  Confirmation,
  DailyFigure,
  Exclusion,
  InstitutionPayment,
  MonthStatus,
  Part,
  PrepaidMovement,
  PrepaidMovementKind,
  PrepaidTarget,
  Side,
  Statement,
  StatementLine,
} from './model.ts';
import { netOf } from './rules.ts';

/*
 * The clearing's own tables, and the set-based reads of the settlement table
 * the clearing is made of. Clearing is an aggregation of settlements: reading
 * that table here, read-only, in a few GROUP BY statements is what lets a
 * month of millions of rows be reconciled in seconds (through the covering
 * index of migration 0010); the settlement service answers one settlement at
 * a time. The hospitals' exclusions (HIS 3261) are read the same way, from
 * the view `hospital_confirmation_in_force` the reconciliation publishes
 * (migration 0014). Nothing here writes to another module's table.
 */

/** Before the first clearing every month compares greater than this. */
const BEFORE_ALL = '0000-00';

// ---------------------------------------------------------------- months

type MonthRow = {
  month: string;
  since_month: string | null;
  status: MonthStatus;
  closed_at: Date;
  closed_by: string;
  issued_at: Date | null;
  confirm_by: string | null;
  cleared_at: Date | null;
};

const MONTH_COLUMNS = `month, since_month, status, closed_at, closed_by, issued_at, confirm_by::text AS confirm_by, cleared_at`;

const toMonth = (r: MonthRow): ClearingMonth => ({
  month: r.month,
  since_month: r.since_month,
  status: r.status,
  closed_at: r.closed_at.toISOString(),
  closed_by: r.closed_by,
  issued_at: r.issued_at?.toISOString() ?? null,
  confirm_by: r.confirm_by,
  cleared_at: r.cleared_at?.toISOString() ?? null,
});

export async function latestMonth(tx: Queryable): Promise<string | null> {
  const r = await tx.query<{ month: string | null }>('SELECT max(month) AS month FROM clearing_month');
  return r.rows[0]!.month;
}

export async function monthRow(tx: Queryable, month: string, lock = false): Promise<ClearingMonth | null> {
  const r = await tx.query<MonthRow>(`SELECT ${MONTH_COLUMNS} FROM clearing_month WHERE month = $1${lock ? ' FOR UPDATE' : ''}`, [month]);
  return r.rows[0] ? toMonth(r.rows[0]) : null;
}

export async function listMonths(tx: Queryable): Promise<ClearingMonth[]> {
  const r = await tx.query<MonthRow>(`SELECT ${MONTH_COLUMNS} FROM clearing_month ORDER BY month DESC`);
  return r.rows.map(toMonth);
}

/**
 * Waits for the settlements being written to commit and holds new ones back
 * until the closing transaction ends; they then see the month closed (the
 * trigger of migration 0010) and belong to an open month. Also serialises two
 * closing runs.
 */
export async function holdSettlements(tx: Queryable): Promise<void> {
  await tx.query('LOCK TABLE settlement IN SHARE ROW EXCLUSIVE MODE');
}

export async function insertMonth(tx: Queryable, m: { month: string; since: string | null; by: string; at: Date }): Promise<void> {
  await tx.query(`INSERT INTO clearing_month (month, since_month, status, closed_at, closed_by) VALUES ($1, $2, 'closed', $3, $4)`, [m.month, m.since, m.at, m.by]);
}

export async function markIssued(tx: Queryable, month: string, at: Date, confirmBy: string): Promise<void> {
  await tx.query(`UPDATE clearing_month SET status = 'issued', issued_at = $2, confirm_by = $3::date WHERE month = $1 AND status = 'closed'`, [month, at, confirmBy]);
}

export async function markCleared(tx: Queryable, month: string, at: Date): Promise<void> {
  await tx.query(`UPDATE clearing_month SET status = 'cleared', cleared_at = $2 WHERE month = $1 AND status = 'issued'`, [month, at]);
}

/** The closed month whose clearing took `month` (itself, or the first clearing for an earlier month), or null while it is open. */
export async function coveringMonth(tx: Queryable, month: string): Promise<{ month: string; status: MonthStatus } | null> {
  const r = await tx.query<{ month: string; status: MonthStatus }>('SELECT month, status FROM clearing_month WHERE month >= $1 ORDER BY month LIMIT 1', [month]);
  return r.rows[0] ?? null;
}

/**
 * Holds the closing of months back until the caller's transaction ends: the
 * closing INSERT waits for this lock, and this lock for a closing being
 * written, so a month found open stays open while the caller writes.
 */
export async function holdClosing(tx: Queryable): Promise<void> {
  await tx.query('LOCK TABLE clearing_month IN SHARE MODE');
}

// ---------------------------------------------------------------- reconciliation

/**
 * Writes the month's statements: one GROUP BY over the month's cross-province
 * settlement rows (settlements, cancellations and reinstatements, amounts
 * signed) and one over the rows carried in, joined per province pair. Rows
 * excluded from earlier months and not yet carried are carried into this
 * month first. Statements already written are kept (ON CONFLICT): the
 * statement of a pair is written once.
 */
export async function reconcile(tx: Queryable, month: string, since: string | null): Promise<{ statements: number; rows: number }> {
  await tx.query(`UPDATE clearing_exclusion SET carried_to = $1 WHERE carried_to IS NULL AND month < $1`, [month]);
  await tx.query(
    `WITH own AS (
       SELECT insuplc_province AS ip, mdtrtarea_province AS tp,
              count(*) FILTER (WHERE kind <> 'cancel') AS settlements,
              count(*) FILTER (WHERE kind = 'cancel') AS reversals,
              sum(medfee_sumamt_fen) AS medfee, sum(fund_pay_sumamt_fen) AS fund, sum(acct_pay_fen) AS acct
         FROM settlement
        WHERE setl_month > $2 AND setl_month <= $1 AND insuplc_province <> mdtrtarea_province
        GROUP BY insuplc_province, mdtrtarea_province),
     carried AS (
       SELECT s.insuplc_province AS ip, s.mdtrtarea_province AS tp, count(*) AS n,
              sum(s.medfee_sumamt_fen) AS medfee, sum(s.fund_pay_sumamt_fen) AS fund, sum(s.acct_pay_fen) AS acct
         FROM clearing_exclusion e JOIN settlement s ON s.setl_id = e.setl_id
        WHERE e.carried_to = $1
        GROUP BY s.insuplc_province, s.mdtrtarea_province)
     INSERT INTO clearing_statement (id, month, insured_province, treatment_province, settlements, reversals, medfee_fen, fund_fen, acct_fen,
                                     carried_rows, carried_medfee_fen, carried_fund_fen, carried_acct_fen)
     SELECT $1 || '-' || ip || '-' || tp, $1, ip, tp,
            coalesce(o.settlements, 0), coalesce(o.reversals, 0), coalesce(o.medfee, 0), coalesce(o.fund, 0), coalesce(o.acct, 0),
            coalesce(c.n, 0), coalesce(c.medfee, 0), coalesce(c.fund, 0), coalesce(c.acct, 0)
       FROM own o FULL JOIN carried c USING (ip, tp)
     ON CONFLICT (id) DO NOTHING`,
    [month, since ?? BEFORE_ALL],
  );
  const r = await tx.query<{ statements: string; rows: string }>(
    `SELECT count(*) AS statements, coalesce(sum(settlements + reversals + carried_rows), 0) AS rows FROM clearing_statement WHERE month = $1`,
    [month],
  );
  return { statements: Number(r.rows[0]!.statements), rows: Number(r.rows[0]!.rows) };
}

/**
 * Records the settlements their hospitals excluded from the month (HIS 3261)
 * as exclusions by the treatment side, the hospital's reason kept: they leave
 * the month's statements and are carried into the next month reconciled. Only
 * rows of the statements being issued count; answers how many were recorded.
 */
export async function insertHospitalExclusions(tx: Queryable, month: string, since: string | null, at: Date): Promise<number> {
  const r = await tx.query(
    `INSERT INTO clearing_exclusion (setl_id, month, statement_id, side, reason, medfee_fen, fund_fen, acct_fen, excluded_by, excluded_at)
     SELECT s.setl_id, $1::text, $1::text || '-' || s.insuplc_province || '-' || s.mdtrtarea_province, 'treatment',
            'hospital ' || s.fixmedins_code || ': ' || h.memo, s.medfee_sumamt_fen, s.fund_pay_sumamt_fen, s.acct_pay_fen, 'institution:' || s.fixmedins_code, $3
       FROM hospital_confirmation_in_force h
       JOIN settlement s ON s.setl_id = h.setl_id AND s.fixmedins_code = h.fixmedins_code
      WHERE h.cnfm_flag = '0' AND h.clr_month > $2::text AND h.clr_month <= $1::text
        AND s.setl_month > $2::text AND s.setl_month <= $1::text AND s.insuplc_province <> s.mdtrtarea_province
     ON CONFLICT (setl_id, month) DO NOTHING`,
    [month, since ?? BEFORE_ALL, at],
  );
  return r.rowCount ?? 0;
}

// ---------------------------------------------------------------- statements

type StatementRow = {
  id: string;
  month: string;
  insured_province: string;
  treatment_province: string;
  settlements: number;
  reversals: number;
  medfee_fen: string;
  fund_fen: string;
  acct_fen: string;
  carried_rows: number;
  carried_medfee_fen: string;
  carried_fund_fen: string;
  carried_acct_fen: string;
  x_rows: string;
  x_medfee: string;
  x_fund: string;
  x_acct: string;
  insured_confirmed_at: Date | null;
  insured_confirmed_by: string | null;
  insured_deemed: boolean;
  treatment_confirmed_at: Date | null;
  treatment_confirmed_by: string | null;
  treatment_deemed: boolean;
  posted_at: Date | null;
};

const STATEMENT_SELECT = `
  SELECT s.*, coalesce(x.n, 0) AS x_rows, coalesce(x.medfee, 0) AS x_medfee, coalesce(x.fund, 0) AS x_fund, coalesce(x.acct, 0) AS x_acct
    FROM clearing_statement s
    LEFT JOIN LATERAL (
      SELECT count(*) AS n, sum(medfee_fen) AS medfee, sum(fund_fen) AS fund, sum(acct_fen) AS acct
        FROM clearing_exclusion e WHERE e.statement_id = s.id) x ON true`;

function confirmation(at: Date | null, by: string | null, deemed: boolean): Confirmation | null {
  return at === null ? null : { at: at.toISOString(), by: by!, deemed };
}

function toStatement(r: StatementRow): Statement {
  const s = {
    id: r.id,
    month: r.month,
    insured_province: r.insured_province,
    treatment_province: r.treatment_province,
    own: { settlements: r.settlements, reversals: r.reversals, medfee_fen: fenFromDb(r.medfee_fen), fund_fen: fenFromDb(r.fund_fen), acct_fen: fenFromDb(r.acct_fen) },
    carried: { rows: r.carried_rows, medfee_fen: fenFromDb(r.carried_medfee_fen), fund_fen: fenFromDb(r.carried_fund_fen), acct_fen: fenFromDb(r.carried_acct_fen) },
    excluded: { rows: Number(r.x_rows), medfee_fen: fenFromDb(r.x_medfee), fund_fen: fenFromDb(r.x_fund), acct_fen: fenFromDb(r.x_acct) },
    insured_confirmation: confirmation(r.insured_confirmed_at, r.insured_confirmed_by, r.insured_deemed),
    treatment_confirmation: confirmation(r.treatment_confirmed_at, r.treatment_confirmed_by, r.treatment_deemed),
    posted_at: r.posted_at?.toISOString() ?? null,
  };
  return { ...s, net_fen: netOf(s) };
}

export interface StatementFilter {
  month?: string;
  insured?: string;
  treatment?: string;
  /** statements where this province is either side */
  province?: string;
  /** only those still waiting for this side's confirmation */
  unconfirmed?: Side;
}

export async function statements(tx: Queryable, f: StatementFilter): Promise<Statement[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => (params.push(v), `$${params.length}`);
  if (f.month !== undefined) where.push(`s.month = ${p(f.month)}`);
  if (f.insured !== undefined) where.push(`s.insured_province = ${p(f.insured)}`);
  if (f.treatment !== undefined) where.push(`s.treatment_province = ${p(f.treatment)}`);
  if (f.province !== undefined) {
    const v = p(f.province);
    where.push(`(s.insured_province = ${v} OR s.treatment_province = ${v})`);
  }
  if (f.unconfirmed !== undefined) where.push(`s.${f.unconfirmed}_confirmed_at IS NULL`);
  const r = await tx.query<StatementRow>(
    `${STATEMENT_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY s.month DESC, s.insured_province, s.treatment_province`,
    params,
  );
  return r.rows.map(toStatement);
}

export async function statementById(tx: Queryable, id: string, lock = false): Promise<Statement | null> {
  if (lock) await tx.query('SELECT 1 FROM clearing_statement WHERE id = $1 FOR UPDATE', [id]);
  const r = await tx.query<StatementRow>(`${STATEMENT_SELECT} WHERE s.id = $1`, [id]);
  return r.rows[0] ? toStatement(r.rows[0]) : null;
}

export async function confirm(tx: Queryable, id: string, side: Side, c: { at: Date; by: string; deemed: boolean }): Promise<void> {
  await tx.query(
    `UPDATE clearing_statement SET ${side}_confirmed_at = $2, ${side}_confirmed_by = $3, ${side}_deemed = $4 WHERE id = $1`,
    [id, c.at, c.by, c.deemed],
  );
}

/** A side's confirmation no longer stands once the figures it confirmed changed. */
export async function withdrawConfirmation(tx: Queryable, id: string, side: Side): Promise<void> {
  await tx.query(`UPDATE clearing_statement SET ${side}_confirmed_at = NULL, ${side}_confirmed_by = NULL, ${side}_deemed = false WHERE id = $1`, [id]);
}

/** Deems every missing confirmation of the month given; answers how many were recorded. */
export async function deemMissing(tx: Queryable, month: string, c: { at: Date; by: string }): Promise<number> {
  let n = 0;
  for (const side of ['insured', 'treatment'] as const) {
    const r = await tx.query(
      `UPDATE clearing_statement SET ${side}_confirmed_at = $2, ${side}_confirmed_by = $3, ${side}_deemed = true
        WHERE month = $1 AND ${side}_confirmed_at IS NULL`,
      [month, c.at, c.by],
    );
    n += r.rowCount ?? 0;
  }
  return n;
}

export async function markPosted(tx: Queryable, id: string, at: Date): Promise<void> {
  await tx.query('UPDATE clearing_statement SET posted_at = $2 WHERE id = $1 AND posted_at IS NULL', [id, at]);
}

// ---------------------------------------------------------------- statement lines and exclusions

type LineRow = {
  setl_id: string;
  kind: StatementLine['kind'];
  reverses: string | null;
  setl_month: string;
  setl_time: Date;
  psn_no: string;
  fixmedins_code: string;
  insuplc_admdvs: string;
  mdtrtarea_admvs: string;
  medfee_sumamt_fen: string;
  fund_pay_sumamt_fen: string;
  acct_pay_fen: string;
  part: Part;
  x_side: Side | null;
  x_reason: string | null;
  c_month: string | null;
  c_reason: string | null;
};

const SHANGHAI = 8 * 3600 * 1000;

function toLine(r: LineRow): StatementLine {
  return {
    setl_id: r.setl_id,
    kind: r.kind,
    reverses: r.reverses,
    setl_month: r.setl_month,
    setl_time: new Date(r.setl_time.getTime() + SHANGHAI).toISOString().slice(0, 19).replace('T', ' '),
    psn_no: r.psn_no,
    fixmedins_code: r.fixmedins_code,
    insuplc_admdvs: r.insuplc_admdvs,
    mdtrtarea_admvs: r.mdtrtarea_admvs,
    medfee_fen: fenFromDb(r.medfee_sumamt_fen),
    fund_fen: fenFromDb(r.fund_pay_sumamt_fen),
    acct_fen: fenFromDb(r.acct_pay_fen),
    part: r.part,
    excluded: r.x_side === null ? null : { side: r.x_side, reason: r.x_reason! },
    carried_from: r.c_month === null ? null : { month: r.c_month, reason: r.c_reason! },
  };
}

const LINE_COLUMNS = `s.setl_id, s.kind, s.reverses, s.setl_month, s.setl_time, s.psn_no, s.fixmedins_code, s.insuplc_admdvs, s.mdtrtarea_admvs,
  s.medfee_sumamt_fen, s.fund_pay_sumamt_fen, s.acct_pay_fen`;

export interface StatementScope {
  month: string;
  since: string | null;
  insured: string;
  treatment: string;
}

/**
 * The rows of one part of a statement, by setl_id from `after` (keyset paging:
 * a CSV export walks the whole part without OFFSET), at most `limit`.
 */
export async function lines(tx: Queryable, st: StatementScope, part: Part, o: { after?: string; offset?: number; limit: number }): Promise<StatementLine[]> {
  const page = [o.after ?? '', o.limit, o.offset ?? 0];
  let r;
  if (part === 'own') {
    r = await tx.query<LineRow>(
      `SELECT ${LINE_COLUMNS}, 'own' AS part, x.side AS x_side, x.reason AS x_reason, NULL AS c_month, NULL AS c_reason
         FROM settlement s LEFT JOIN clearing_exclusion x ON x.setl_id = s.setl_id AND x.month = $4
        WHERE s.setl_month > $5 AND s.setl_month <= $4 AND s.insuplc_province = $6 AND s.mdtrtarea_province = $7 AND s.setl_id > $1
        ORDER BY s.setl_id LIMIT $2 OFFSET $3`,
      [...page, st.month, st.since ?? BEFORE_ALL, st.insured, st.treatment],
    );
  } else if (part === 'carried') {
    r = await tx.query<LineRow>(
      `SELECT ${LINE_COLUMNS}, 'carried' AS part, x.side AS x_side, x.reason AS x_reason, c.month AS c_month, c.reason AS c_reason
         FROM clearing_exclusion c JOIN settlement s ON s.setl_id = c.setl_id
         LEFT JOIN clearing_exclusion x ON x.setl_id = s.setl_id AND x.month = $4
        WHERE c.carried_to = $4 AND s.insuplc_province = $5 AND s.mdtrtarea_province = $6 AND s.setl_id > $1
        ORDER BY s.setl_id LIMIT $2 OFFSET $3`,
      [...page, st.month, st.insured, st.treatment],
    );
  } else {
    r = await tx.query<LineRow>(
      `SELECT ${LINE_COLUMNS}, 'excluded' AS part, x.side AS x_side, x.reason AS x_reason, c.month AS c_month, c.reason AS c_reason
         FROM clearing_exclusion x JOIN settlement s ON s.setl_id = x.setl_id
         LEFT JOIN clearing_exclusion c ON c.setl_id = s.setl_id AND c.carried_to = x.month
        WHERE x.statement_id = $4 AND s.setl_id > $1
        ORDER BY s.setl_id LIMIT $2 OFFSET $3`,
      [...page, `${st.month}-${st.insured}-${st.treatment}`],
    );
  }
  return r.rows.map(toLine);
}

/** The row `setlId` as a line of the statement (own or carried), or null when it is not one of its rows. */
export async function lineOf(tx: Queryable, st: StatementScope, setlId: string): Promise<StatementLine | null> {
  const r = await tx.query<LineRow>(
    `SELECT ${LINE_COLUMNS},
            CASE WHEN c.setl_id IS NOT NULL THEN 'carried' ELSE 'own' END AS part,
            x.side AS x_side, x.reason AS x_reason, c.month AS c_month, c.reason AS c_reason
       FROM settlement s
       LEFT JOIN clearing_exclusion c ON c.setl_id = s.setl_id AND c.carried_to = $1
       LEFT JOIN clearing_exclusion x ON x.setl_id = s.setl_id AND x.month = $1
      WHERE s.setl_id = $5 AND s.insuplc_province = $2 AND s.mdtrtarea_province = $3
        AND (c.setl_id IS NOT NULL OR (s.setl_month > $4 AND s.setl_month <= $1))`,
    [st.month, st.insured, st.treatment, st.since ?? BEFORE_ALL, setlId],
  );
  return r.rows[0] ? toLine(r.rows[0]) : null;
}

export async function insertExclusion(tx: Queryable, e: Omit<Exclusion, 'excluded_at' | 'carried_to'> & { at: Date }): Promise<void> {
  await tx.query(
    `INSERT INTO clearing_exclusion (setl_id, month, statement_id, side, reason, medfee_fen, fund_fen, acct_fen, excluded_by, excluded_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [e.setl_id, e.month, e.statement_id, e.side, e.reason, e.medfee_fen, e.fund_fen, e.acct_fen, e.excluded_by, e.at],
  );
}

type ExclusionRow = Omit<Exclusion, 'medfee_fen' | 'fund_fen' | 'acct_fen' | 'excluded_at'> & { medfee_fen: string; fund_fen: string; acct_fen: string; excluded_at: Date };

export async function exclusions(tx: Queryable, f: { statement_id?: string; month?: string }): Promise<Exclusion[]> {
  const r = await tx.query<ExclusionRow>(
    `SELECT * FROM clearing_exclusion
      WHERE ($1::text IS NULL OR statement_id = $1) AND ($2::text IS NULL OR month = $2)
      ORDER BY excluded_at, setl_id`,
    [f.statement_id ?? null, f.month ?? null],
  );
  return r.rows.map((e) => ({
    ...e,
    medfee_fen: fenFromDb(e.medfee_fen),
    fund_fen: fenFromDb(e.fund_fen),
    acct_fen: fenFromDb(e.acct_fen),
    excluded_at: e.excluded_at.toISOString(),
  }));
}

// ---------------------------------------------------------------- prepaid funds

/** Each insured province's cross-provincial fund + account payments over a year's settlement rows. */
export async function yearPayments(tx: Queryable, year: number): Promise<Map<string, Fen>> {
  const r = await tx.query<{ province: string; paid: string }>(
    `SELECT insuplc_province AS province, sum(fund_pay_sumamt_fen) + sum(acct_pay_fen) AS paid
       FROM settlement
      WHERE setl_month >= $1 AND setl_month <= $2 AND insuplc_province <> mdtrtarea_province
      GROUP BY insuplc_province`,
    [`${year}-01`, `${year}-12`],
  );
  return new Map(r.rows.map((row) => [row.province, fenFromDb(row.paid)]));
}

type TargetRow = Omit<PrepaidTarget, 'base_fen' | 'target_fen' | 'sized_at'> & { base_fen: string; target_fen: string; sized_at: Date };

const toTarget = (r: TargetRow): PrepaidTarget => ({
  province: r.province,
  year: Number(r.year),
  months: Number(r.months),
  base_fen: fenFromDb(r.base_fen),
  target_fen: fenFromDb(r.target_fen),
  sized_by: r.sized_by,
  sized_at: r.sized_at.toISOString(),
});

/** Records a year's target; an existing one is kept. Answers the stored target. */
export async function insertTarget(tx: Queryable, t: Omit<PrepaidTarget, 'sized_at'> & { at: Date }): Promise<{ target: PrepaidTarget; created: boolean }> {
  const ins = await tx.query<TargetRow>(
    `INSERT INTO prepaid_target (province, year, months, base_fen, target_fen, sized_by, sized_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (province, year) DO NOTHING RETURNING *`,
    [t.province, t.year, t.months, t.base_fen, t.target_fen, t.sized_by, t.at],
  );
  if (ins.rows[0]) return { target: toTarget(ins.rows[0]), created: true };
  const r = await tx.query<TargetRow>('SELECT * FROM prepaid_target WHERE province = $1 AND year = $2', [t.province, t.year]);
  return { target: toTarget(r.rows[0]!), created: false };
}

export async function targets(tx: Queryable, year: number): Promise<Map<string, PrepaidTarget>> {
  const r = await tx.query<TargetRow>('SELECT * FROM prepaid_target WHERE year = $1', [year]);
  return new Map(r.rows.map((row) => [row.province, toTarget(row)]));
}

export async function nextSerial(tx: Queryable, sequence: 'prepaid_movement_serial' | 'institution_payment_serial'): Promise<number> {
  const r = await tx.query<{ n: string }>(`SELECT nextval('${sequence}') AS n`);
  return Number(r.rows[0]!.n);
}

export async function insertMovement(tx: Queryable, m: Omit<PrepaidMovement, 'created_at'> & { at: Date }): Promise<boolean> {
  const r = await tx.query(
    `INSERT INTO prepaid_movement (transfer_id, province, kind, amount_fen, reason, business_date, actor, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (transfer_id) DO NOTHING`,
    [m.transfer_id, m.province, m.kind, m.amount_fen, m.reason, m.business_date, m.actor, m.at],
  );
  return (r.rowCount ?? 0) > 0;
}

type MovementRow = Omit<PrepaidMovement, 'amount_fen' | 'created_at'> & { amount_fen: string; created_at: Date };

export async function movements(tx: Queryable, province: string | null): Promise<PrepaidMovement[]> {
  const r = await tx.query<MovementRow>(
    `SELECT transfer_id, province, kind, amount_fen, reason, business_date::text AS business_date, actor, created_at
       FROM prepaid_movement WHERE ($1::text IS NULL OR province = $1) ORDER BY seq`,
    [province],
  );
  return r.rows.map((m) => ({ ...m, kind: m.kind as PrepaidMovementKind, amount_fen: fenFromDb(m.amount_fen), created_at: m.created_at.toISOString() }));
}

export async function movementById(tx: Queryable, transferId: string): Promise<PrepaidMovement | null> {
  const r = await tx.query<MovementRow>(
    `SELECT transfer_id, province, kind, amount_fen, reason, business_date::text AS business_date, actor, created_at FROM prepaid_movement WHERE transfer_id = $1`,
    [transferId],
  );
  const m = r.rows[0];
  return m ? { ...m, amount_fen: fenFromDb(m.amount_fen), created_at: m.created_at.toISOString() } : null;
}

// ---------------------------------------------------------------- payments to institutions

type PaymentRow = Omit<InstitutionPayment, 'amount_fen' | 'created_at'> & { amount_fen: string; created_at: Date };

const toPayment = (p: PaymentRow): InstitutionPayment => ({ ...p, amount_fen: fenFromDb(p.amount_fen), created_at: p.created_at.toISOString() });

export async function insertPayment(tx: Queryable, p: Omit<InstitutionPayment, 'created_at'> & { at: Date }): Promise<InstitutionPayment> {
  const r = await tx.query<PaymentRow>(
    `INSERT INTO institution_payment (transfer_id, admdvs, institution, month, amount_fen, business_date, note, paid_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (transfer_id) DO NOTHING
     RETURNING transfer_id, admdvs, institution, month, amount_fen, business_date::text AS business_date, note, paid_by, created_at`,
    [p.transfer_id, p.admdvs, p.institution, p.month, p.amount_fen, p.business_date, p.note, p.paid_by, p.at],
  );
  return r.rows[0] ? toPayment(r.rows[0]) : (await paymentById(tx, p.transfer_id))!;
}

export async function paymentById(tx: Queryable, transferId: string): Promise<InstitutionPayment | null> {
  const r = await tx.query<PaymentRow>(
    `SELECT transfer_id, admdvs, institution, month, amount_fen, business_date::text AS business_date, note, paid_by, created_at FROM institution_payment WHERE transfer_id = $1`,
    [transferId],
  );
  return r.rows[0] ? toPayment(r.rows[0]) : null;
}

/** Payments per institution with a business date after `after`, for the institutions of the areas matching `areaLike`. */
export async function paymentsAfter(tx: Queryable, areaLike: string, after: string): Promise<Map<string, Fen>> {
  const r = await tx.query<{ institution: string; paid: string }>(
    `SELECT institution, sum(amount_fen) AS paid FROM institution_payment WHERE admdvs LIKE $1 AND business_date > $2::date GROUP BY institution`,
    [areaLike, after],
  );
  return new Map(r.rows.map((row) => [row.institution, fenFromDb(row.paid)]));
}

export async function payments(tx: Queryable, f: { areaLike: string; month?: string; institution?: string }): Promise<InstitutionPayment[]> {
  const r = await tx.query<PaymentRow>(
    `SELECT transfer_id, admdvs, institution, month, amount_fen, business_date::text AS business_date, note, paid_by, created_at
       FROM institution_payment
      WHERE admdvs LIKE $1 AND ($2::text IS NULL OR month = $2) AND ($3::text IS NULL OR institution = $3)
      ORDER BY created_at, transfer_id`,
    [f.areaLike, f.month ?? null, f.institution ?? null],
  );
  return r.rows.map(toPayment);
}

// ---------------------------------------------------------------- dashboard

/** Settlement rows per day and per province (the insured or the treatment side) over a date range, from the covering index. */
export async function daily(
  tx: Queryable,
  f: { from: string; to: string; side: Side; province: string | null; crossProvinceOnly: boolean },
): Promise<DailyFigure[]> {
  const column = f.side === 'insured' ? 'insuplc_province' : 'mdtrtarea_province';
  const r = await tx.query<{ date: string; province: string; settlements: string; reversals: string; medfee: string; fund: string; acct: string }>(
    `SELECT setl_date::text AS date, ${column} AS province,
            count(*) FILTER (WHERE kind <> 'cancel') AS settlements, count(*) FILTER (WHERE kind = 'cancel') AS reversals,
            sum(medfee_sumamt_fen) AS medfee, sum(fund_pay_sumamt_fen) AS fund, sum(acct_pay_fen) AS acct
       FROM settlement
      WHERE setl_month >= $1 AND setl_month <= $2 AND setl_date >= $3::date AND setl_date <= $4::date
        AND ($5::text IS NULL OR ${column} = $5)
        AND (NOT $6 OR insuplc_province <> mdtrtarea_province)
      GROUP BY setl_date, ${column}
      ORDER BY setl_date, ${column}`,
    [f.from.slice(0, 7), f.to.slice(0, 7), f.from, f.to, f.province, f.crossProvinceOnly],
  );
  return r.rows.map((row) => ({
    date: row.date,
    province: row.province,
    settlements: Number(row.settlements),
    reversals: Number(row.reversals),
    medfee_fen: fenFromDb(row.medfee),
    fund_fen: fenFromDb(row.fund),
    acct_fen: fenFromDb(row.acct),
  }));
}

/** A month's cross-province sums per pair, straight from its settlement rows (a month not reconciled yet). */
export async function livePairs(tx: Queryable, month: string): Promise<{ insured: string; treatment: string; rows: number; net_fen: Fen }[]> {
  const r = await tx.query<{ ip: string; tp: string; n: string; net: string }>(
    `SELECT insuplc_province AS ip, mdtrtarea_province AS tp, count(*) AS n, sum(fund_pay_sumamt_fen) + sum(acct_pay_fen) AS net
       FROM settlement WHERE setl_month = $1 AND insuplc_province <> mdtrtarea_province
      GROUP BY insuplc_province, mdtrtarea_province ORDER BY 1, 2`,
    [month],
  );
  return r.rows.map((row) => ({ insured: row.ip, treatment: row.tp, rows: Number(row.n), net_fen: fenFromDb(row.net) }));
}
