import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../test/support/db.ts';
import { routeTestApp } from '../../test/support/route-app.ts';
import type { Principal } from '../auth/model.ts';
import type { Db } from '../db/pool.ts';
import { generatePolicies } from '../demo/policies.ts';
import { Rng } from '../demo/rng.ts';
import type { App } from '../http/types.ts';
import { routes } from './routes.ts';

const agency: Principal = { kind: 'insured_agency', userId: 1, username: 'js', region: '320000' };

let db: Db;
let app: App;

beforeAll(async () => {
  db = await testDb();
  await db.query(
    `INSERT INTO region (code, level, parent, name_zh, name_en, is_pooling) VALUES
       ('320000', 1, NULL, '江苏省', 'Jiangsu', false), ('320100', 2, '320000', '南京市', 'Nanjing', true)
     ON CONFLICT (code) DO NOTHING`,
  );
  app = await routeTestApp(db, routes, { agency }, '2025-03-01T04:00:00Z');
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});

const file = { policies: generatePolicies(new Rng(5), '320100', '320000', '2025-01-01') };

describe('policy routes', () => {
  it('imports only for a signed-in principal', async () => {
    const anonymous = await app.inject({ method: 'POST', url: '/api/policies/import', payload: file });
    expect(anonymous.statusCode).toBe(401);
    const ok = await app.inject({ method: 'POST', url: '/api/policies/import', payload: file, headers: { 'x-test-as': 'agency' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ imported: 2 });
  });

  it('answers a bad file with every path as problem+json', async () => {
    const bad = structuredClone(file);
    bad.policies[0]!.benefits[0]!.bands[0]!.ratio_bp = 20_000;
    delete (bad.policies[1] as Partial<(typeof bad.policies)[1]>).settings;
    const res = await app.inject({ method: 'POST', url: '/api/policies/import', payload: bad, headers: { 'x-test-as': 'agency' } });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(['policies[0].benefits[0].bands[0].ratio_bp', 'policies[1].settings']);
  });

  it('lists, shows, finds in force and exports', async () => {
    const list = await app.inject({ url: '/api/policies?pooling_area=320100&page=1&page_size=10' });
    expect(list.statusCode).toBe(200);
    const { items, total } = list.json();
    expect(total).toBe(2);
    expect(items[0]).toEqual({
      id: expect.any(Number),
      pooling_area: '320100',
      insutype: '310',
      begndate: '2025-01-01',
      enddate: null,
      name: file.policies[0]!.name,
    });

    const one = await app.inject({ url: `/api/policies/${items[1].id}` });
    expect(one.json().doc).toEqual(file.policies[1]);

    const inForce = await app.inject({ url: '/api/policies/in-force?pooling_area=320100&insutype=390' });
    expect(inForce.json().id).toBe(items[1].id);
    const before = await app.inject({ url: '/api/policies/in-force?pooling_area=320100&insutype=390&date=2024-12-31' });
    expect(before.statusCode).toBe(404);

    const exported = await app.inject({ url: '/api/policies/export?pooling_area=320100' });
    expect(exported.json()).toEqual(file);
  });

  it('refuses bad query values and unknown ids clearly', async () => {
    expect((await app.inject({ url: '/api/policies?province=32' })).statusCode).toBe(400);
    expect((await app.inject({ url: '/api/policies/abc' })).statusCode).toBe(400);
    expect((await app.inject({ url: '/api/policies/987654' })).statusCode).toBe(404);
  });

  it('publishes the JSON Schema of an import file and documents the routes', async () => {
    const schema = (await app.inject({ url: '/api/policies/schema' })).json();
    expect(schema.title).toContain('policy import file');
    expect(schema.properties.policies.items.required).toContain('benefits');
    const paths = Object.keys((app.swagger() as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/policies', '/api/policies/{id}', '/api/policies/import', '/api/policies/in-force']));
  });
});
