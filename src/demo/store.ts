import type { Queryable } from '../db/pool.ts';

/** The `demo_run` table: one row once a demo nation is complete. */

export async function insertRun(tx: Queryable, seed: number, persons: number): Promise<void> {
  await tx.query('INSERT INTO demo_run (seed, persons) VALUES ($1, $2)', [seed, persons]);
}

export async function runExists(tx: Queryable): Promise<boolean> {
  const r = await tx.query<{ exists: boolean }>('SELECT EXISTS (SELECT 1 FROM demo_run) AS exists');
  return r.rows[0]!.exists;
}

// ---------------------------------------------------------------- a month of settlements in bulk

/*
 * The bulk writer of a month of cross-province settlements (settlements.ts):
 * set-based INSERT … SELECT over generate_series on the server, in one
 * transaction, into the settlement, encounter and ledger tables directly. It is
 * the one place in the code that writes those tables around their services: a
 * benchmark data set of millions of rows cannot go through the desk's
 * one-settlement-at-a-time path. Every row still passes every constraint and
 * trigger of the schema (identities, foreign keys, the closed-month guard).
 *
 * Every choice is a hash of the row number and the seed (hashint8extended, the
 * portable hash PostgreSQL's hash partitioning relies on), so the same seed on
 * the same demo nation writes the same rows.
 */

/** Positive 62-bit hash of the row number `g` in stream `j`. */
const hash = (j: number) => `(hashint8extended(g, $1::bigint * 64 + ${j}) & 4611686018427387903)`;
/** Slots per insured province over the treatment areas: an area's share of them is its weight. */
export const AREA_SLOTS = 8192;

export interface MonthLookups {
  persons: number;
  institutions: number;
  areas: number;
}

/**
 * Builds the session's lookup tables for the transaction (dropped at commit):
 * the persons able to settle (an active enrolment under a policy in force on
 * `monthStart`), each with the treatment area of another province where they
 * live or were referred (weighted by `provinceWeights`, 1 for a province not
 * listed) and their filing there; the institutions of each area that treat
 * (not pharmacies). Also opens every ledger account the month can touch.
 */
export async function prepareMonth(
  tx: Queryable,
  o: { seed: number; monthStart: string; provinceWeights: ReadonlyMap<string, number>; filingDate: string },
): Promise<MonthLookups> {
  await tx.query(
    `CREATE TEMP TABLE demo_setl_inst ON COMMIT DROP AS
     SELECT admdvs AS area, (row_number() OVER (PARTITION BY admdvs ORDER BY code) - 1)::int AS k,
            code::text AS code, admdvs::text AS admdvs, level, kind = 'hospital' AS admits
       FROM institution WHERE status = 'active' AND kind <> 'pharmacy'`,
  );
  await tx.query('CREATE UNIQUE INDEX ON demo_setl_inst (area, k)');
  await tx.query(
    `CREATE TEMP TABLE demo_setl_slot ON COMMIT DROP AS
     WITH a AS (SELECT area, substr(area, 1, 2) || '0000' AS province FROM demo_setl_inst GROUP BY area),
          w AS (SELECT a.area, a.province,
                       greatest(1, coalesce(pw.weight, 1) * 1000000 / count(*) OVER (PARTITION BY a.province))::bigint AS w
                  FROM a LEFT JOIN unnest($1::text[], $2::int[]) AS pw(province, weight) USING (province)),
          c AS (SELECT r.code::text AS ip, w.area, w.w,
                       sum(w.w) OVER (PARTITION BY r.code ORDER BY w.area) AS hi, sum(w.w) OVER (PARTITION BY r.code) AS total
                  FROM region r JOIN w ON w.province <> r.code WHERE r.level = 1)
     SELECT ip, k::int AS k, area FROM c,
            generate_series(((hi - w) * ${AREA_SLOTS} + total - 1) / total, (hi * ${AREA_SLOTS} + total - 1) / total - 1) AS k`,
    [[...o.provinceWeights.keys()], [...o.provinceWeights.values()]],
  );
  await tx.query('CREATE UNIQUE INDEX ON demo_setl_slot (ip, k)');
  const base = await reserve(tx, 'filing_serial', await countPersons(tx));
  // Filing kinds by share: resettled retirees and long-term residents most, then workers stationed away, referrals, short stays; a few come as emergencies without a filing.
  await tx.query(
    `CREATE TEMP TABLE demo_setl_person ON COMMIT DROP AS
     WITH e AS (SELECT DISTINCT ON (psn_no) psn_no, insutype, psn_type, cvlserv_flag, insuplc_admdvs::text AS insuplc_admdvs
                  FROM enrolment WHERE status = 'active' ORDER BY psn_no, insutype),
          pv AS (SELECT DISTINCT ON (pooling_area, insutype) pooling_area, insutype, id
                   FROM policy_version WHERE begndate <= $2::date ORDER BY pooling_area, insutype, begndate DESC, id DESC),
          p AS (SELECT p.psn_no, p.name, p.psn_cert_type, p.certno, p.gender, p.naty, p.birth_date,
                       e.insutype, e.psn_type, e.cvlserv_flag, e.insuplc_admdvs, substr(e.insuplc_admdvs, 1, 2) || '0000' AS province,
                       coalesce(a.balance_fen, 0) AS balance_fen, pv.id AS policy_version_id,
                       (hashtextextended(p.psn_no, $1) & 4611686018427387903) AS h
                  FROM person p JOIN e USING (psn_no)
                  JOIN pv ON pv.pooling_area = e.insuplc_admdvs AND pv.insutype = e.insutype
                  LEFT JOIN personal_account a ON a.psn_no = p.psn_no)
     SELECT q.*, CASE WHEN q.filing_kind IS NULL THEN NULL
                      ELSE 'BA' || q.insuplc_admdvs || to_char($4::date, 'YYMMDD') || lpad(($3::bigint + q.i)::text, 8, '0') END AS filing_no
       FROM (
     SELECT (row_number() OVER (ORDER BY p.psn_no) - 1)::int AS i, p.psn_no, p.name, p.psn_cert_type, p.certno, p.gender, p.naty, p.birth_date, p.insutype, p.psn_type, p.cvlserv_flag,
            p.insuplc_admdvs, p.province, p.balance_fen, p.policy_version_id, s.area, substr(s.area, 1, 2) || '0000' AS treatment_province,
            n.n AS institutions,
            f.kind AS filing_kind
       FROM p
       JOIN demo_setl_slot s ON s.ip = p.province AND s.k = p.h % ${AREA_SLOTS}
       JOIN (SELECT area, count(*)::int AS n FROM demo_setl_inst GROUP BY area) n ON n.area = s.area
       CROSS JOIN LATERAL (SELECT CASE WHEN b < 35 THEN 'resettled_retiree' WHEN b < 60 THEN 'long_term_resident' WHEN b < 75 THEN 'stationed_worker'
                                       WHEN b < 92 THEN 'referral' WHEN b < 96 THEN 'other_temporary' END AS kind
                             FROM (SELECT (p.h >> 16) % 100 AS b) x) f) q`,
    [o.seed, o.monthStart, base, o.filingDate],
  );
  // Numbered densely after the joins (a row's person is its hash modulo the count), in psn_no order so the numbers do not depend on the plan.
  await tx.query('CREATE UNIQUE INDEX ON demo_setl_person (i)');
  await tx.query('ANALYZE demo_setl_inst');
  await tx.query('ANALYZE demo_setl_person');
  await tx.query(
    `INSERT INTO ledger_account (code, kind, region, counterparty, party)
     SELECT 'fund:' || insuplc_admdvs, 'fund', insuplc_admdvs, NULL, NULL FROM demo_setl_person GROUP BY insuplc_admdvs
     UNION ALL SELECT 'claim:' || treatment_province || ':' || province, 'claim', treatment_province, province, NULL
                 FROM demo_setl_person GROUP BY treatment_province, province
     UNION ALL SELECT 'personal:' || psn_no, 'personal', substr(psn_no, 1, 6), NULL, psn_no FROM demo_setl_person
     UNION ALL SELECT 'pocket:' || psn_no, 'pocket', substr(psn_no, 1, 6), NULL, psn_no FROM demo_setl_person
     UNION ALL SELECT 'agency:' || area, 'agency', area, NULL, NULL FROM demo_setl_inst GROUP BY area
     UNION ALL SELECT 'payable:' || admdvs || ':' || code, 'payable', admdvs, NULL, code FROM demo_setl_inst
     UNION ALL SELECT 'cash:' || admdvs || ':' || code, 'cash', admdvs, NULL, code FROM demo_setl_inst
     ON CONFLICT (code) DO NOTHING`,
  );
  const r = await tx.query<{ persons: string; institutions: string; areas: string }>(
    `SELECT (SELECT count(*) FROM demo_setl_person) AS persons, (SELECT count(*) FROM demo_setl_inst) AS institutions,
            (SELECT count(DISTINCT area) FROM demo_setl_inst) AS areas`,
  );
  return { persons: Number(r.rows[0]!.persons), institutions: Number(r.rows[0]!.institutions), areas: Number(r.rows[0]!.areas) };
}

async function countPersons(tx: Queryable): Promise<number> {
  const r = await tx.query<{ n: string }>('SELECT count(*) AS n FROM person');
  return Number(r.rows[0]!.n);
}

/** Takes `n` numbers of a sequence at once and answers the first: ids that never meet those of the services. */
export async function reserve(tx: Queryable, sequence: 'setl_serial' | 'mdtrt_serial' | 'filing_serial', n: number): Promise<number> {
  const r = await tx.query<{ first: string }>(
    `WITH v AS (SELECT nextval('${sequence}') AS v) SELECT v AS first, setval('${sequence}', v + greatest($1::bigint, 1) - 1) FROM v`,
    [n],
  );
  return Number(r.rows[0]!.first);
}

export interface BatchTerms {
  seed: number;
  /** row numbers [from, to) of the month */
  from: number;
  to: number;
  persons: number;
  /** the day of each of `days.length` slots: a day's share of the slots is its share of the month's settlements */
  days: readonly string[];
  /** first settlement serial; cancellations take serial + `cancelOffset` */
  setlBase: number;
  cancelOffset: number;
  mdtrtBase: number;
  inpatientPct: number;
  cancelBp: number;
}

/**
 * Computes rows [from, to) of the month into the session's batch table: who,
 * where, when, and the amounts. The amounts follow policy.md's identities by
 * construction: medfee = ownpay + over-limit + pre-self-pay + in-scope;
 * in-scope − deductible is split by the scheme's ratio (by level) between the
 * pooled fund and the person; civil servants' subsidy and the large-amount or
 * serious-illness fund take a share of the rest; the personal share is paid
 * from the account (employees who use it, at most a quarter of the balance)
 * and in cash.
 */
export async function computeBatch(tx: Queryable, b: BatchTerms): Promise<number> {
  await tx.query('DROP TABLE IF EXISTS demo_setl_batch');
  const r = await tx.query(
    `CREATE TEMP TABLE demo_setl_batch ON COMMIT DROP AS
     WITH g AS (SELECT g, ${hash(0)} AS h0, ${hash(1)} AS h1, ${hash(2)} AS h2, ${hash(3)} AS h3, ${hash(4)} AS h4
                  FROM generate_series($2::bigint, $3::bigint - 1) AS g),
          x AS (SELECT g.*, p.*, i.code, i.admdvs AS t_admdvs, i.level,
                       i.admits AND (g.h2 >> 10) % 100 < $8 AS inpatient,
                       ($5::date[])[1 + g.h2 % cardinality($5::date[])] AS day
                  FROM g JOIN demo_setl_person p ON p.i = g.h0 % $4
                  JOIN demo_setl_inst i ON i.area = p.area AND i.k = g.h1 % p.institutions),
          t AS (SELECT x.*,
                       (x.day + make_interval(secs => CASE WHEN x.inpatient THEN 32400 + (x.h2 >> 17) % 25200 ELSE 28800 + (x.h2 >> 17) % 34200 END))
                         AT TIME ZONE 'Asia/Shanghai' AS setl_time,
                       CASE WHEN x.inpatient THEN 300000 + x.h3 % 2000000 + CASE WHEN (x.h3 >> 21) % 10 = 0 THEN (x.h3 >> 25) % 10000000 ELSE 0 END
                            ELSE 3000 + x.h3 % 60000 END AS medfee,
                       x.insutype = '310' AS employee
                  FROM x),
          a AS (SELECT t.*, t.medfee * (t.h4 % 6) / 100 AS ownpay,
                       CASE WHEN t.inpatient THEN t.medfee * ((t.h4 >> 3) % 3) / 100 ELSE 0 END AS overlmt,
                       t.medfee * (CASE WHEN t.inpatient THEN 5 ELSE 0 END + (t.h4 >> 5) % 11) / 100 AS preself
                  FROM t),
          d AS (SELECT a.*, a.medfee - a.ownpay - a.overlmt - a.preself AS inscp,
                       CASE WHEN a.inpatient THEN least(a.medfee - a.ownpay - a.overlmt - a.preself, 120000) ELSE 0 END AS dedc,
                       CASE WHEN a.employee THEN (CASE WHEN a.inpatient THEN 9300 ELSE 7000 END) ELSE (CASE WHEN a.inpatient THEN 7800 ELSE 5500 END) END
                         - 300 * a.level AS ratio_bp
                  FROM a),
          f AS (SELECT d.*, ((d.inscp - d.dedc) * d.ratio_bp + 5000) / 10000 AS hifp FROM d),
          c AS (SELECT f.*, CASE WHEN f.cvlserv_flag = '1' THEN (f.inscp - f.dedc - f.hifp + 1) / 2 ELSE 0 END AS cvl FROM f),
          o AS (SELECT c.*, (least(greatest(c.inscp - 2000000, 0), c.inscp - c.dedc - c.hifp - c.cvl) * 6000 + 5000) / 10000 AS topup FROM c),
          s AS (SELECT o.*, o.hifp + o.cvl + o.topup AS fund, o.medfee - o.hifp - o.cvl - o.topup AS psn_part,
                       o.employee AND (o.h4 >> 9) % 10 < 7 AS acct_used
                  FROM o),
          m AS (SELECT s.*, CASE WHEN s.acct_used THEN least(s.psn_part, s.balance_fen / 4) ELSE 0 END AS acct FROM s)
     SELECT m.*, m.psn_part - m.acct AS cash, m.balance_fen - m.acct AS balc,
            'A' || m.t_admdvs || to_char(m.day, 'YYMMDD') || lpad(($6::bigint + m.g)::text, 10, '0') AS setl_id,
            'A' || m.t_admdvs || to_char(m.day, 'YYMMDD') || lpad(($6::bigint + $7::bigint + m.g)::text, 10, '0') AS cancel_id,
            'S' || m.t_admdvs || to_char(m.day, 'YYMMDD') || lpad(($9::bigint + m.g)::text, 10, '0') AS mdtrt_id,
            'claim:' || m.treatment_province || ':' || m.province AS claim,
            (m.h4 >> 13) % 10000 < $10 AS cancelled,
            m.filing_kind IS NULL AS emergency,
            CASE WHEN m.inpatient THEN m.setl_time - make_interval(days => 1 + ((m.h4 >> 27) % 14)::int) ELSE m.setl_time - make_interval(secs => 600 + (m.h4 >> 27) % 5400) END AS begntime
       FROM m`,
    [b.seed, b.from, b.to, b.persons, b.days, b.setlBase, b.cancelOffset, b.inpatientPct, b.mdtrtBase, b.cancelBp],
  );
  // Without statistics the planner guesses a third of the rows cancelled and hashes the whole settlement table to find them.
  await tx.query('ANALYZE demo_setl_batch');
  return r.rowCount ?? 0;
}

/** The signed amount columns, in the order the inserts below write them: a cancellation negates each. */
const AMOUNTS = [
  'medfee_sumamt_fen', 'fulamt_ownpay_amt_fen', 'overlmt_selfpay_fen', 'preselfpay_amt_fen', 'inscp_scp_amt_fen', 'act_pay_dedc_fen',
  'hifp_pay_fen', 'pool_prop_selfpay_fen', 'cvlserv_pay_fen', 'hifes_pay_fen', 'hifmi_pay_fen', 'hifob_pay_fen', 'maf_pay_fen', 'oth_pay_fen',
  'fund_pay_sumamt_fen', 'psn_part_amt_fen', 'acct_pay_fen', 'psn_cash_pay_fen', 'hosp_part_amt_fen', 'acct_mulaid_pay_fen',
] as const;

/** Settlement columns a bulk row writes (the generated province columns are the table's). */
const SETTLEMENT_COLUMNS = `setl_id, kind, reverses, origin_setl_id, mdtrt_id, psn_no, fixmedins_code, insuplc_admdvs, mdtrtarea_admvs,
  insutype, psn_type, med_type, clr_type, setl_time, setl_date, setl_month, msgid, invono, acct_used_flag, mid_setl_flag,
  psn_name, psn_cert_type, certno, gend, naty, brdy, age, cvlserv_flag, mdtrt_cert_type,
  level, med_kind, filing_no, filing_kind, emergency, reduction_bp, policy_version_id, year, cap_group, admission_ordinal,
  ${AMOUNTS.join(', ')}, balc_fen, setldetail, explanation, year_totals_before, year_totals_after, line_ids, created_at`;

/** The legs of `settlementTransfers` (ledger/rules.ts) over the batch table, for the rows `where` selects. */
const LEGS = `CROSS JOIN LATERAL (VALUES
    ('fund', 'fund:' || b.insuplc_admdvs, b.claim, b.fund),
    ('acct', 'personal:' || b.psn_no, b.claim, b.acct),
    ('payable', 'agency:' || b.t_admdvs, 'payable:' || b.t_admdvs || ':' || b.code, b.fund + b.acct),
    ('cash', 'pocket:' || b.psn_no, 'cash:' || b.t_admdvs || ':' || b.code, b.cash)) AS v(leg, debit, credit, amount)`;

export interface WrittenBatch {
  encounters: number;
  settlements: number;
  cancellations: number;
  transfers: number;
}

/**
 * Writes the batch table: one visit per row (an admission discharged at
 * settlement, or an outpatient visit), its settlement, the ledger transfers
 * the settlement posts, and for the rows picked to be cancelled a
 * cancellation ten minutes later that negates the stored row and reverses its
 * transfers, as the settlement service does.
 */
export async function writeBatch(
  tx: Queryable,
  o: { year: number; month: string; fundNames: Readonly<Record<string, string>>; explanation: readonly { zh: string; en: string }[] },
): Promise<WrittenBatch> {
  const enc = await tx.query(
    `INSERT INTO encounter (mdtrt_id, fixmedins_code, mdtrtarea_admvs, psn_no, insutype, insuplc_admdvs, med_type, visit_kind, begntime, endtime,
                            mdtrt_cert_type, mdtrt_cert_no, ipt_otp_no, filing_no, filing_kind, emergency, status, settled_setl_id, created_at, updated_at)
     SELECT mdtrt_id, code, t_admdvs, psn_no, insutype, insuplc_admdvs, CASE WHEN inpatient THEN '21' ELSE '11' END,
            CASE WHEN inpatient THEN 'inpatient' ELSE 'outpatient' END, begntime, CASE WHEN inpatient THEN setl_time END,
            '02', certno, mdtrt_id, filing_no, filing_kind, emergency, CASE WHEN inpatient THEN 'discharged' ELSE 'open' END,
            CASE WHEN NOT cancelled THEN setl_id END, begntime, setl_time
       FROM demo_setl_batch`,
  );
  // One setldetail line per fund that paid: its type, the base its ratios applied to and the amount.
  const detail = (type: string, amount: string) =>
    `CASE WHEN ${amount} > 0 THEN jsonb_build_array(jsonb_build_object('fund_pay_type', ${type}, 'inscp_scp_amt', b.inscp - b.dedc,
       'crt_payb_lmt_amt', ${amount}, 'fund_payamt', ${amount}, 'fund_pay_type_name', $3::jsonb ->> ${type}, 'setl_proc_info', '')) ELSE '[]'::jsonb END`;
  const hifob = 'CASE WHEN b.employee THEN b.topup ELSE 0 END';
  const hifmi = 'CASE WHEN b.employee THEN 0 ELSE b.topup END';
  const set = await tx.query(
    `INSERT INTO settlement (${SETTLEMENT_COLUMNS})
     SELECT b.setl_id, 'settle', NULL, b.setl_id, b.mdtrt_id, b.psn_no, b.code, b.insuplc_admdvs, b.t_admdvs,
            b.insutype, b.psn_type, CASE WHEN b.inpatient THEN '21' ELSE '11' END, CASE WHEN b.inpatient THEN '21' ELSE '11' END,
            b.setl_time, b.day, $2, NULL, NULL, CASE WHEN b.acct_used THEN '1' ELSE '0' END, '0',
            b.name, b.psn_cert_type, b.certno, b.gender, b.naty, b.birth_date, extract(year FROM age(b.day, b.birth_date))::smallint, b.cvlserv_flag, '02',
            b.level, CASE WHEN b.inpatient THEN 'inpatient' ELSE 'outpatient' END, b.filing_no, b.filing_kind, b.emergency, 0, b.policy_version_id,
            $1, CASE WHEN b.inpatient THEN 'pooled' ELSE 'outpatient' END, CASE WHEN b.inpatient THEN 1 END,
            b.medfee, b.ownpay, b.overlmt, b.preself, b.inscp, b.dedc,
            b.hifp, b.inscp - b.dedc - b.hifp, b.cvl, 0, ${hifmi}, ${hifob}, 0, 0,
            b.fund, b.psn_part, b.acct, b.cash, 0, 0, b.balc,
            ${detail("CASE WHEN b.employee THEN '310100' ELSE '390100' END", 'b.hifp')} || ${detail("'320100'", 'b.cvl')}
              || ${detail("'330100'", hifob)} || ${detail("'390200'", hifmi)},
            $4::jsonb,
            ${yearTotals({ deductible: '0', pooled: '0', cvlserv: '0', hifob: '0', hifmi: '0', base: '0' })},
            ${yearTotals({ deductible: 'b.dedc', pooled: 'b.hifp', cvlserv: 'b.cvl', hifob, hifmi, base: 'b.inscp - b.dedc - b.hifp' })},
            '{}', b.setl_time
       FROM demo_setl_batch b`,
    [o.year, o.month, JSON.stringify(o.fundNames), JSON.stringify(o.explanation)],
  );
  const posted = await tx.query(
    `INSERT INTO ledger_transfer (id, debit, credit, amount_fen, business_date, ref_kind, ref_id)
     SELECT 'setl:' || b.setl_id || ':' || v.leg, v.debit, v.credit, v.amount, b.day, 'settlement', b.setl_id
       FROM demo_setl_batch b ${LEGS}
      WHERE v.amount > 0`,
  );
  // Every amount negated; the account balance after the refund is the balance before the settlement.
  const negated = AMOUNTS.map((c) => `-s.${c}`).join(', ');
  const cancelled = await tx.query(
    `INSERT INTO settlement (${SETTLEMENT_COLUMNS})
     SELECT b.cancel_id, 'cancel', s.setl_id, s.setl_id, s.mdtrt_id, s.psn_no, s.fixmedins_code, s.insuplc_admdvs, s.mdtrtarea_admvs,
            s.insutype, s.psn_type, s.med_type, s.clr_type, s.setl_time + interval '10 minutes', s.setl_date, s.setl_month, NULL, NULL, s.acct_used_flag, s.mid_setl_flag,
            s.psn_name, s.psn_cert_type, s.certno, s.gend, s.naty, s.brdy, s.age, s.cvlserv_flag, s.mdtrt_cert_type,
            s.level, s.med_kind, s.filing_no, s.filing_kind, s.emergency, s.reduction_bp, s.policy_version_id, s.year, s.cap_group, s.admission_ordinal,
            ${negated}, s.balc_fen + s.acct_pay_fen,
            s.setldetail, s.explanation, s.year_totals_after, s.year_totals_before, s.line_ids, s.setl_time + interval '10 minutes'
       FROM demo_setl_batch b JOIN settlement s ON s.setl_id = b.setl_id
      WHERE b.cancelled`,
  );
  const reversed = await tx.query(
    `INSERT INTO ledger_transfer (id, debit, credit, amount_fen, business_date, ref_kind, ref_id, reverses)
     SELECT 'setl:' || b.cancel_id || ':' || v.leg, v.credit, v.debit, v.amount, b.day, 'settlement', b.cancel_id, 'setl:' || b.setl_id || ':' || v.leg
       FROM demo_setl_batch b ${LEGS}
      WHERE b.cancelled AND v.amount > 0`,
  );
  return {
    encounters: enc.rowCount ?? 0,
    settlements: set.rowCount ?? 0,
    cancellations: cancelled.rowCount ?? 0,
    transfers: (posted.rowCount ?? 0) + (reversed.rowCount ?? 0),
  };
}

/** A person's year totals as jsonb (settlement/model.ts YearTotals), from SQL expressions. */
function yearTotals(t: { deductible: string; pooled: string; cvlserv: string; hifob: string; hifmi: string; base: string }): string {
  const topup = (paid: string) => `jsonb_build_object('paid_fen', ${paid}, 'base_fen', CASE WHEN ${paid} > 0 THEN ${t.base} ELSE 0 END)`;
  return `jsonb_build_object('deductible_paid_fen', ${t.deductible}, 'pooled_paid_fen', ${t.pooled}, 'topups', jsonb_build_object(
    'cvlserv', ${topup(t.cvlserv)}, 'hifob', ${topup(t.hifob)}, 'hifmi', ${topup(t.hifmi)}, 'maf', ${topup('0')}))`;
}
