import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../auth/service.ts';
import type { Db } from '../db/pool.ts';
import { findPerson } from '../people/service.ts';
import { testDb } from '../../test/support/db.ts';
import { demoExists, seedDemo, writeCredentials, type DemoCredentials } from './service.ts';

describe('seedDemo', () => {
  let db: Db;
  let creds: DemoCredentials;
  const phases = new Set<string>();

  beforeAll(async () => {
    db = await testDb();
    expect(await demoExists(db)).toBe(false);
    creds = await seedDemo(db, {
      seed: 1,
      persons: 300,
      institutions: 0,
      catalogItems: 120,
      batchSize: 128,
      today: '2026-04-15',
      onProgress: (phase) => phases.add(phase),
    });
  }, 120_000);
  afterAll(() => db.close());

  const count = async (table: string) => Number((await db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

  it('fills the tables through the imports and marks the run complete last', async () => {
    expect(await demoExists(db)).toBe(true);
    expect(await count('person')).toBe(306);
    expect(await count('enrolment')).toBe(306);
    expect(await count('institution')).toBe(2 * 341);
    expect(await count('policy_version')).toBe(2 * 341);
    expect(await count('catalog_item')).toBeGreaterThanOrEqual(31 * 120);
    expect(await count('institution_item_map')).toBeGreaterThan(0);
    expect(await count('app_user')).toBe(creds.persons.length + creds.staff.length);
    expect(await count('institution_key')).toBe(creds.institutions.length);
    expect((await db.query('SELECT seed, persons FROM demo_run')).rows).toEqual([{ seed: '1', persons: 300 }]);
    expect([...phases]).toEqual(['reference', 'policies', 'catalogue', 'institutions', 'mappings', 'persons', 'accounts']);
  });

  it('returns credentials of the promised shape', () => {
    expect(creds.persons.map((p) => p.persona)).toEqual(['resettled_retiree', 'stationed_worker', 'traveller', 'referral', 'dialysis', 'unfiled']);
    for (const p of creds.persons) {
      expect(p).toMatchObject({
        certno: expect.stringMatching(/^\d{17}[\dX]$/),
        psn_no: expect.stringMatching(/^\d{20}$/),
        insutype: expect.stringMatching(/^(310|390)$/),
        insuplc_admdvs: expect.stringMatching(/^\d{6}$/),
        password: expect.stringMatching(/^Yidi-[a-z2-9]{4}-2026$/),
      });
      for (const f of p.filings) expect(Object.keys(f)).toEqual(expect.arrayContaining(['kind', 'area', 'begin', 'end', 'channel']));
      for (const area of p.filings.map((f) => f.area)) expect(creds.institutions.some((i) => i.admdvs === area), `${p.persona} ${area}`).toBe(true);
    }
    for (const i of creds.institutions) {
      expect(i).toMatchObject({ code: expect.stringMatching(/^[HP]\d{11}$/), appId: expect.any(String), secret: expect.any(String) });
      expect([1, 2, 3]).toContain(i.level);
    }
    expect(creds.staff.map((s) => s.role)).toContain('national');
  });

  it('lets a credentials person be found by ID number and sign in', async () => {
    const p = creds.persons[0]!;
    const found = await db.tx((tx) => findPerson(tx, { kind: 'system', name: 'test' }, { type: 'id_card', certno: p.certno }));
    expect(found).toMatchObject({ psn_no: p.psn_no, name: p.name });
    const session = await db.tx((tx) => signIn(tx, { username: p.certno, password: p.password }, new Date('2026-04-15T02:00:00Z')));
    expect(session.me).toMatchObject({ role: 'person', psn_no: p.psn_no });
  });

  it("records the personas' filings through the filing service, as the national filing database shows them", async () => {
    const statuses = async (persona: string) => {
      const psn = creds.persons.find((p) => p.persona === persona)!.psn_no;
      const r = await db.query('SELECT kind, status, channel FROM national_filing WHERE psn_no = $1 ORDER BY begin_date', [psn]);
      return r.rows.map((x) => `${x.kind}/${x.status}/${x.channel}`);
    };
    expect(await statuses('resettled_retiree')).toEqual(['resettled_retiree/active/national_app']);
    expect(await statuses('stationed_worker')).toEqual(['stationed_worker/active/mini_program']);
    expect(await statuses('referral')).toEqual(['referral/active/local_platform']);
    expect(await statuses('traveller')).toEqual(['other_temporary/expired/mini_program', 'other_temporary/active/mini_program']);
    expect(await statuses('dialysis')).toEqual(['long_term_resident/active/local_platform']);
    expect(await statuses('unfiled')).toEqual([]);
    const dialysis = creds.persons.find((p) => p.persona === 'dialysis')!;
    const agent = await db.query('SELECT agent FROM filing WHERE psn_no = $1', [dialysis.psn_no]);
    expect(agent.rows[0].agent).toMatchObject({ name: '刘芳', relation: '子女' });
  });

  it('refuses a second nation in the same database, naming the phase', async () => {
    await expect(seedDemo(db, { seed: 1, persons: 1, institutions: 0, catalogItems: 60 })).rejects.toThrow(/while writing policies/);
  });

  it('writes the credentials file for the owner only', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yidi-demo-'));
    try {
      const file = writeCredentials(dir, creds);
      expect(file).toBe(path.join(dir, 'demo-credentials.json'));
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(creds);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
