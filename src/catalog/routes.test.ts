import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../test/support/db.ts';
import { routeTestApp } from '../../test/support/route-app.ts';
import type { Principal } from '../auth/model.ts';
import type { Db } from '../db/pool.ts';
import type { App } from '../http/types.ts';
import { seedReference } from '../reference/service.ts';
import { routes } from './routes.ts';

const agency: Principal = { kind: 'treatment_agency', userId: 1, username: 'gd', region: '440000' };
const v2024 = {
  province: '440000',
  hilist_code: 'XA01CAA025A001010100483',
  hilist_name: '阿莫西林胶囊',
  list_type: '101',
  med_chrgitm_type: '09',
  chrgitm_lv: '02',
  selfpay_prop_bp: 1000,
  pric_uplmt_fen: 2500,
  begndate: '2024-01-01',
  enddate: '2024-12-31',
};
const v2025 = { ...v2024, chrgitm_lv: '01', selfpay_prop_bp: 0, begndate: '2025-01-01', enddate: null };

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

describe('catalogue routes', () => {
  it('imports for the signed-in agency and refuses overlaps with the path', async () => {
    const file = { items: [v2024, v2025] };
    expect((await app.inject({ method: 'POST', url: '/api/catalog/import', payload: file })).statusCode).toBe(401);
    const ok = await app.inject({ method: 'POST', url: '/api/catalog/import', payload: file, headers: { 'x-test-as': 'agency' } });
    expect(ok.json()).toEqual({ imported: 2, updated: 0 });
    const overlap = await app.inject({
      method: 'POST',
      url: '/api/catalog/import',
      payload: { items: [{ ...v2025, begndate: '2025-06-01' }] },
      headers: { 'x-test-as': 'agency' },
    });
    expect(overlap.statusCode).toBe(400);
    expect(overlap.json().errors).toEqual([
      { path: 'items[0].begndate', message: 'in force 2025-06-01 to open, overlaps the stored version in force 2025-01-01 to open' },
    ]);
  });

  it('searches publicly, by date, and shows every version', async () => {
    const search = await app.inject({ url: '/api/catalog?province=440000&date=2024-05-01' });
    expect(search.statusCode).toBe(200);
    expect(search.json()).toEqual({ items: [v2024], total: 1, page: 1, page_size: 50 });
    expect((await app.inject({ url: '/api/catalog' })).statusCode).toBe(400);
    expect((await app.inject({ url: '/api/catalog?province=440100' })).statusCode).toBe(400);
    const versions = await app.inject({ url: '/api/catalog/440000/XA01CAA025A001010100483' });
    expect(versions.json()).toEqual([v2024, v2025]);
    expect((await app.inject({ url: '/api/catalog/440000/NOPE' })).statusCode).toBe(404);
  });

  it('exports for signed-in users', async () => {
    expect((await app.inject({ url: '/api/catalog/export?province=440000' })).statusCode).toBe(401);
    const out = await app.inject({ url: '/api/catalog/export?province=440000', headers: { 'x-test-as': 'agency' } });
    expect(out.json()).toEqual({ items: [v2024, v2025] });
  });
});
