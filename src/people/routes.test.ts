import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../test/support/db.ts';
import { routeTestApp } from '../../test/support/route-app.ts';
import type { Principal } from '../auth/model.ts';
import { certnoFor } from '../core/idcard.ts';
import type { Db } from '../db/pool.ts';
import type { App } from '../http/types.ts';
import { seedReference } from '../reference/service.ts';
import { routes } from './routes.ts';

const principals: Record<string, Principal> = {
  gz: { kind: 'insured_agency', userId: 1, username: 'gz', region: '440100' },
  treatment: { kind: 'treatment_agency', userId: 2, username: 'gzt', region: '440100' },
  self: { kind: 'person', userId: 3, psnNo: '44010000000000000001', name: '李四' },
};

const record = (i: number) => ({
  psn_no: `4401000000000000000${i}`,
  certno: certnoFor('440102', '1980-01-0' + i, 2 * i + 1),
  ss_card_no: `SSCARD00${i}`,
  evoucher_token: `EVTOKEN000${i}`,
  name: i === 1 ? '李四' : `某某${i}`,
  gender: '1',
  birth_date: '1980-01-0' + i,
  phone: '1390000123' + i,
  insuplc_admdvs: '440100',
  enrolments: [{ insutype: '310', psn_type: '1101', insuplc_admdvs: '440100', status: 'active', begin_date: '2000-01-01' }],
  account_balance_fen: 5000,
});

let db: Db;
let app: App;
beforeAll(async () => {
  db = await testDb();
  await db.tx((tx) => seedReference(tx));
  app = await routeTestApp(db, routes, principals, '2025-03-01T04:00:00Z');
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});

describe('person routes', () => {
  it('imports for the insured agency only, answering every bad path as problem+json', async () => {
    const file = { persons: [record(1), record(2)] };
    expect((await app.inject({ method: 'POST', url: '/api/persons/import', payload: file })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/persons/import', payload: file, headers: { 'x-test-as': 'treatment' } })).statusCode).toBe(403);
    const bad = { persons: [{ ...record(3), gender: '2' }, { ...record(4), enrolments: [] }] };
    const rejected = await app.inject({ method: 'POST', url: '/api/persons/import', payload: bad, headers: { 'x-test-as': 'gz' } });
    expect(rejected.statusCode).toBe(400);
    expect(rejected.headers['content-type']).toContain('application/problem+json');
    expect(rejected.json().errors.map((e: { path: string }) => e.path)).toEqual(['persons[0].gender', 'persons[1].enrolments']);
    const ok = await app.inject({ method: 'POST', url: '/api/persons/import', payload: file, headers: { 'x-test-as': 'gz' } });
    expect(ok.json()).toEqual({ imported: 2 });
  });

  it('lists masked, shows the overview to the person, refuses another person', async () => {
    const list = await app.inject({ url: '/api/persons?page_size=10', headers: { 'x-test-as': 'gz' } });
    expect(list.statusCode).toBe(200);
    expect(list.json().total).toBe(2);
    expect(list.json().items[0].certno).toMatch(/^440102\*{8}/);
    expect(list.json().items[0].phone).toMatch(/^139\*{4}\d{4}$/);
    expect((await app.inject({ url: '/api/persons' })).statusCode).toBe(401);

    const mine = await app.inject({ url: '/api/persons/44010000000000000001', headers: { 'x-test-as': 'self' } });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ person: { certno: record(1).certno, phone: record(1).phone }, account: { balance_fen: 5000 } });
    expect((await app.inject({ url: '/api/persons/44010000000000000002', headers: { 'x-test-as': 'self' } })).statusCode).toBe(403);
    expect((await app.inject({ url: '/api/persons/44010000000000000009', headers: { 'x-test-as': 'gz' } })).statusCode).toBe(404);
    expect((await app.inject({ url: '/api/persons/not-a-number', headers: { 'x-test-as': 'gz' } })).statusCode).toBe(400);
  });

  it('looks a person up by a credential and exports the region', async () => {
    const found = await app.inject({
      method: 'POST',
      url: '/api/persons/lookup',
      payload: { type: 'evoucher', token: 'EVTOKEN0002' },
      headers: { 'x-test-as': 'gz' },
    });
    expect(found.statusCode).toBe(200);
    expect(found.json()).toMatchObject({ psn_no: '44010000000000000002', certno: record(2).certno });
    const bad = await app.inject({ method: 'POST', url: '/api/persons/lookup', payload: { type: 'fingerprint' }, headers: { 'x-test-as': 'gz' } });
    expect(bad.statusCode).toBe(400);

    const exported = await app.inject({ url: '/api/persons/export', headers: { 'x-test-as': 'gz' } });
    expect(exported.statusCode).toBe(200);
    expect(exported.json().persons.map((p: { psn_no: string }) => p.psn_no)).toEqual(['44010000000000000001', '44010000000000000002']);
    expect(exported.json().persons[0].account_balance_fen).toBe(5000);
  });

  it('documents the routes', async () => {
    const paths = Object.keys((app.swagger() as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/persons', '/api/persons/{psn_no}', '/api/persons/lookup', '/api/persons/import', '/api/persons/export']));
  });
});
