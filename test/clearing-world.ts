import { expect } from 'vitest';
import type { Principal } from '../src/auth/model.ts';
import { DEFAULT_CLEARING_SETTINGS } from '../src/clearing/model.ts';
import * as clearing from '../src/clearing/service.ts';
import { fen, type Fen } from '../src/core/money.ts';
import type { Db, Queryable } from '../src/db/pool.ts';
import { importInstitutions } from '../src/institutions/service.ts';
import { settlementTransfers } from '../src/ledger/rules.ts';
import { LEDGER, postTransfers, reverseTransfers, trialBalance } from '../src/ledger/service.ts';
import { testDb } from './support/db.ts';
import { addPersons, personOf, seedPlaces, system } from './support/fixtures.ts';

/**
 * Settlements between four provinces for the clearing tests, written the way
 * the settlement service writes them (the row, then the same ledger transfers
 * through the ledger service; a cancellation reverses them under its own ids)
 * but without pricing visits: the clearing reads amounts, not bills, and a
 * scenario needs settlements at chosen instants in many province pairs.
 */

export const HARBIN = '230100';
export const NANJING = '320100';
export const SHENZHEN = '440300';
export const GUANGZHOU = '440100';
export const AREAS = [HARBIN, NANJING, SHENZHEN, GUANGZHOU] as const;
export const HOSPITALS: Record<string, string> = { [HARBIN]: 'H23010000001', [NANJING]: 'H32010000001', [SHENZHEN]: 'H44030000009', [GUANGZHOU]: 'H44010000001' };

export const national: Principal = { kind: 'national', userId: 1, username: 'nhsa' };
export const agency = (province: string, kind: 'insured_agency' | 'treatment_agency' = 'insured_agency'): Principal => ({
  kind,
  userId: 2,
  username: `${kind}-${province}`,
  region: province,
});

export interface SettlementSpec {
  insured: string;
  treatment: string;
  /** yyyy-MM-dd HH:mm:ss in Asia/Shanghai */
  at: string;
  medfee: number;
  fund: number;
  acct?: number;
}

export interface Row {
  setl_id: string;
  kind: 'settle' | 'cancel' | 'reinstate';
  insured: string;
  treatment: string;
  setl_month: string;
  medfee: Fen;
  fund: Fen;
  acct: Fen;
}

export interface ClearingWorld {
  db: Db;
  persons: Record<string, string>;
  settle(s: SettlementSpec, tx?: Queryable): Promise<Row>;
  /** cancels `row` at `at`: a negative row, its transfers reversed */
  cancel(row: Row, at: string, tx?: Queryable): Promise<Row>;
  /** every row written, in order */
  rows: Row[];
  /** clears `month` as national staff on `today` */
  clear(month: string, today: string, o?: { onProgress?: clearing.Progress }): ReturnType<typeof clearing.clearMonth>;
  /** confirms every statement of the month from both sides, each by its own province's agency */
  confirmAll(month: string, today: string): Promise<void>;
  /** ledger trial balance total */
  ledgerTotal(): Promise<number>;
  close(): Promise<void>;
}

const shanghai = (at: string) => new Date(`${at.replace(' ', 'T')}+08:00`);

let serial = 0;

export async function clearingWorld(): Promise<ClearingWorld> {
  const db = await testDb();
  const persons: Record<string, string> = {};
  await db.tx(async (tx) => {
    await seedPlaces(tx, [...AREAS]);
    await importInstitutions(tx, system, {
      institutions: AREAS.map((area) => ({
        code: HOSPITALS[area]!, name: `医院${area}`, admdvs: area, kind: 'hospital', level: 3, services: ['inpatient', 'outpatient'],
        chronic_diseases: [], status: 'active', address: null, phone: null,
      })),
    });
    const people = AREAS.map((area) => personOf(area));
    await addPersons(tx, people);
    for (const p of people) persons[p.insuplc_admdvs] = p.psn_no;
  });
  const policy = Number((await db.query<{ id: string }>('SELECT min(id) AS id FROM policy_version')).rows[0]!.id);
  const rows: Row[] = [];

  async function insert(tx: Queryable, r: Row & { reverses: string | null; origin: string; at: string; mdtrt_id: string }): Promise<void> {
    const t = shanghai(r.at);
    const cash = r.medfee - r.fund - r.acct;
    await tx.query(
      `INSERT INTO settlement (setl_id, kind, reverses, origin_setl_id, mdtrt_id, psn_no, fixmedins_code, insuplc_admdvs, mdtrtarea_admvs, insutype, psn_type,
         med_type, clr_type, setl_time, setl_date, setl_month, acct_used_flag, psn_name, psn_cert_type, certno, gend, naty, brdy, age, cvlserv_flag,
         level, med_kind, emergency, reduction_bp, policy_version_id, year, cap_group,
         medfee_sumamt_fen, fulamt_ownpay_amt_fen, overlmt_selfpay_fen, preselfpay_amt_fen, inscp_scp_amt_fen, act_pay_dedc_fen, hifp_pay_fen,
         pool_prop_selfpay_fen, cvlserv_pay_fen, hifes_pay_fen, hifmi_pay_fen, hifob_pay_fen, maf_pay_fen, oth_pay_fen, fund_pay_sumamt_fen,
         psn_part_amt_fen, acct_pay_fen, psn_cash_pay_fen, hosp_part_amt_fen, balc_fen, setldetail, explanation, year_totals_before, year_totals_after, line_ids, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '310', '1201', '11', '11', $10, $11::date, $12, $13, '测试', '01', '000000000000000000', '1', '01', '1958-04-12', 68, '0',
         3, 'outpatient', true, 0, $14, $15, 'pooled',
         $16, 0, 0, 0, $16, 0, $17, 0, 0, 0, 0, 0, 0, 0, $17, $20, $18, $19, 0, 0, '[]', '[]', '{}', '{}', '{}', $10)`,
      [
        r.setl_id, r.kind, r.reverses, r.origin, r.mdtrt_id, persons[r.insured]!, HOSPITALS[r.treatment]!, r.insured, r.treatment,
        t, r.at.slice(0, 10), r.at.slice(0, 7), r.acct !== 0 ? '1' : '0', policy, Number(r.at.slice(0, 4)),
        r.medfee, r.fund, r.acct, cash, r.acct + cash,
      ],
    );
  }

  const posting = (r: Row, at: string) => ({
    setl_id: r.setl_id,
    business_date: at.slice(0, 10),
    psn_no: persons[r.insured]!,
    insured_area: r.insured,
    treatment_area: r.treatment,
    institution: { code: HOSPITALS[r.treatment]!, admdvs: r.treatment },
    fund_fen: fen(Math.abs(r.fund)),
    acct_fen: fen(Math.abs(r.acct)),
    cash_fen: fen(0),
  });

  const newSetlId = (area: string, at: string) => `A${area}${at.slice(2, 4)}${at.slice(5, 7)}${at.slice(8, 10)}${String(++serial).padStart(10, '0')}`;

  const world: ClearingWorld = {
    db,
    persons,
    rows,
    async settle(s, given) {
      const run = async (tx: Queryable) => {
        const setl_id = newSetlId(s.treatment, s.at);
        const mdtrt_id = `S${setl_id.slice(1)}`;
        await tx.query(
          `INSERT INTO encounter (mdtrt_id, fixmedins_code, mdtrtarea_admvs, psn_no, insutype, insuplc_admdvs, med_type, visit_kind, begntime, emergency, created_at, updated_at, settled_setl_id)
           VALUES ($1, $2, $3, $4, '310', $5, '11', 'outpatient', $6, true, $6, $6, $7)`,
          [mdtrt_id, HOSPITALS[s.treatment]!, s.treatment, persons[s.insured]!, s.insured, shanghai(s.at), setl_id],
        );
        const row: Row = { setl_id, kind: 'settle', insured: s.insured, treatment: s.treatment, setl_month: s.at.slice(0, 7), medfee: fen(s.medfee), fund: fen(s.fund), acct: fen(s.acct ?? 0) };
        await insert(tx, { ...row, reverses: null, origin: setl_id, at: s.at, mdtrt_id });
        const transfers = settlementTransfers(posting(row, s.at));
        if (transfers.length > 0) await postTransfers(tx, LEDGER, transfers);
        rows.push(row);
        return row;
      };
      return given ? run(given) : db.tx(run);
    },
    async cancel(orig, at, given) {
      const run = async (tx: Queryable) => {
        const setl_id = newSetlId(orig.treatment, at);
        const mdtrt = await tx.query<{ mdtrt_id: string }>('SELECT mdtrt_id FROM settlement WHERE setl_id = $1', [orig.setl_id]);
        const row: Row = { ...orig, setl_id, kind: 'cancel', setl_month: at.slice(0, 7), medfee: fen(-orig.medfee), fund: fen(-orig.fund), acct: fen(-orig.acct) };
        await insert(tx, { ...row, reverses: orig.setl_id, origin: orig.setl_id, at, mdtrt_id: mdtrt.rows[0]!.mdtrt_id });
        const ids = settlementTransfers(posting(orig, at)).map((t) => t.id);
        if (ids.length > 0) {
          await reverseTransfers(tx, LEDGER, ids, { idFor: (id) => id.replace(orig.setl_id, setl_id), business_date: at.slice(0, 10), reason: 'cancelled', ref_id: setl_id });
        }
        rows.push(row);
        return row;
      };
      return given ? run(given) : db.tx(run);
    },
    clear(month, today, o = {}) {
      return clearing.clearMonth(db, national, month, { today, now: shanghai(`${today} 10:00:00`), settings: DEFAULT_CLEARING_SETTINGS, ...o });
    },
    async confirmAll(month, today) {
      const statements = await clearing.listStatements(db, national, { month });
      for (const s of statements) {
        for (const side of ['insured', 'treatment'] as const) {
          const province = side === 'insured' ? s.insured_province : s.treatment_province;
          await db.tx((tx) => clearing.confirmStatement(tx, agency(province), s.id, side, { today, now: shanghai(`${today} 11:00:00`) }));
        }
      }
    },
    async ledgerTotal() {
      return (await trialBalance(db, system)).total_fen;
    },
    close: () => db.close(),
  };
  return world;
}

/** The invariants every scenario ends with: the ledger sums to zero, each month's positions sum to zero, its statements equal its rows. */
export async function expectInvariants(w: ClearingWorld): Promise<void> {
  expect(await w.ledgerTotal()).toBe(0);
  for (const m of await clearing.listMonths(w.db, national)) {
    const view = await clearing.getMonth(w.db, national, m.month);
    expect(view.positions.reduce((s, p) => s + p.net_fen, 0), `positions of ${m.month}`).toBe(0);
    if (m.status === 'closed') continue;
    const statements = await clearing.listStatements(w.db, national, { month: m.month });
    const inMonth = w.rows.filter((r) => r.insured.slice(0, 2) !== r.treatment.slice(0, 2) && r.setl_month <= m.month && (m.since_month === null || r.setl_month > m.since_month));
    const sum = (rs: Row[], f: (r: Row) => number) => rs.reduce((s, r) => s + f(r), 0);
    expect(statements.reduce((s, st) => s + st.own.fund_fen, 0), `fund of ${m.month}`).toBe(sum(inMonth, (r) => r.fund));
    expect(statements.reduce((s, st) => s + st.own.acct_fen, 0), `acct of ${m.month}`).toBe(sum(inMonth, (r) => r.acct));
    expect(statements.reduce((s, st) => s + st.own.medfee_fen, 0), `medfee of ${m.month}`).toBe(sum(inMonth, (r) => r.medfee));
    expect(statements.reduce((s, st) => s + st.own.settlements + st.own.reversals, 0), `rows of ${m.month}`).toBe(inMonth.length);
  }
}
