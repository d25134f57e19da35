import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLEARING_SETTINGS } from '../src/clearing/model.ts';
import * as clearing from '../src/clearing/service.ts';
import { balance } from '../src/ledger/service.ts';
import { CLASS_A, harbinEmployee, settleInput, settlementWorld, visitedAndBilled, type World } from './settlement-harness.ts';
import { agency, national } from './clearing-world.ts';

/** Settlements made by the settlement service through the HIS interface, cleared month by month. */
const person = harbinEmployee();
let w: World;

beforeAll(async () => {
  w = await settlementWorld([{ person, kind: 'long_term_resident' }]);
});
afterAll(async () => w?.close());

const settleAt = async (instant: string, amount: number) => {
  w.clock.set(instant);
  const v = await visitedAndBilled(w, person, [{ code: CLASS_A, pric: amount, cnt: 1, amount }]);
  return (await w.ok('2207', settleInput(v, person.psn_no, amount))).setlinfo as Record<string, any>;
};

const clear = (month: string, today: string) =>
  clearing.clearMonth(w.db, national, month, { today, now: new Date(`${today}T02:00:00Z`), settings: DEFAULT_CLEARING_SETTINGS });

describe('clearing the settlement service’s settlements', () => {
  it('puts a settlement at 23:59:59 on the last day in that month, one a second later in the next', async () => {
    const last = await settleAt('2026-11-30T15:59:59Z', 800);
    const next = await settleAt('2026-11-30T16:00:00Z', 600);
    const months = await w.db.query(`SELECT setl_id, setl_month FROM settlement ORDER BY setl_time`);
    expect(months.rows).toEqual([
      { setl_id: last.setl_id, setl_month: '2026-11' },
      { setl_id: next.setl_id, setl_month: '2026-12' },
    ]);

    const report = await clear('2026-11', '2026-12-01');
    expect(report).toMatchObject({ statements: 1, settlements: 1 });
    const [st] = await clearing.listStatements(w.db, national, { month: '2026-11' });
    const fen = (yuan: number) => Math.round(yuan * 100);
    expect(st).toMatchObject({ id: '2026-11-230000-440000', net_fen: fen(last.fund_pay_sumamt) + fen(last.acct_pay) });
    expect(st!.own.medfee_fen).toBe(80000);
  });

  it('sends a cancellation after the month closed into the next month, and clears both to nothing owed', async () => {
    w.clock.set('2026-12-02T02:00:00Z');
    const [nov] = await clearing.listStatements(w.db, national, { month: '2026-11' });
    const novLine = (await clearing.statementLines(w.db, national, nov!.id, {})).items[0]!;
    await w.ok('2208', { data: { setl_id: novLine.setl_id, psn_no: person.psn_no } });
    for (const side of ['insured', 'treatment'] as const) {
      await w.db.tx((tx) =>
        clearing.confirmStatement(tx, agency(side === 'insured' ? '230000' : '440000'), nov!.id, side, { today: '2026-12-02', now: new Date('2026-12-02T03:00:00Z') }),
      );
    }
    expect((await clearing.getMonth(w.db, national, '2026-11')).status).toBe('cleared');

    const dec = await clear('2026-12', '2027-01-04');
    expect(dec).toMatchObject({ statements: 1, settlements: 2 });
    const [st] = await clearing.listStatements(w.db, national, { month: '2026-12' });
    expect(st!.own).toMatchObject({ settlements: 1, reversals: 1, medfee_fen: 60000 - 80000 });
    await clear('2026-12', '2027-01-20');
    expect((await balance(w.db, national, 'claim:440000:230000')).balance_fen).toBe(0);
    expect(await w.ledgerTotal()).toBe(0);
  });

  it('answers a desk whose clock puts a settlement in a closed month with a business error, not a system error', async () => {
    w.clock.set('2026-12-31T08:00:00Z'); // a desk clock behind the platform's, which closed December already
    const v = await visitedAndBilled(w, person, [{ code: CLASS_A, pric: 100, cnt: 1, amount: 100 }]);
    const res = await w.send('2207', settleInput(v, person.psn_no, 100));
    expect(res.infcode).toBe(-2);
    expect(res.err_msg).toMatch(/month 2026-12 is closed for clearing/);
    expect(await w.ledgerTotal()).toBe(0);
  });
});
