import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLEARING_SETTINGS } from '../src/clearing/model.ts';
import * as clearing from '../src/clearing/service.ts';
import { DomainError } from '../src/core/errors.ts';
import { fen } from '../src/core/money.ts';
import { balance, LEDGER, postTransfers } from '../src/ledger/service.ts';
import { agency, clearingWorld, expectInvariants, GUANGZHOU, HARBIN, HOSPITALS, NANJING, national, SHENZHEN, type ClearingWorld, type Row } from './clearing-world.ts';

const at = (s: string) => new Date(`${s.replace(' ', 'T')}+08:00`);

async function refusal(p: Promise<unknown>): Promise<DomainError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
}

const clearingTransfers = async (w: ClearingWorld) =>
  Number((await w.db.query<{ n: string }>(`SELECT count(*) AS n FROM ledger_transfer WHERE ref_kind = 'clearing'`)).rows[0]!.n);

describe('monthly clearing between provinces', () => {
  let w: ClearingWorld;
  const oct: Record<string, Row> = {};

  beforeAll(async () => {
    w = await clearingWorld();
    // Harbin's insured treated in Shenzhen and Nanjing, Nanjing's and Shenzhen's treated in Harbin and Shenzhen.
    oct.h2s = await w.settle({ insured: HARBIN, treatment: SHENZHEN, at: '2026-10-03 09:00:00', medfee: 300000, fund: 208000, acct: 5000 });
    oct.h2s2 = await w.settle({ insured: HARBIN, treatment: SHENZHEN, at: '2026-10-15 14:00:00', medfee: 50000, fund: 30000 });
    oct.lastSecond = await w.settle({ insured: HARBIN, treatment: SHENZHEN, at: '2026-10-31 23:59:59', medfee: 20000, fund: 12000, acct: 1000 });
    oct.s2h = await w.settle({ insured: SHENZHEN, treatment: HARBIN, at: '2026-10-20 10:00:00', medfee: 80000, fund: 60000 });
    oct.n2s = await w.settle({ insured: NANJING, treatment: SHENZHEN, at: '2026-10-21 10:00:00', medfee: 40000, fund: 25000, acct: 2000 });
    oct.h2n = await w.settle({ insured: HARBIN, treatment: NANJING, at: '2026-10-22 10:00:00', medfee: 10000, fund: 6000 });
    oct.cancelled = await w.settle({ insured: NANJING, treatment: HARBIN, at: '2026-10-05 10:00:00', medfee: 9000, fund: 5000 });
    await w.cancel(oct.cancelled, '2026-10-06 10:00:00');
    // Inside one province: not the national clearing.
    oct.local = await w.settle({ insured: GUANGZHOU, treatment: SHENZHEN, at: '2026-10-10 10:00:00', medfee: 70000, fund: 50000 });
    // The first second of November belongs to November.
    await w.settle({ insured: HARBIN, treatment: SHENZHEN, at: '2026-11-01 00:00:00', medfee: 7000, fund: 4000 });
  });
  afterAll(async () => w?.close());

  it('refuses a month that has not ended, a malformed month and a month out of order, writing nothing', async () => {
    const early = await refusal(w.clear('2026-11', '2026-11-30'));
    expect(early.code).toBe('business_rule');
    expect(early.issues[0]).toMatchObject({ path: 'month' });
    expect(early.message).toMatch(/has not ended yet/);
    const malformed = await refusal(w.clear('2026-13', '2026-11-30'));
    expect(malformed.code).toBe('validation');
    expect(malformed.issues[0]!.path).toBe('month');
    expect((await w.db.query('SELECT * FROM clearing_month')).rows).toEqual([]);
    const forbidden = await refusal(clearing.clearMonth(w.db, agency('440000'), '2026-10', { today: '2026-11-05', now: at('2026-11-05 10:00:00'), settings: DEFAULT_CLEARING_SETTINGS }));
    expect(forbidden.code).toBe('forbidden');
  });

  it('closes October and issues one statement per province pair, the last second of the month in it', async () => {
    const report = await w.clear('2026-10', '2026-11-05');
    expect(report).toMatchObject({ month: '2026-10', status: 'issued', since_month: null, statements: 5, awaiting: 5, deemed: 0, confirm_by: '2026-11-12' });
    expect(report.settlements).toBe(8);
    const statements = await clearing.listStatements(w.db, national, { month: '2026-10' });
    expect(statements.map((s) => [s.id, s.net_fen])).toEqual([
      ['2026-10-230000-320000', 6000],
      ['2026-10-230000-440000', 208000 + 5000 + 30000 + 12000 + 1000],
      ['2026-10-320000-230000', 0],
      ['2026-10-320000-440000', 27000],
      ['2026-10-440000-230000', 60000],
    ]);
    const h2s = statements[1]!;
    expect(h2s.own).toEqual({ settlements: 3, reversals: 0, medfee_fen: 370000, fund_fen: 250000, acct_fen: 6000 });
    const cancelled = statements[2]!;
    expect(cancelled.own).toMatchObject({ settlements: 1, reversals: 1, medfee_fen: 0, fund_fen: 0 });
    await expectInvariants(w);
  });

  it('gives the same statements when run again, and moves no money before confirmation', async () => {
    const again = await w.clear('2026-10', '2026-11-06');
    expect(again).toMatchObject({ status: 'issued', statements: 5, awaiting: 5 });
    expect(await clearingTransfers(w)).toBe(0);
  });

  it('refuses settlements and postings dated in the closed month; later ones belong to the open month', async () => {
    await expect(w.settle({ insured: HARBIN, treatment: SHENZHEN, at: '2026-10-31 18:00:00', medfee: 100, fund: 50 })).rejects.toThrow(/month 2026-10 is closed for clearing/);
    await expect(
      w.db.tx((tx) =>
        postTransfers(tx, LEDGER, [{ id: 'late:1', debit: 'fund:230100', credit: 'claim:440000:230000', amount_fen: fen(1), business_date: '2026-10-30', ref_kind: 'test', ref_id: 'late' }]),
      ),
    ).rejects.toThrow(/2026-10-30 is in a month closed for clearing/);
    expect((await w.db.query(`SELECT count(*)::int AS n FROM settlement WHERE setl_month = '2026-10'`)).rows[0].n).toBe(9);
  });

  it('lets only the side’s own province confirm or exclude, naming the field', async () => {
    const id = '2026-10-230000-440000';
    const other = await refusal(w.db.tx((tx) => clearing.confirmStatement(tx, agency('320000'), id, 'insured', { today: '2026-11-06', now: at('2026-11-06 10:00:00') })));
    expect(other.code).toBe('forbidden');
    expect(other.issues[0]!.path).toBe('side');
    const wrongSide = await refusal(w.db.tx((tx) => clearing.confirmStatement(tx, agency('230000'), id, 'treatment', { today: '2026-11-06', now: at('2026-11-06 10:00:00') })));
    expect(wrongSide.code).toBe('forbidden');
    const city = await refusal(w.db.tx((tx) => clearing.confirmStatement(tx, agency(HARBIN), id, 'insured', { today: '2026-11-06', now: at('2026-11-06 10:00:00') })));
    expect(city.code).toBe('forbidden');
    const notARow = await refusal(
      w.db.tx((tx) => clearing.excludeSettlement(tx, agency('440000', 'treatment_agency'), id, { setl_id: oct.s2h!.setl_id, side: 'treatment', reason: 'x' }, { now: at('2026-11-06 10:00:00') })),
    );
    expect(notARow.issues[0]!.path).toBe('setl_id');
    const noReason = await refusal(
      w.db.tx((tx) => clearing.excludeSettlement(tx, agency('440000', 'treatment_agency'), id, { setl_id: oct.h2s2!.setl_id, side: 'treatment', reason: ' ' }, { now: at('2026-11-06 10:00:00') })),
    );
    expect(noReason.issues.map((i) => i.path)).toEqual(['reason']);
    const unknown = await refusal(w.db.tx((tx) => clearing.confirmStatement(tx, national, '2026-10-110000-440000', 'insured', { today: '2026-11-06', now: at('2026-11-06 10:00:00') })));
    expect(unknown.code).toBe('not_found');
  });

  it('excludes a disputed settlement, withdrawing the other side’s confirmation, and clears the rest once all confirm', async () => {
    const id = '2026-10-230000-440000';
    const now = at('2026-11-06 10:00:00');
    await w.db.tx((tx) => clearing.confirmStatement(tx, agency('230000'), id, 'insured', { today: '2026-11-06', now }));
    const exclusion = await w.db.tx((tx) =>
      clearing.excludeSettlement(tx, agency('440000', 'treatment_agency'), id, { setl_id: oct.h2s2!.setl_id, side: 'treatment', reason: '病历不全，待核实' }, { now }),
    );
    expect(exclusion).toMatchObject({ setl_id: oct.h2s2!.setl_id, month: '2026-10', fund_fen: 30000, carried_to: null });
    const st = await clearing.getStatement(w.db, agency('440000'), id);
    expect(st.insured_confirmation).toBeNull();
    expect(st.excluded).toEqual({ rows: 1, medfee_fen: 50000, fund_fen: 30000, acct_fen: 0 });
    expect(st.net_fen).toBe(226000);
    expect(st.exclusions).toHaveLength(1);
    const twice = await refusal(
      w.db.tx((tx) => clearing.excludeSettlement(tx, agency('440000'), id, { setl_id: oct.h2s2!.setl_id, side: 'treatment', reason: 'again' }, { now })),
    );
    expect(twice.code).toBe('conflict');

    const lines = await clearing.statementLines(w.db, agency('230000'), id, { part: 'own', page_size: 2 });
    expect(lines.total).toBe(3);
    expect(lines.items).toHaveLength(2);
    const page2 = await clearing.statementLines(w.db, agency('230000'), id, { part: 'own', page: 2, page_size: 2 });
    expect([...lines.items, ...page2.items].find((l) => l.setl_id === oct.h2s2!.setl_id)!.excluded).toEqual({ side: 'treatment', reason: '病历不全，待核实' });
    const excluded = await clearing.statementLines(w.db, national, id, { part: 'excluded' });
    expect(excluded.items.map((l) => l.setl_id)).toEqual([oct.h2s2!.setl_id]);

    await w.confirmAll('2026-10', '2026-11-09');
    const view = await clearing.getMonth(w.db, national, '2026-10');
    expect(view).toMatchObject({ status: 'cleared', statements: 5, confirmed: 5 });
    expect(view.positions).toEqual([
      { province: '230000', receivable_fen: 60000, payable_fen: 226000 + 6000, net_fen: 60000 - 232000 },
      { province: '320000', receivable_fen: 6000, payable_fen: 27000, net_fen: -21000 },
      { province: '440000', receivable_fen: 226000 + 27000, payable_fen: 60000, net_fen: 193000 },
    ]);
    // Four statements with money, two transfers each; the zero one posts nothing.
    expect(await clearingTransfers(w)).toBe(8);
    // What is left on Shenzhen's claim on Harbin: the excluded row and November's.
    expect((await balance(w.db, national, 'claim:440000:230000')).balance_fen).toBe(30000 + 4000);
    expect((await balance(w.db, national, 'prepaid:230000')).balance_fen).toBe(-232000);
    expect((await balance(w.db, national, 'agency:440000')).balance_fen).toBe(253000);
    await expectInvariants(w);

    const late = await refusal(w.db.tx((tx) => clearing.confirmStatement(tx, agency('230000'), id, 'insured', { today: '2026-11-09', now })));
    expect(late.code).toBe('conflict');
    const again = await w.clear('2026-10', '2026-11-20');
    expect(again).toMatchObject({ status: 'cleared', awaiting: 0 });
    expect(await clearingTransfers(w)).toBe(8);
  });

  it('carries the excluded row and later reversals of cleared settlements into November', async () => {
    // Harbin's October settlement in Nanjing is cancelled after October was cleared.
    await w.cancel(oct.h2n!, '2026-11-10 09:00:00');
    await w.settle({ insured: SHENZHEN, treatment: NANJING, at: '2026-11-30 23:59:59', medfee: 3000, fund: 2000 });
    const report = await w.clear('2026-11', '2026-12-01');
    expect(report).toMatchObject({ since_month: '2026-10', statements: 3, awaiting: 3 });
    const statements = await clearing.listStatements(w.db, national, { month: '2026-11' });
    expect(statements.map((s) => [s.id, s.net_fen])).toEqual([
      ['2026-11-230000-320000', -6000],
      ['2026-11-230000-440000', 4000 + 30000],
      ['2026-11-440000-320000', 2000],
    ]);
    const h2s = statements[1]!;
    expect(h2s.carried).toEqual({ rows: 1, medfee_fen: 50000, fund_fen: 30000, acct_fen: 0 });
    const carried = await clearing.statementLines(w.db, national, h2s.id, { part: 'carried' });
    expect(carried.items[0]).toMatchObject({ setl_id: oct.h2s2!.setl_id, part: 'carried', carried_from: { month: '2026-10', reason: '病历不全，待核实' } });
    const reversal = statements[0]!;
    expect(reversal.own).toMatchObject({ settlements: 0, reversals: 1, fund_fen: -6000 });

    // Nobody confirms: after the deadline the operator's run deems them confirmed and clears.
    expect(report.confirm_by).toBe('2026-12-08');
    const cleared = await w.clear('2026-11', '2026-12-09');
    expect(cleared).toMatchObject({ status: 'cleared', deemed: 6, awaiting: 0 });
    const st = await clearing.getStatement(w.db, national, '2026-11-230000-320000');
    expect(st.insured_confirmation).toMatchObject({ deemed: true, by: 'national:nhsa' });
    // The negative statement ran back: Nanjing's agency returns 60 yuan to Harbin's prepaid funds.
    expect((await balance(w.db, national, 'claim:320000:230000')).balance_fen).toBe(0);
    expect((await balance(w.db, national, 'claim:440000:230000')).balance_fen).toBe(0);
    expect((await balance(w.db, national, 'agency:320000')).balance_fen).toBe(6000 - 6000 + 2000);
    await expectInvariants(w);
  });

  it('shows the dashboard figures and the month’s flows', async () => {
    const daily = await clearing.dailyFigures(w.db, national, { from: '2026-10-01', to: '2026-11-30' });
    const cross = w.rows.filter((r) => r.insured.slice(0, 2) !== r.treatment.slice(0, 2));
    expect(daily.items.reduce((s, d) => s + d.settlements + d.reversals, 0)).toBe(cross.length);
    expect(daily.items.reduce((s, d) => s + d.fund_fen, 0)).toBe(cross.reduce((s, r) => s + r.fund, 0));
    expect(daily.items.find((d) => d.date === '2026-10-31')).toMatchObject({ province: '440000', settlements: 1, fund_fen: 12000 });
    const all = await clearing.dailyFigures(w.db, national, { from: '2026-10-10', to: '2026-10-10', scope: 'all', side: 'insured' });
    expect(all.items).toEqual([{ date: '2026-10-10', province: '440000', settlements: 1, reversals: 0, medfee_fen: 70000, fund_fen: 50000, acct_fen: 0 }]);
    const mine = await clearing.dailyFigures(w.db, agency('320000'), { from: '2026-10-01', to: '2026-10-31', side: 'insured' });
    expect(new Set(mine.items.map((d) => d.province))).toEqual(new Set(['320000']));
    const range = await refusal(clearing.dailyFigures(w.db, national, { from: '2026-10-31', to: '2026-10-01' }));
    expect(range.issues[0]!.path).toBe('to');

    const flows = await clearing.monthFlows(w.db, national, '2026-10');
    expect(flows.source).toBe('statements');
    expect(flows.links).toContainEqual({ source: 'I:230000', target: 'T:440000', amount_fen: 226000, settlements: 2 });
    expect(flows.links.every((l) => l.amount_fen > 0)).toBe(true);
    expect(flows.nodes.find((n) => n.id === 'T:440000')).toMatchObject({ name_zh: '广东省', side: 'treatment' });
    const live = await clearing.monthFlows(w.db, national, '2026-12');
    expect(live).toMatchObject({ source: 'settlements', links: [] });
    expect((await refusal(clearing.monthFlows(w.db, agency('440000'), '2026-10'))).code).toBe('forbidden');
  });

  it('keeps prepaid funds: sized from last year, falling as settlements accrue, topped up and adjusted', async () => {
    const o = { today: '2027-01-04', now: at('2027-01-04 09:00:00'), settings: DEFAULT_CLEARING_SETTINGS };
    const sized = await w.db.tx((tx) => clearing.sizePrepaid(tx, national, 2027, o));
    // Harbin's 2026 cross-provincial payments, fund + account, cancellations netted.
    const harbinPaid = w.rows.filter((r) => r.insured === HARBIN && r.treatment.slice(0, 2) !== '23').reduce((s, r) => s + r.fund + r.acct, 0);
    const h = sized.find((s) => s.province === '230000')!;
    expect(h.target).toMatchObject({ base_fen: harbinPaid, months: 2, target_fen: Math.round((harbinPaid * 2) / 12) });
    expect(h.moved_fen).toBe(h.target.target_fen - h.before_fen);
    const again = await w.db.tx((tx) => clearing.sizePrepaid(tx, national, 2027, o));
    expect(again.every((s) => s.moved_fen === 0)).toBe(true);

    const before = (await clearing.prepaidLevels(w.db, national, { ...o, year: 2027 })).find((l) => l.province === '230000')!;
    expect(before).toMatchObject({ prepaid_fen: h.target.target_fen, uncleared_fen: 0, available_fen: h.target.target_fen, warning: false });
    await w.settle({ insured: HARBIN, treatment: SHENZHEN, at: '2027-01-04 10:00:00', medfee: 40000, fund: 30000 });
    const after = (await clearing.prepaidLevels(w.db, national, { ...o, year: 2027 })).find((l) => l.province === '230000')!;
    expect(after.uncleared_fen).toBe(30000);
    expect(after.available_fen).toBe(h.target.target_fen - 30000);
    expect(after.threshold_fen).toBe(Math.round(h.target.target_fen / 2));
    expect(after.warning).toBe(true);
    expect(after.suggested_topup_fen).toBe(30000);

    const topUp = await w.db.tx((tx) => clearing.topUpPrepaid(tx, national, { province: '230000', amount_fen: 30000, key: 'jan-topup' }, o));
    expect(topUp).toMatchObject({ transfer_id: 'prepaid:230000:topup:jan-topup', kind: 'topup', amount_fen: 30000 });
    await w.db.tx((tx) => clearing.topUpPrepaid(tx, national, { province: '230000', amount_fen: 30000, key: 'jan-topup' }, o));
    const adjusted = await w.db.tx((tx) => clearing.adjustPrepaid(tx, national, { province: '230000', amount_fen: -100, reason: '年度核定差额' }, o));
    expect(adjusted.amount_fen).toBe(-100);
    const level = (await clearing.prepaidLevels(w.db, agency('230000'), { ...o, year: 2027 }))!;
    expect(level).toHaveLength(1);
    expect(level[0]).toMatchObject({ province: '230000', prepaid_fen: h.target.target_fen + 30000 - 100, warning: false });
    const movements = await clearing.prepaidMovements(w.db, national, '230000');
    expect(movements.map((m) => [m.kind, m.amount_fen])).toEqual([
      ['size', h.moved_fen],
      ['topup', 30000],
      ['adjust', -100],
    ]);
    const bad = await refusal(w.db.tx((tx) => clearing.topUpPrepaid(tx, national, { province: '23', amount_fen: -5 }, o)));
    expect(bad.issues.map((i) => i.path)).toEqual(['province', 'amount_fen']);
    const noReason = await refusal(w.db.tx((tx) => clearing.adjustPrepaid(tx, national, { province: '230000', amount_fen: 5 }, o)));
    expect(noReason.issues.map((i) => i.path)).toEqual(['reason']);
    expect((await refusal(w.db.tx((tx) => clearing.topUpPrepaid(tx, agency('230000'), { province: '230000', amount_fen: 5 }, o)))).code).toBe('forbidden');
    await expectInvariants(w);
  });

  it('tells a treatment-place agency what it owes its institutions and records its payments', async () => {
    const sz = agency(SHENZHEN, 'treatment_agency');
    const o = { today: '2027-01-05', now: at('2027-01-05 09:00:00') };
    const oct2 = await clearing.payables(w.db, sz, { area: SHENZHEN, month: '2026-10' });
    const hospital = HOSPITALS[SHENZHEN]!;
    // Every October settlement treated in Shenzhen, from any insured place (Guangzhou's too), fund + account.
    const owedOct = w.rows.filter((r) => r.treatment === SHENZHEN && r.setl_month === '2026-10').reduce((s, r) => s + r.fund + r.acct, 0);
    expect(oct2.items).toEqual([expect.objectContaining({ institution: hospital, owed_at_month_end_fen: owedOct, paid_since_fen: 0, due_fen: owedOct })]);
    const paid = await w.db.tx((tx) => clearing.payInstitution(tx, sz, { institution: hospital, month: '2026-10', amount_fen: 100000, key: 'oct-1' }, o));
    expect(paid).toMatchObject({ institution: hospital, amount_fen: 100000, month: '2026-10' });
    await w.db.tx((tx) => clearing.payInstitution(tx, sz, { institution: hospital, month: '2026-10', amount_fen: 100000, key: 'oct-1' }, o));
    const afterPay = await clearing.payables(w.db, sz, { area: SHENZHEN, month: '2026-10' });
    expect(afterPay.items[0]).toMatchObject({ paid_since_fen: 100000, due_fen: owedOct - 100000 });
    expect((await balance(w.db, national, `cash:${SHENZHEN}:${hospital}`)).balance_fen).toBe(100000);
    const tooMuch = await refusal(w.db.tx((tx) => clearing.payInstitution(tx, sz, { institution: hospital, month: '2026-10', amount_fen: 999999999 }, o)));
    expect(tooMuch.issues[0]!.path).toBe('amount_fen');
    const notMine = await refusal(w.db.tx((tx) => clearing.payInstitution(tx, agency(NANJING, 'treatment_agency'), { institution: hospital, month: '2026-10', amount_fen: 1 }, o)));
    expect(notMine.code).toBe('forbidden');
    const unknown = await refusal(w.db.tx((tx) => clearing.payInstitution(tx, sz, { institution: 'H44030099999', month: '2026-10', amount_fen: 1 }, o)));
    expect(unknown.issues[0]!.path).toBe('institution');
    expect(await clearing.listPayments(w.db, sz, { area: SHENZHEN })).toHaveLength(1);
    await expectInvariants(w);
  });
});

describe('a clearing run interrupted or raced', () => {
  let w: ClearingWorld;
  beforeAll(async () => {
    w = await clearingWorld();
    for (let i = 0; i < 6; i++) {
      await w.settle({ insured: HARBIN, treatment: i % 2 ? SHENZHEN : NANJING, at: `2026-10-${String(10 + i).padStart(2, '0')} 10:00:00`, medfee: 10000 + i, fund: 6000 + i, acct: i });
      await w.settle({ insured: SHENZHEN, treatment: i % 2 ? HARBIN : NANJING, at: `2026-10-${String(10 + i).padStart(2, '0')} 11:00:00`, medfee: 20000 + i, fund: 9000 + i });
    }
  });
  afterAll(async () => w?.close());

  it('resumes after a crash in any phase with the same statements, moving money once', async () => {
    const crashAt = (phase: string, afterWork: boolean) => (p: string, done: number) => {
      if (p === phase && (afterWork ? done > 0 : done === 0)) throw new Error(`crash in ${phase}`);
    };
    await expect(w.clear('2026-10', '2026-11-02', { onProgress: crashAt('reconciling', false) })).rejects.toThrow(/crash in reconciling/);
    expect((await w.db.query(`SELECT status FROM clearing_month`)).rows).toEqual([{ status: 'closed' }]);
    expect((await w.db.query(`SELECT count(*)::int AS n FROM clearing_statement`)).rows[0].n).toBe(0);

    const first = await w.clear('2026-10', '2026-11-02');
    const before = await clearing.listStatements(w.db, national, { month: '2026-10' });
    expect(first).toMatchObject({ status: 'issued', statements: 4 });

    // After the deadline, the run deems and posts; it crashes with the transfers written, which roll back.
    await expect(w.clear('2026-10', '2026-11-20', { onProgress: crashAt('posting', true) })).rejects.toThrow(/crash in posting/);
    expect(await w.db.query(`SELECT count(*)::int AS n FROM ledger_transfer WHERE ref_kind = 'clearing'`).then((r) => r.rows[0].n)).toBe(0);
    const done = await w.clear('2026-10', '2026-11-20');
    expect(done).toMatchObject({ status: 'cleared', deemed: 8 });
    const after = await clearing.listStatements(w.db, national, { month: '2026-10' });
    expect(after.map((s) => [s.id, s.own, s.net_fen])).toEqual(before.map((s) => [s.id, s.own, s.net_fen]));
    expect(await w.db.query(`SELECT count(*)::int AS n FROM ledger_transfer WHERE ref_kind = 'clearing'`).then((r) => r.rows[0].n)).toBe(8);
    await w.clear('2026-10', '2026-11-21');
    expect(await w.db.query(`SELECT count(*)::int AS n FROM ledger_transfer WHERE ref_kind = 'clearing'`).then((r) => r.rows[0].n)).toBe(8);
    for (const claim of ['claim:440000:230000', 'claim:320000:230000', 'claim:230000:440000', 'claim:320000:440000']) {
      expect((await balance(w.db, national, claim)).balance_fen, claim).toBe(0);
    }
    await expectInvariants(w);
  });

  it('loses no settlement written while the next month is being closed', async () => {
    const writes = Array.from({ length: 12 }, (_, i) =>
      w.settle({ insured: i % 2 ? HARBIN : NANJING, treatment: SHENZHEN, at: `2026-12-01 00:00:${String(i).padStart(2, '0')}`, medfee: 1000 + i, fund: 500 + i }),
    );
    const [report] = await Promise.all([w.clear('2026-11', '2026-12-01'), ...writes]);
    expect(report).toMatchObject({ month: '2026-11', statements: 0 });
    expect((await w.db.query(`SELECT count(*)::int AS n FROM settlement WHERE setl_month = '2026-12'`)).rows[0].n).toBe(12);
    const dec = await w.clear('2026-12', '2027-01-04');
    expect(dec).toMatchObject({ settlements: 12, statements: 2 });
    await expectInvariants(w);
  });
});
