import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { signature } from '../src/auth/gateway.ts';
import { createInstitutionKey } from '../src/auth/service.ts';
import { loadConfig } from '../src/config.ts';
import { fixedClock } from '../src/core/clock.ts';
import type { Db } from '../src/db/pool.ts';
import * as filing from '../src/filing/service.ts';
import type { App } from '../src/http/types.ts';
import { importInstitutions } from '../src/institutions/service.ts';
import { testDb } from './support/db.ts';
import { addPersons, personActor, personOf, seedPlaces, system } from './support/fixtures.ts';

const HARBIN = '230100';
const SHENZHEN = '440300';
const clock = fixedClock('2026-11-23T02:00:00Z');
const now = () => String(Math.floor(clock.now().getTime() / 1000));
let db: Db;
let app: App;
let key: { appId: string; secret: string };
const person = personOf(HARBIN);

beforeAll(async () => {
  db = await testDb();
  await db.tx(async (tx) => {
    await seedPlaces(tx, [HARBIN, SHENZHEN], { review_filing_kinds: [] });
    await addPersons(tx, [person]);
    await importInstitutions(tx, system, {
      institutions: [{ code: 'H44030000009', name: '深圳市第二人民医院', admdvs: SHENZHEN, kind: 'hospital', level: 3, services: ['inpatient'], chronic_diseases: [], status: 'active', address: null, phone: null }],
    });
    key = await createInstitutionKey(tx, system, 'H44030000009');
    await filing.file(tx, personActor(person), { psn_no: person.psn_no, insutype: '310', kind: 'long_term_resident', area: SHENZHEN, begin_date: '2026-11-23', channel: 'national_app', proof: { type: 'commitment', signed: true } }, '2026-11-23');
  });
  app = await buildApp({ db, clock, config: loadConfig({}) }, { logger: false, webDir: null });
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});

function signed(over: Partial<Record<string, string>> = {}, nonce = `n${Math.random().toString(36).slice(2, 12)}`) {
  const timestamp = over['x-tif-timestamp'] ?? now();
  return {
    'x-tif-paasid': key.appId,
    'x-tif-timestamp': timestamp,
    'x-tif-nonce': nonce,
    'x-tif-signature': signature(timestamp, key.secret, nonce),
    ...over,
  };
}

const ask = (headers: Record<string, string>, place = SHENZHEN) =>
  app.inject({ method: 'GET', url: `/api/coverage?psn_no=${person.psn_no}&place=${place}`, headers });

describe('hospital gateway signature', () => {
  it('lets a signed hospital ask about coverage in its own area', async () => {
    const res = await ask(signed());
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ covered: true, filing: { kind: 'long_term_resident' } });
  });

  it('refuses another area', async () => {
    expect((await ask(signed(), HARBIN)).statusCode).toBe(403);
  });

  it('refuses a wrong signature', async () => {
    const res = await ask(signed({ 'x-tif-signature': 'ab'.repeat(32) }));
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toMatch(/signature does not match/);
  });

  it('refuses a timestamp outside five minutes', async () => {
    const stale = String(Number(now()) - 301);
    const nonce = 'stalenonce1';
    const res = await ask({ ...signed({}, nonce), 'x-tif-timestamp': stale, 'x-tif-signature': signature(stale, key.secret, nonce) });
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toMatch(/5 minutes/);
  });

  it('refuses a reused nonce', async () => {
    const headers = signed({}, 'oncenonce42');
    expect((await ask(headers)).statusCode).toBe(200);
    const again = await ask(headers);
    expect(again.statusCode).toBe(401);
    expect(again.json().detail).toMatch(/used before/);
  });

  it('issues keys only to designated institutions, and only by staff of their area', async () => {
    await expect(createInstitutionKey(db, system, 'H44039999999')).rejects.toMatchObject({ code: 'validation', issues: [{ path: 'institution_code' }] });
    const harbinAgency = { kind: 'insured_agency' as const, userId: 1, username: 'harbin', region: HARBIN };
    await expect(createInstitutionKey(db, harbinAgency, 'H44030000009')).rejects.toMatchObject({ code: 'forbidden' });
    expect(Number((await db.query("SELECT count(*) AS n FROM institution_key")).rows[0].n)).toBe(1);
  });

  it('refuses an unknown app id', async () => {
    expect((await ask(signed({ 'x-tif-paasid': 'nobody' }))).statusCode).toBe(401);
  });
});
