import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import type { App } from '../src/http/types.ts';
import type { Db } from '../src/db/pool.ts';
import { loadConfig } from '../src/config.ts';
import { fixedClock } from '../src/core/clock.ts';
import { seedReference } from '../src/reference/service.ts';
import { createStaffUser } from '../src/auth/service.ts';
import { testDb } from './support/db.ts';

let db: Db;
let app: App;
const clock = fixedClock('2026-11-23T02:00:00Z');

beforeAll(async () => {
  db = await testDb();
  await db.tx(async (tx) => {
    await seedReference(tx);
    await createStaffUser(tx, { kind: 'system', name: 'test' }, {
      username: 'gz.insured',
      password: 'correct horse battery',
      role: 'insured_agency',
      region: '440100',
      display_name: '广州市医保局',
    });
  });
  app = await buildApp({ db, clock, config: loadConfig({}) }, { logger: false, webDir: null });
});

afterAll(async () => {
  await app?.close();
  await db?.close();
});

function cookieFrom(res: { headers: Record<string, unknown> }): string {
  const set = res.headers['set-cookie'];
  const first = Array.isArray(set) ? set[0] : String(set);
  return first.split(';')[0]!;
}

describe('sign-in and sessions', () => {
  it('signs a staff user in, knows them, and signs them out', async () => {
    const login = await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'gz.insured', password: 'correct horse battery' } });
    expect(login.statusCode).toBe(200);
    expect(login.json().user).toMatchObject({ role: 'insured_agency', region: '440100', region_name: '广州市' });
    const cookie = cookieFrom(login);
    expect(login.headers['set-cookie']).toMatch(/HttpOnly/);

    const me = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json().username).toBe('gz.insured');

    const out = await app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie } });
    expect(out.statusCode).toBe(204);
    const after = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
    expect(after.statusCode).toBe(401);
  });

  it('refuses a wrong password with problem+json and no cookie', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'gz.insured', password: 'wrong password!' } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.json()).toMatchObject({ status: 401, code: 'unauthenticated' });
  });

  it('rejects a forged cookie', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: 'yidi_session=abc.def' } });
    expect(res.statusCode).toBe(401);
  });

  it('records sign-ins in the audit log', async () => {
    const r = await db.query("SELECT count(*)::int AS n FROM audit_log WHERE action = 'sign_in' AND actor = 'insured_agency:gz.insured'");
    expect(r.rows[0].n).toBeGreaterThanOrEqual(1);
  });
});

describe('errors name the field', () => {
  it('a missing body field', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ path: 'body.password', message: 'is required' }]);
  });

  it('a body that is not JSON', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/session', headers: { 'content-type': 'application/json' }, payload: '{"username":' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
  });

  it('an unknown API route is a JSON 404', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ status: 404, code: 'not_found' });
  });
});

describe('operations', () => {
  it('reports health with the database kind', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.json()).toEqual({ status: 'ok', database: db.kind });
  });

  it('publishes an OpenAPI 3.1 document covering the modules', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    for (const path of ['/api/session', '/api/regions', '/api/institutions', '/api/catalog', '/api/policies', '/api/persons/{psn_no}']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });

  it('exposes Prometheus metrics', async () => {
    await app.inject({ method: 'GET', url: '/healthz' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.body).toMatch(/yidi_http_request_duration_seconds_bucket/);
  });
});
