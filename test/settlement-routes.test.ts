import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../src/auth/model.ts';
import type { App } from '../src/http/types.ts';
import { routes } from '../src/settlement/routes.ts';
import { admittedAndBilled, harbinEmployee, HOSPITAL, settleInput, settlementWorld, WORKED_EXAMPLE, type World } from './settlement-harness.ts';
import { personActor } from './support/fixtures.ts';
import { routeTestApp } from './support/route-app.ts';

const patient = harbinEmployee();
const neighbour = harbinEmployee();

let w: World;
let app: App;
let setlId: string;
let cancelId: string;

const principals: Record<string, Principal> = {
  patient: personActor(patient),
  neighbour: personActor(neighbour),
  harbin: { kind: 'insured_agency', userId: 1, username: 'hrb', region: '230100' },
  heilongjiang: { kind: 'insured_agency', userId: 2, username: 'hlj', region: '230000' },
  shenyang: { kind: 'insured_agency', userId: 3, username: 'sy', region: '210100' },
  guangdong: { kind: 'treatment_agency', userId: 4, username: 'gd', region: '440000' },
  guangzhou: { kind: 'treatment_agency', userId: 5, username: 'gz', region: '440100' },
  national: { kind: 'national', userId: 6, username: 'nhsa' },
  hospital: { kind: 'institution', code: HOSPITAL, admdvs: '440300' },
  pharmacy: { kind: 'institution', code: 'P44030000011', admdvs: '440300' },
};
const get = async (url: string, who?: string) => app.inject({ url, ...(who ? { headers: { 'x-test-as': who } } : {}) });

beforeAll(async () => {
  w = await settlementWorld([
    { person: patient, kind: 'long_term_resident' },
    { person: neighbour, kind: 'long_term_resident' },
  ]);
  const id = await admittedAndBilled(w, patient, WORKED_EXAMPLE);
  setlId = (await w.ok('2304', settleInput(id, patient.psn_no, 30000))).setlinfo.setl_id;
  cancelId = (await w.ok('2305', { data: { mdtrt_id: id, setl_id: setlId, psn_no: patient.psn_no } })).setlinfo.setl_id;
  await w.ok('2304', settleInput(id, patient.psn_no, 30000, { acct_used_flag: '1' }));
  app = await routeTestApp(w.db, routes, principals);
});
afterAll(async () => {
  await app?.close();
  await w?.close();
});

describe('a person sees their settlement slips', () => {
  it('lists their settlements newest first with the breakdown and the calculation in words', async () => {
    const res = await get(`/api/persons/${patient.psn_no}/settlements`, 'patient');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toBe(3);
    expect(body.items.map((s: { kind: string; live: boolean }) => [s.kind, s.live])).toEqual([
      ['settle', true],
      ['cancel', false],
      ['settle', false],
    ]);
    const slip = body.items[0];
    expect(slip).toMatchObject({
      psn_no: patient.psn_no,
      certno: patient.certno,
      amounts: { medfee_sumamt: 3000000, act_pay_dedc: 120000, hifp_pay: 2080000, psn_part_amt: 920000, acct_pay: 500000, psn_cash_pay: 420000, balc: 0 },
      terms: { level: 3, med_kind: 'inpatient', filing_kind: 'long_term_resident', reduction_bp: 0, admission_ordinal: 1, cap_group: 'pooled' },
      year_totals_after: { deductible_paid_fen: 120000, pooled_paid_fen: 2080000 },
    });
    expect(slip.explanation.map((l: { en: string }) => l.en)).toEqual([
      expect.stringMatching(/^Total 30000\.00 yuan/),
      expect.stringMatching(/^Deductible 1200\.00 yuan \(first admission/),
      expect.stringMatching(/^Pooled fund 80% × 26000\.00 = 20800\.00 yuan/),
      expect.stringMatching(/^Personal share 9200\.00 yuan: 5000\.00 from the personal account/),
    ]);
    expect(body.items[1]).toMatchObject({ setl_id: cancelId, reverses: setlId, amounts: { hifp_pay: -2080000 } });
  });

  it("refuses another person's slips and an unsigned reader", async () => {
    expect((await get(`/api/persons/${patient.psn_no}/settlements`, 'neighbour')).statusCode).toBe(403);
    expect((await get(`/api/persons/${patient.psn_no}/settlements`)).statusCode).toBe(401);
    expect((await get(`/api/settlements/${setlId}`, 'neighbour')).statusCode).toBe(403);
  });

  it('reads one settlement by its id', async () => {
    const res = await get(`/api/settlements/${cancelId}`, 'patient');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ setl_id: cancelId, kind: 'cancel', reverses: setlId, origin_setl_id: setlId });
    expect((await get('/api/settlements/A4403002611239999999999', 'national')).statusCode).toBe(404);
  });
});

describe('agencies see their own region', () => {
  const ids = async (url: string, who: string) => {
    const res = await get(url, who);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items.length as number;
  };

  it('shows the insured place its insured persons, the treatment place its area, the institution its own', async () => {
    expect(await ids('/api/settlements', 'harbin')).toBe(3);
    expect(await ids('/api/settlements', 'heilongjiang')).toBe(3);
    expect(await ids('/api/settlements', 'shenyang')).toBe(0);
    expect(await ids('/api/settlements', 'guangdong')).toBe(3);
    expect(await ids('/api/settlements', 'guangzhou')).toBe(0);
    expect(await ids('/api/settlements', 'national')).toBe(3);
    expect(await ids('/api/settlements', 'hospital')).toBe(3);
    expect(await ids('/api/settlements', 'pharmacy')).toBe(0);
    expect(await ids(`/api/settlements?month=2026-11&mdtrtarea_admvs=440000`, 'national')).toBe(3);
    expect(await ids(`/api/settlements?month=2026-10`, 'national')).toBe(0);
  });

  it('masks the ID number for the treatment place and shows it to the insured place', async () => {
    const gd = (await get(`/api/settlements/${setlId}`, 'guangdong')).json();
    expect(gd.certno).not.toBe(patient.certno);
    expect(gd.certno).toMatch(/\*/);
    expect((await get(`/api/settlements/${setlId}`, 'harbin')).json().certno).toBe(patient.certno);
    expect((await get(`/api/settlements/${setlId}`, 'shenyang')).statusCode).toBe(403);
  });

  it('names a bad filter', async () => {
    const res = await get('/api/settlements?month=2026-13', 'national');
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toMatch(/month/);
  });
});
