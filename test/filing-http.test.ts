import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { createPersonLogin, createStaffUser } from '../src/auth/service.ts';
import { loadConfig } from '../src/config.ts';
import { fixedClock } from '../src/core/clock.ts';
import type { Db } from '../src/db/pool.ts';
import type { App } from '../src/http/types.ts';
import { importInstitutions } from '../src/institutions/service.ts';
import { testDb } from './support/db.ts';
import { addPersons, personOf, seedPlaces, system } from './support/fixtures.ts';

const HARBIN = '230100';
const SHENZHEN = '440300';
const GUANGZHOU = '440100';
let db: Db;
let app: App;
const person = personOf(HARBIN, { name: '王秀英' });
const password = 'a long enough password';

beforeAll(async () => {
  db = await testDb();
  await db.tx(async (tx) => {
    await seedPlaces(tx, [HARBIN, SHENZHEN, GUANGZHOU], { review_filing_kinds: [], long_term_min_months: 0 });
    await addPersons(tx, [person]);
    await createPersonLogin(tx, system, { psn_no: person.psn_no, username: person.certno, password, display_name: person.name, insuplc_admdvs: HARBIN });
    await createStaffUser(tx, system, { username: 'hrb.agency', password, role: 'insured_agency', region: HARBIN, display_name: '哈尔滨市医保局' });
    const inst = (code: string, admdvs: string, name: string) => ({
      code, name, admdvs, kind: 'hospital' as const, level: 3 as const, services: ['inpatient' as const, 'outpatient' as const],
      chronic_diseases: [], status: 'active' as const, address: null, phone: null,
    });
    await importInstitutions(tx, system, { institutions: [inst('H44030000001', SHENZHEN, '深圳市人民医院'), inst('H44010000001', GUANGZHOU, '广州市第一人民医院')] });
  });
  app = await buildApp({ db, clock: fixedClock('2026-11-23T02:00:00Z'), config: loadConfig({}) }, { logger: false, webDir: null });
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});

async function signIn(username: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/session', payload: { username, password } });
  expect(res.statusCode).toBe(200);
  const set = res.headers['set-cookie'];
  return String(Array.isArray(set) ? set[0] : set).split(';')[0]!;
}

const filingBody = { psn_no: person.psn_no, insutype: '310', kind: 'resettled_retiree', area: SHENZHEN, begin_date: '2026-11-23', channel: 'mini_program', proof: { type: 'commitment', signed: true } };

describe('filing over REST', () => {
  it('needs a sign-in', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/filings', payload: filingBody });
    expect(res.statusCode).toBe(401);
  });

  it('names the bad field in problem+json', async () => {
    const cookie = await signIn(person.certno);
    const res = await app.inject({ method: 'POST', url: '/api/filings', headers: { cookie }, payload: { ...filingBody, area: HARBIN } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ path: 'area', message: expect.stringMatching(/insured place itself/) }]);
  });

  it('files, then answers "already filed" with the record and where it was made', async () => {
    const cookie = await signIn(person.certno);
    const first = await app.inject({ method: 'POST', url: '/api/filings', headers: { cookie }, payload: filingBody });
    expect(first.statusCode).toBe(201);
    expect(first.json().filing).toMatchObject({ status: 'active', area: SHENZHEN, end_date: null });
    const again = await app.inject({ method: 'POST', url: '/api/filings', headers: { cookie }, payload: { ...filingBody, area: GUANGZHOU } });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'conflict', existing: { area: SHENZHEN, channel: 'mini_program' } });
  });

  it('lists the filings and the national record', async () => {
    const cookie = await signIn(person.certno);
    const res = await app.inject({ method: 'GET', url: `/api/persons/${person.psn_no}/filings`, headers: { cookie } });
    expect(res.json().national_records).toHaveLength(1);
  });

  it('marks which institutions the filing covers', async () => {
    const cookie = await signIn(person.certno);
    const res = await app.inject({ method: 'GET', url: `/api/persons/${person.psn_no}/institutions?admdvs=440000`, headers: { cookie } });
    const byCode = Object.fromEntries(res.json().items.map((i: { code: string; covered: boolean }) => [i.code, i.covered]));
    expect(byCode).toEqual({ H44030000001: true, H44010000001: false });
  });

  it('estimates a bill', async () => {
    const cookie = await signIn(person.certno);
    const res = await app.inject({
      method: 'POST',
      url: '/api/estimates',
      headers: { cookie },
      payload: { psn_no: person.psn_no, area: SHENZHEN, level: 3, med_kind: 'inpatient', total_fen: 1000000 },
    });
    expect(res.statusCode).toBe(200);
    const s = res.json().result.setlinfo;
    expect(s.fund_pay_sumamt + s.psn_part_amt).toBe(1000000);
    expect(s.fund_pay_sumamt).toBeGreaterThan(0);
  });

  it('lets the insured-place agency search and count its filings', async () => {
    const cookie = await signIn('hrb.agency');
    const list = await app.inject({ method: 'GET', url: '/api/filings?kind=resettled_retiree', headers: { cookie } });
    expect(list.json().total).toBe(1);
    const stats = await app.inject({ method: 'GET', url: '/api/filings/stats', headers: { cookie } });
    expect(stats.json().counts).toEqual([{ kind: 'resettled_retiree', area: SHENZHEN, status: 'active', n: 1 }]);
  });
});

describe('filing by ID number', () => {
  it('refuses an ID number with a wrong check digit, naming certno', async () => {
    const cookie = await signIn('hrb.agency');
    const { psn_no: _ignored, ...body } = filingBody;
    const res = await app.inject({ method: 'POST', url: '/api/filings', headers: { cookie }, payload: { ...body, certno: '110105194912310021' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('certno');
  });

  it('finds the person by a valid ID number', async () => {
    const cookie = await signIn('hrb.agency');
    const { psn_no: _ignored, ...body } = filingBody;
    const res = await app.inject({ method: 'POST', url: '/api/filings', headers: { cookie }, payload: { ...body, certno: person.certno } });
    // the person has filed already: the answer names the existing filing
    expect(res.statusCode).toBe(409);
    expect(res.json().existing.psn_no).toBe(person.psn_no);
  });
});

describe('filing terms before filing', () => {
  it('tells the validity, the change date and review from the insured-place policy', async () => {
    const cookie = await signIn(person.certno);
    const q = (kind: string) => app.inject({ method: 'GET', url: `/api/filings/terms?psn_no=${person.psn_no}&insutype=310&kind=${kind}&begin_date=2026-12-01`, headers: { cookie } });
    const temp = (await q('other_temporary')).json();
    expect(temp.end_date).toMatch(/^2027-(05|11)-30$/);
    expect(temp.review).toBe(false);
    const long = (await q('stationed_worker')).json();
    expect(long).toMatchObject({ end_date: null, changeable_from: '2026-12-01' });
  });
});
