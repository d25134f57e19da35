import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { testDb } from '../../test/support/db.ts';
import type { Db } from '../db/pool.ts';
import { DomainError } from '../core/errors.ts';
import { fixedClock } from '../core/clock.ts';
import { loadConfig } from '../config.ts';
import { errorHandler } from '../http/problem.ts';
import type { App } from '../http/types.ts';
import { chronicDiseases } from './diseases.ts';
import { regions } from './regions.ts';
import { routes } from './routes.ts';
import {
  getRegion,
  listChronicDiseases,
  listPoolingAreas,
  listRegions,
  regionName,
  requirePoolingArea,
  seedReference,
} from './service.ts';

let db: Db;
let app: App;

beforeAll(async () => {
  db = await testDb();
  await db.tx(seedReference);
  app = Fastify({ logger: false }).withTypeProvider<TypeBoxTypeProvider>() as App;
  app.setErrorHandler(errorHandler);
  await routes(app, { db, clock: fixedClock('2026-01-01T00:00:00Z'), config: loadConfig({}) });
});

afterAll(async () => {
  await app?.close();
  await db?.close();
});

async function domainError(p: Promise<unknown>): Promise<DomainError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DomainError);
  return e as DomainError;
}

describe('seedReference', () => {
  it('loads every division and disease, and is idempotent', async () => {
    const count = async () => {
      const r = await db.query<{ regions: string; diseases: string }>(
        'SELECT (SELECT count(*) FROM region) AS regions, (SELECT count(*) FROM chronic_disease) AS diseases',
      );
      return { regions: Number(r.rows[0]!.regions), diseases: Number(r.rows[0]!.diseases) };
    };
    expect(await count()).toEqual({ regions: regions.length, diseases: chronicDiseases.length });
    const t0 = performance.now();
    await db.tx(seedReference);
    const ms = performance.now() - t0;
    expect(await count()).toEqual({ regions: regions.length, diseases: chronicDiseases.length });
    expect(ms).toBeLessThan(2000);
  });

  it('keeps rows an operator changed', async () => {
    await db.tx(async (tx) => {
      await tx.query("UPDATE chronic_disease SET name_en = 'Hypertension (edited)' WHERE code = 'M03900'");
      await seedReference(tx);
      const r = await tx.query("SELECT name_en FROM chronic_disease WHERE code = 'M03900'");
      expect(r.rows[0].name_en).toBe('Hypertension (edited)');
      await tx.query("UPDATE chronic_disease SET name_en = 'Hypertension' WHERE code = 'M03900'");
    });
  });
});

describe('regions in the database', () => {
  it('round-trip exactly as built', async () => {
    expect(await listRegions(db)).toEqual([...regions]);
  });

  it('filter by level, parent and pooling', async () => {
    expect(await listRegions(db, { level: 1 })).toHaveLength(34);
    const hubei = await listRegions(db, { parent: '420000' });
    expect(hubei.map((r) => r.code)).toContain('429000');
    expect(hubei.every((r) => r.level === 2 && r.parent === '420000')).toBe(true);
    const pooling = await listPoolingAreas(db);
    expect(pooling).toEqual(await listRegions(db, { pooling: true }));
    expect(pooling.map((r) => r.code)).toEqual(expect.arrayContaining(['110000', '500000', '440100', '469000']));
    expect(pooling.map((r) => r.code)).not.toContain('500200');
    expect(await listRegions(db, { level: 1, pooling: true })).toHaveLength(4);
    const e = await domainError(listRegions(db, { parent: '42' }));
    expect(e.issues[0]!.path).toBe('parent');
  });

  it('getRegion finds one, 404s an unknown code, 400s a malformed one', async () => {
    expect(await getRegion(db, '440100')).toMatchObject({ name_zh: '广州市', name_en: 'Guangzhou' });
    expect((await domainError(getRegion(db, '449900'))).code).toBe('not_found');
    const bad = await domainError(getRegion(db, '4401'));
    expect(bad.code).toBe('validation');
    expect(bad.issues).toEqual([{ path: 'code', message: 'must be a 6-digit division code, got "4401"' }]);
  });

  it('regionName answers null for what is not a division', async () => {
    expect(await regionName(db, '440100')).toBe('广州市');
    expect(await regionName(db, '449900')).toBeNull();
    expect(await regionName(db, 'nope')).toBeNull();
  });
});

describe('requirePoolingArea', () => {
  it('returns the pooling area', async () => {
    expect(await requirePoolingArea(db, '110000', 'insuplc_admdvs')).toMatchObject({ code: '110000', is_pooling: true });
    expect((await requirePoolingArea(db, '429000', 'x')).name_zh).toBe('湖北省省直辖县级行政区划');
  });

  it.each([
    ['110100', /北京市 pools at province level, use 110000/],
    ['440000', /is a province/],
    ['810000', /outside the mainland insurance scheme/],
    ['449900', /no such division/],
    ['44010', /6-digit division code/],
  ])('refuses %s, naming the field', async (code, why) => {
    const e = await domainError(requirePoolingArea(db, code, 'persons[7].insuplc_admdvs'));
    expect(e.code).toBe('validation');
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]!.path).toBe('persons[7].insuplc_admdvs');
    expect(e.issues[0]!.message).toMatch(why);
    expect(e.message).toMatch(/^persons\[7\]\.insuplc_admdvs: /);
  });
});

describe('chronic diseases', () => {
  it('list the cross-province ones first', async () => {
    const list = await listChronicDiseases(db);
    expect(list).toHaveLength(chronicDiseases.length);
    expect(list.slice(0, 5).every((d) => d.cross_province)).toBe(true);
    expect(list.slice(5).every((d) => !d.cross_province)).toBe(true);
  });
});

describe('routes', () => {
  it('GET /api/regions filters by query string', async () => {
    const res = await app.inject({ url: '/api/regions?level=1' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toHaveLength(34);
    const pooling = await app.inject({ url: '/api/regions?pooling=true&parent=440000' });
    const rows = pooling.json() as { code: string; is_pooling: boolean; parent: string }[];
    expect(rows.length).toBe(21);
    expect(rows.every((r) => r.is_pooling && r.parent === '440000')).toBe(true);
    expect((await app.inject({ url: '/api/regions' })).json()).toHaveLength(regions.length);
  });

  it('GET /api/regions refuses bad filters with 400 naming the field', async () => {
    const level = await app.inject({ url: '/api/regions?level=3' });
    expect(level.statusCode).toBe(400);
    expect(level.json().errors[0].path).toMatch(/level/);
    const parent = await app.inject({ url: '/api/regions?parent=abc' });
    expect(parent.statusCode).toBe(400);
    expect(parent.json().errors).toEqual([{ path: 'parent', message: 'must be a 6-digit division code, got "abc"' }]);
  });

  it('GET /api/regions/:code', async () => {
    const ok = await app.inject({ url: '/api/regions/110000' });
    expect(ok.json()).toEqual({
      code: '110000',
      level: 1,
      parent: null,
      name_zh: '北京市',
      name_en: 'Beijing',
      is_pooling: true,
      has_scheme: true,
    });
    const bad = await app.inject({ url: '/api/regions/11000x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    expect(bad.json().errors).toEqual([{ path: 'code', message: 'must be a 6-digit division code, got "11000x"' }]);
    expect((await app.inject({ url: '/api/regions/119900' })).statusCode).toBe(404);
  });

  it('GET /api/codes and /api/codes/:table', async () => {
    const names = (await app.inject({ url: '/api/codes' })).json() as string[];
    expect(names).toContain('insutype');
    expect(names).toContain('filing_kind');
    const insutype = await app.inject({ url: '/api/codes/insutype' });
    expect(insutype.json()).toContainEqual({ code: '310', name_zh: '职工基本医疗保险', name_en: 'Employee basic medical insurance' });
    const missing = await app.inject({ url: '/api/codes/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().detail).toMatch(/There is no code table "nope"\. The tables are: insutype, /);
  });

  it('GET /api/chronic-diseases', async () => {
    const res = await app.inject({ url: '/api/chronic-diseases' });
    expect(res.statusCode).toBe(200);
    expect(res.json()[0]).toEqual({ code: 'M00500', name_zh: '恶性肿瘤门诊治疗', name_en: expect.any(String), cross_province: true });
  });
});
