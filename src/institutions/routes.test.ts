import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../test/support/db.ts';
import { routeTestApp } from '../../test/support/route-app.ts';
import type { Principal } from '../auth/model.ts';
import type { Db } from '../db/pool.ts';
import type { App } from '../http/types.ts';
import { seedReference } from '../reference/service.ts';
import { routes } from './routes.ts';

const agency: Principal = { kind: 'treatment_agency', userId: 1, username: 'gzt', region: '440100' };
const hospital = {
  code: 'H44010000001',
  name: '中山大学附属第一医院',
  admdvs: '440100',
  kind: 'hospital',
  level: 3,
  services: ['inpatient', 'outpatient'],
  chronic_diseases: ['M03900'],
};

let db: Db;
let app: App;
beforeAll(async () => {
  db = await testDb();
  await db.tx((tx) => seedReference(tx));
  app = await routeTestApp(db, routes, { agency }, '2025-03-01T04:00:00Z');
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});

describe('institution routes', () => {
  it('imports for the signed-in agency, with paths on every problem', async () => {
    const file = { institutions: [hospital] };
    expect((await app.inject({ method: 'POST', url: '/api/institutions/import', payload: file })).statusCode).toBe(401);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/institutions/import',
      payload: { institutions: [{ ...hospital, kind: 'pharmacy' }] },
      headers: { 'x-test-as': 'agency' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path)).toEqual(['institutions[0].code', 'institutions[0].services']);
    const ok = await app.inject({ method: 'POST', url: '/api/institutions/import', payload: file, headers: { 'x-test-as': 'agency' } });
    expect(ok.json()).toEqual({ imported: 1 });
  });

  it('searches publicly and shows one institution', async () => {
    const found = await app.inject({ url: '/api/institutions?admdvs=440000&level=3&service=outpatient&disease=M03900' });
    expect(found.statusCode).toBe(200);
    expect(found.json()).toEqual({
      items: [{ ...hospital, status: 'active', address: null, phone: null }],
      total: 1,
      page: 1,
      page_size: 50,
    });
    expect((await app.inject({ url: '/api/institutions?level=2' })).json().total).toBe(0);
    expect((await app.inject({ url: '/api/institutions?service=dentistry' })).statusCode).toBe(400);
    expect((await app.inject({ url: '/api/institutions/H44010000001' })).json().name).toBe(hospital.name);
    expect((await app.inject({ url: '/api/institutions/H44010000009' })).statusCode).toBe(404);
  });

  it('exports for signed-in users only', async () => {
    expect((await app.inject({ url: '/api/institutions/export' })).statusCode).toBe(401);
    const out = await app.inject({ url: '/api/institutions/export?admdvs=440100', headers: { 'x-test-as': 'agency' } });
    expect(out.json().institutions).toHaveLength(1);
    const mappings = await app.inject({ url: '/api/institutions/mappings/export', headers: { 'x-test-as': 'agency' } });
    expect(mappings.json()).toEqual({ mappings: [] });
  });
});
