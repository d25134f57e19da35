import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLEARING_SETTINGS } from '../src/clearing/model.ts';
import * as clearing from '../src/clearing/service.ts';
import type { App } from '../src/http/types.ts';
import { routes } from '../src/reconciliation/routes.ts';
import { agency, national } from './clearing-world.ts';
import { routeTestApp } from './support/route-app.ts';
import {
  admittedAndBilled,
  CLASS_A,
  harbinEmployee,
  HOSPITAL,
  OTHER_HOSPITAL,
  settleInput,
  settlementWorld,
  SHENZHEN,
  visitedAndBilled,
  WORKED_EXAMPLE,
  type World,
} from './settlement-harness.ts';

/**
 * The hospital's clearing application (3203) and its cancel (3204), and the
 * hospital's exclusions (3261) flowing into the monthly clearing. On
 * 2026-11-23 the hospital settles three stays of Harbin employees (C then
 * cancelled, E later excluded by the hospital) and an outpatient visit.
 */

const persons = { a: harbinEmployee(), c: harbinEmployee(), e: harbinEmployee(), b: harbinEmployee() };
interface Row {
  setl_id: string;
  medfee_sumamt: number;
  fund_pay_sumamt: number;
  acct_pay: number;
  psn_cash_pay: number;
}
let w: World;
let api: App;
let A: Row;
let B: Row;
let C: Row;
let E: Row;
/** the first inpatient application */
let first: string;

const rowOf = (s: Record<string, any>): Row => ({
  setl_id: s.setl_id,
  medfee_sumamt: s.medfee_sumamt,
  fund_pay_sumamt: s.fund_pay_sumamt,
  acct_pay: s.acct_pay,
  psn_cash_pay: s.psn_cash_pay,
});
const fen = (y: number) => Math.round(y * 100);
const count = async (table: string) => Number((await w.db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
const shenzhenAgency = agency(SHENZHEN, 'treatment_agency');

async function stay(person: typeof persons.a): Promise<Row> {
  const mdtrt = await admittedAndBilled(w, person, WORKED_EXAMPLE);
  return rowOf((await w.ok('2304', settleInput(mdtrt, person.psn_no, 30000, { acct_used_flag: '1' }))).setlinfo);
}

/** A's figures: C and its cancellation cancel out, E is excluded by the hospital. */
const inpatient = () => ({
  clr_type: '21',
  clr_way: '1',
  setlym: '202611',
  psntime: 1,
  medfee_sumamt: A.medfee_sumamt,
  med_sumfee: A.medfee_sumamt,
  fund_appy_sum: A.fund_pay_sumamt,
  cash_payamt: A.psn_cash_pay,
  acct_pay: A.acct_pay,
  begndate: '2026-11-01',
  enddate: '2026-11-30',
});

beforeAll(async () => {
  w = await settlementWorld(Object.values(persons).map((person) => ({ person, kind: 'long_term_resident' as const })));
  A = await stay(persons.a);
  C = await stay(persons.c);
  const cMdtrt = (await w.db.query('SELECT mdtrt_id FROM settlement WHERE setl_id = $1', [C.setl_id])).rows[0].mdtrt_id;
  await w.ok('2305', { data: { setl_id: C.setl_id, mdtrt_id: cMdtrt, psn_no: persons.c.psn_no } });
  E = await stay(persons.e);
  const visit = await visitedAndBilled(w, persons.b, [{ code: CLASS_A, pric: 300, cnt: 1, amount: 300 }]);
  B = rowOf((await w.ok('2207', settleInput(visit, persons.b.psn_no, 300))).setlinfo);
  api = await routeTestApp(w.db, routes, { shenzhen: shenzhenAgency, harbin: agency('230000'), national }, '2026-12-02T02:00:00Z');
});
afterAll(async () => {
  await api?.close();
  await w?.close();
});

describe('3203 clearing application', () => {
  it('is refused before the month has ended', async () => {
    const res = await w.send('3203', { data: inpatient() });
    expect(res.infcode).toBe(-2);
    expect(res.err_msg).toContain('2026-11 has not ended');
    w.clock.set('2026-12-02T02:00:00Z');
    // The hospital excludes E from November's clearing before applying.
    await w.ok('3261', { data: { trt_year: '2026', trt_month: '11' }, detail: [{ setl_id: E.setl_id, cnfm_flag: '0', memo: '病历待补' }] });
  });

  it('names each figure that differs from the platform with both values, recording nothing', async () => {
    const withE = {
      ...inpatient(),
      psntime: 2,
      medfee_sumamt: A.medfee_sumamt + E.medfee_sumamt,
      fund_appy_sum: (fen(A.fund_pay_sumamt) + fen(E.fund_pay_sumamt)) / 100,
    };
    const res = await w.send('3203', { data: withE });
    expect(res.infcode).toBe(-2);
    expect(res.err_msg).toContain('2026-11 clr_type 21 does not match the platform (yours vs ours)');
    expect(res.err_msg).toContain('psntime 2 vs 1');
    expect(res.err_msg).toContain(`medfee_sumamt ${(A.medfee_sumamt + E.medfee_sumamt).toFixed(2)} vs ${A.medfee_sumamt.toFixed(2)}`);
    expect(res.err_msg).toContain(`fund_appy_sum ${withE.fund_appy_sum.toFixed(2)} vs ${A.fund_pay_sumamt.toFixed(2)}`);
    expect(res.err_msg).not.toContain('acct_pay');
    expect(res.err_msg.length).toBeLessThanOrEqual(200);
    expect(await count('hospital_clearing_application')).toBe(0);
  });

  it('refuses a bad month, clearing type or period naming the field', async () => {
    const month = await w.send('3203', { data: { ...inpatient(), setlym: '2026113' } });
    expect(month.err_msg).toContain('input.data.setlym must be a month written yyyyMM');
    const type = await w.send('3203', { data: { ...inpatient(), clr_type: '31' } });
    expect(type.err_msg).toContain('input.data.clr_type must be 11 (outpatient)');
    const period = await w.send('3203', { data: { ...inpatient(), enddate: '2026-11-29' } });
    expect(period.err_msg).toContain('input.data.enddate must be 2026-11-30');
    expect(await count('hospital_clearing_application')).toBe(0);
  });

  it('records an application whose figures are the platform’s, idempotent by msgid', async () => {
    const msgid = w.msgid();
    const res = await w.send('3203', { data: inpatient() }, { msgid });
    expect(res.err_msg).toBe('');
    first = res.output.result.clr_appy_evt_id;
    expect(first).toMatch(/^CA20261202\d{10}$/);
    const again = await w.send('3203', { data: inpatient() }, { msgid });
    expect(again.output).toEqual(res.output);
    expect(again.warn_msg).toContain('nothing was done twice');
    expect(await count('hospital_clearing_application')).toBe(1);

    const outpatient = await w.ok('3203', {
      data: { clr_type: '11', clr_way: '1', setlym: 202611, psntime: '1', medfee_sumamt: B.medfee_sumamt, med_sumfee: B.medfee_sumamt, fund_appy_sum: B.fund_pay_sumamt, cash_payamt: B.psn_cash_pay, acct_pay: B.acct_pay },
    });
    expect(outpatient.result.clr_appy_evt_id).not.toBe(first);
  });

  it('refuses a second live application of the month and clearing type, naming the first', async () => {
    const res = await w.send('3203', { data: inpatient() });
    expect(res.infcode).toBe(-2);
    expect(res.err_msg).toContain(`clearing of 2026-11 clr_type 21 was applied for already: clr_appy_evt_id ${first}`);
    expect(await count('hospital_clearing_application')).toBe(2);
  });

  it('keeps the exclusions an application stands on while it is live', async () => {
    const include = await w.send('3261', { data: { trt_year: '2026', trt_month: '11' }, detail: [{ setl_id: E.setl_id, cnfm_flag: '1' }] });
    expect(include.infcode).toBe(-2);
    expect(include.err_msg).toContain(`clearing application ${first} (2026-11, clr_type 21) stands on the exclusions in force`);
    const rollback = await w.send('3262', { data: { trt_year: '2026', trt_month: '11' } });
    expect(rollback.err_msg).toContain(`clearing application ${first}`);
    // Confirming another row without changing any exclusion is fine.
    await w.ok('3261', { data: { trt_year: '2026', trt_month: '11' }, detail: [{ setl_id: A.setl_id, cnfm_flag: '1' }] });
  });

  it('shows the treatment agency which institutions applied, for what amounts', async () => {
    const res = await api.inject({ url: '/api/clearing/applications?area=440300&month=2026-11', headers: { 'x-test-as': 'shenzhen' } });
    expect(res.statusCode).toBe(200);
    const items = res.json().items;
    expect(items).toHaveLength(2);
    expect(items.find((a: any) => a.clr_appy_evt_id === first)).toMatchObject({
      fixmedins_code: HOSPITAL,
      name: '深圳市第二人民医院',
      setlym: '2026-11',
      clr_type: '21',
      psntime: 1,
      medfee_sumamt_fen: fen(A.medfee_sumamt),
      fund_appy_sum_fen: fen(A.fund_pay_sumamt),
      acct_pay_fen: fen(A.acct_pay),
      cash_payamt_fen: fen(A.psn_cash_pay),
      excluded_cnt: 1,
      status: 'live',
      cancelled_at: null,
    });
    const province = await api.inject({ url: '/api/clearing/applications?area=440000', headers: { 'x-test-as': 'national' } });
    expect(province.json().items).toHaveLength(2);
    expect((await api.inject({ url: '/api/clearing/applications?area=440300', headers: { 'x-test-as': 'harbin' } })).statusCode).toBe(403);
    const bad = await api.inject({ url: '/api/clearing/applications?area=4403&month=2026-13', headers: { 'x-test-as': 'shenzhen' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path)).toEqual(['area', 'month']);
  });
});

describe('3204 cancel', () => {
  it('cancels by an event, after which the institution may apply again', async () => {
    const out = await w.ok('3204', { data: { clr_appy_evt_id: first } });
    expect(out.result).toEqual({ clr_appy_evt_id: first, setlym: '202611', clr_type: '21' });
    const twice = await w.send('3204', { data: { clr_appy_evt_id: first } });
    expect(twice.err_msg).toContain(`clearing application ${first} was cancelled already`);
    const theirs = await w.send('3204', { data: { clr_appy_evt_id: first } }, { code: OTHER_HOSPITAL });
    expect(theirs.err_msg).toContain(`is not a clearing application of institution ${OTHER_HOSPITAL}`);
    const listed = (await api.inject({ url: '/api/clearing/applications?area=440300&month=2026-11', headers: { 'x-test-as': 'shenzhen' } })).json().items;
    expect(listed.find((a: any) => a.clr_appy_evt_id === first)).toMatchObject({ status: 'cancelled', cancelled_at: '2026-12-02T02:00:00.000Z' });
    await expect(w.db.query('DELETE FROM hospital_clearing_application_cancel')).rejects.toThrow(/append-only/);

    const again = await w.ok('3203', { data: inpatient() });
    expect(again.result.clr_appy_evt_id).not.toBe(first);
  });

  it('is refused once the treatment agency has paid the institution for the month', async () => {
    const live = (await w.db.query(`SELECT clr_appy_evt_id FROM hospital_clearing_application WHERE clr_type = '21' AND clr_appy_evt_id <> $1`, [first])).rows[0].clr_appy_evt_id;
    await w.db.tx((tx) =>
      clearing.payInstitution(tx, shenzhenAgency, { institution: HOSPITAL, month: '2026-11', amount_fen: 10000, key: 'nov-1' }, { today: '2026-12-02', now: new Date('2026-12-02T03:00:00Z') }),
    );
    const res = await w.send('3204', { data: { clr_appy_evt_id: live } });
    expect(res.infcode).toBe(-2);
    expect(res.err_msg).toContain(`the treatment agency has paid ${HOSPITAL} for 2026-11 already (1 payment, 100.00 yuan)`);
    expect(await count('hospital_clearing_application_cancel')).toBe(1);
  });
});

describe('hospital exclusions in the monthly clearing', () => {
  const id = '2026-11-230000-440000';
  const clear = (month: string, today: string) =>
    clearing.clearMonth(w.db, national, month, { today, now: new Date(`${today}T02:00:00Z`), settings: DEFAULT_CLEARING_SETTINGS });

  it('leaves a settlement the hospital excluded out of the month, with the hospital’s reason', async () => {
    await clear('2026-11', '2026-12-03');
    const st = await clearing.getStatement(w.db, national, id);
    const claim = (r: Row) => fen(r.fund_pay_sumamt) + fen(r.acct_pay);
    expect(st.own.settlements + st.own.reversals).toBe(5);
    expect(st.excluded).toMatchObject({ rows: 1, medfee_fen: fen(E.medfee_sumamt), fund_fen: fen(E.fund_pay_sumamt) });
    expect(st.net_fen).toBe(claim(A) + claim(B));
    const lines = await clearing.statementLines(w.db, national, id, { part: 'excluded' });
    expect(lines.items).toHaveLength(1);
    expect(lines.items[0]).toMatchObject({ setl_id: E.setl_id, part: 'excluded', excluded: { side: 'treatment', reason: `hospital ${HOSPITAL}: 病历待补` } });
    expect(st.exclusions[0]).toMatchObject({ excluded_by: `institution:${HOSPITAL}`, carried_to: null });
  });

  it('refuses 3261 and 3262 once the month is closed for clearing', async () => {
    const before = await count('hospital_clearing_event');
    const confirm = await w.send('3261', { data: { trt_year: '2026', trt_month: '11' }, detail: [{ setl_id: B.setl_id, cnfm_flag: '1' }] });
    expect(confirm.infcode).toBe(-2);
    expect(confirm.err_msg).toContain('2026-11 is closed for clearing');
    expect(confirm.err_msg).toContain('through the treatment agency');
    const rollback = await w.send('3262', { data: { trt_year: '2026', trt_month: '11' } });
    expect(rollback.err_msg).toContain('2026-11 is closed for clearing');
    // October was taken by November's clearing, the first.
    const october = await w.send('3262', { data: { trt_year: '2026', trt_month: '10' } });
    expect(october.err_msg).toContain('2026-10 is closed for clearing with 2026-11');
    expect(await count('hospital_clearing_event')).toBe(before);
    expect(await clearing.monthStatus(w.db, '2026-12')).toEqual({ month: '2026-12', status: 'open', cleared_with: null });
  });

  it('carries the excluded settlement into the next month, its reason shown', async () => {
    for (const side of ['insured', 'treatment'] as const) {
      await w.db.tx((tx) => clearing.confirmStatement(tx, agency(side === 'insured' ? '230000' : '440000'), id, side, { today: '2026-12-03', now: new Date('2026-12-03T03:00:00Z') }));
    }
    await clear('2026-12', '2027-01-04');
    const dec = await clearing.getStatement(w.db, national, '2026-12-230000-440000');
    expect(dec.carried).toMatchObject({ rows: 1, fund_fen: fen(E.fund_pay_sumamt) });
    const carried = await clearing.statementLines(w.db, national, dec.id, { part: 'carried' });
    expect(carried.items[0]).toMatchObject({ setl_id: E.setl_id, carried_from: { month: '2026-11', reason: `hospital ${HOSPITAL}: 病历待补` }, excluded: null });
    expect(await w.ledgerTotal()).toBe(0);
  });
});
