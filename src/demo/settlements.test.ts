import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../test/support/db.ts';
import type { Principal } from '../auth/model.ts';
import { DEFAULT_CLEARING_SETTINGS } from '../clearing/model.ts';
import { clearMonth, getMonth } from '../clearing/service.ts';
import { DomainError } from '../core/errors.ts';
import type { Db } from '../db/pool.ts';
import { balances, trialBalance } from '../ledger/service.ts';
import { seedDemo } from './service.ts';
import { seedMoneyHistory } from './history.ts';
import { daySlots, generateSettlementMonth, type MonthReport } from './settlements.ts';

const operator: Principal = { kind: 'system', name: 'test' };
const N = 3000;

describe('a month of settlements in bulk', () => {
  let db: Db;
  let report: MonthReport;

  beforeAll(async () => {
    db = await testDb();
    await seedDemo(db, { seed: 3, persons: 600, institutions: 400, today: '2026-01-05' });
    report = await generateSettlementMonth(db, { seed: 5, month: '2026-02', settlements: N, batchSize: 1000, cancelBp: 300 });
  }, 180_000);
  afterAll(() => db?.close());

  it('writes every row asked for, each with its visit, cross-province, in the month', async () => {
    expect(report.settlements).toBe(N);
    expect(report.encounters).toBe(N);
    expect(report.cancellations).toBeGreaterThan(0);
    const r = await db.query<{ n: string; months: string; local: string; visits: string }>(
      `SELECT count(*) AS n, count(DISTINCT setl_month) AS months, count(*) FILTER (WHERE insuplc_province = mdtrtarea_province) AS local,
              count(DISTINCT mdtrt_id) AS visits
         FROM settlement WHERE kind = 'settle'`,
    );
    expect(r.rows[0]).toEqual({ n: String(N), months: '1', local: '0', visits: String(N) });
    const kinds = await db.query<{ med_kind: string }>('SELECT DISTINCT med_kind FROM settlement ORDER BY 1');
    expect(kinds.rows.map((k) => k.med_kind)).toEqual(['inpatient', 'outpatient']);
  });

  it('keeps the settlement identities and the ledger at zero, and a cancellation mirrors its settlement', async () => {
    // The CHECKs of 0008 enforce the identities on insert; these re-derive the ledger from the rows.
    const legs = await db.query<{ missing: string }>(
      `SELECT count(*) AS missing FROM settlement s
        WHERE s.kind = 'settle' AND s.fund_pay_sumamt_fen > 0
          AND NOT EXISTS (SELECT 1 FROM ledger_transfer t WHERE t.id = 'setl:' || s.setl_id || ':fund' AND t.amount_fen = s.fund_pay_sumamt_fen)`,
    );
    expect(legs.rows[0]!.missing).toBe('0');
    const cancels = await db.query<{ bad: string }>(
      `SELECT count(*) AS bad FROM settlement c JOIN settlement s ON s.setl_id = c.reverses
        WHERE c.kind = 'cancel' AND (c.medfee_sumamt_fen <> -s.medfee_sumamt_fen OR c.acct_pay_fen <> -s.acct_pay_fen OR c.setl_month <> s.setl_month)`,
    );
    expect(cancels.rows[0]!.bad).toBe('0');
    expect((await trialBalance(db, operator)).total_fen).toBe(0);
  });

  it('is the same for the same seed', async () => {
    const other = await testDb();
    try {
      await seedDemo(other, { seed: 3, persons: 600, institutions: 400, today: '2026-01-05' });
      await generateSettlementMonth(other, { seed: 5, month: '2026-02', settlements: 500, batchSize: 200, cancelBp: 300 });
      // The first 500 rows of a run depend on the seed and the nation only, not on how many follow.
      const first = `SELECT psn_no, fixmedins_code, setl_date::text, medfee_sumamt_fen, fund_pay_sumamt_fen FROM settlement WHERE kind = 'settle' ORDER BY substr(setl_id, 14)::bigint LIMIT 500`;
      expect((await other.query(first)).rows).toEqual((await db.query(first)).rows);
    } finally {
      await other.close();
    }
  }, 120_000);

  it('clears: statements hold every row, positions and the ledger sum to zero, claims are settled', async () => {
    const o = { now: new Date('2026-03-02T02:00:00Z'), settings: DEFAULT_CLEARING_SETTINGS };
    expect((await clearMonth(db, operator, '2026-02', { ...o, today: '2026-03-02' })).status).toBe('issued');
    const cleared = await clearMonth(db, operator, '2026-02', { ...o, today: '2026-03-31' });
    expect(cleared.status).toBe('cleared');
    expect(cleared.settlements).toBe(report.settlements + report.cancellations);
    const month = await getMonth(db, operator, '2026-02');
    expect(month.positions.reduce((n, p) => n + p.net_fen, 0)).toBe(0);
    expect((await trialBalance(db, operator)).total_fen).toBe(0);
    const claims = await balances(db, operator, { prefix: 'claim:', page_size: 500 });
    expect(claims.items.filter((c) => c.balance_fen !== 0)).toEqual([]);
  });

  it('refuses a closed month, naming it, and writes nothing', async () => {
    const before = await db.query<{ n: string }>('SELECT count(*) AS n FROM settlement');
    const err = await generateSettlementMonth(db, { seed: 5, month: '2026-02', settlements: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).issues[0]!.path).toBe('month');
    expect((await db.query<{ n: string }>('SELECT count(*) AS n FROM settlement')).rows[0]!.n).toBe(before.rows[0]!.n);
  });

  it('refuses bad options, naming each field', async () => {
    const err = await generateSettlementMonth(db, { seed: -1, month: '2026-13', settlements: 0 }).catch((e: unknown) => e);
    expect((err as DomainError).issues.map((i) => i.path).sort()).toEqual(['month', 'seed', 'settlements']);
  });
});

describe('daySlots', () => {
  it('gives every day of the month slots, weekdays more than weekends', () => {
    const slots = daySlots('2026-02');
    expect(slots).toHaveLength(1024);
    const count = (d: string) => slots.filter((s) => s === d).length;
    expect(new Set(slots).size).toBe(28);
    // 2026-02-02 is a Monday, 02-07 a Saturday, 02-08 a Sunday.
    expect(count('2026-02-02')).toBeGreaterThan(count('2026-02-07'));
    expect(count('2026-02-07')).toBeGreaterThan(count('2026-02-08'));
  });
});

describe('the demo nation’s money history', () => {
  it('settles the two months before today, clears the older from prepaid funds and issues the last', async () => {
    const db = await testDb();
    try {
      await seedDemo(db, { seed: 4, persons: 300, institutions: 300, today: '2026-11-23' });
      const history = await seedMoneyHistory(db, { seed: 4, today: '2026-11-23', settlementsPerMonth: 200, settings: DEFAULT_CLEARING_SETTINGS, now: new Date('2026-11-23T02:00:00Z') });
      expect(history).toEqual({ months: ['2026-09', '2026-10'], settlements: 400 });
      expect((await getMonth(db, operator, '2026-09')).status).toBe('cleared');
      expect((await getMonth(db, operator, '2026-10')).status).toBe('issued');
      const prepaid = await balances(db, operator, { prefix: 'prepaid:' });
      expect(prepaid.items.length).toBeGreaterThan(0);
      expect((await trialBalance(db, operator)).total_fen).toBe(0);
    } finally {
      await db.close();
    }
  }, 180_000);
});
