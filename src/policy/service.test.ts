import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../test/support/db.ts';
import type { Principal } from '../auth/model.ts';
import { DomainError } from '../core/errors.ts';
import type { Db } from '../db/pool.ts';
import { generatePolicies } from '../demo/policies.ts';
import { Rng } from '../demo/rng.ts';
import type { PolicyDoc } from './model.ts';
import { exportPolicies, getPolicy, importPolicies, listPolicies, policyInForce } from './service.ts';

const system: Principal = { kind: 'system', name: 'test' };
const jiangsu: Principal = { kind: 'insured_agency', userId: 1, username: 'js', region: '320000' };
const nanjing: Principal = { kind: 'insured_agency', userId: 2, username: 'nj', region: '320100' };
const guangdong: Principal = { kind: 'insured_agency', userId: 3, username: 'gd', region: '440000' };
const jiangsuTreatment: Principal = { kind: 'treatment_agency', userId: 4, username: 'jst', region: '320000' };
const person: Principal = { kind: 'person', userId: 5, psnNo: 'P1', name: 'Li' };

// Real divisions; the reference module may seed them too, so existing rows win.
async function seedRegions(db: Db) {
  await db.query(
    `INSERT INTO region (code, level, parent, name_zh, name_en, is_pooling, has_scheme) VALUES
       ('320000', 1, NULL, '江苏省', 'Jiangsu', false, true),
       ('320100', 2, '320000', '南京市', 'Nanjing', true, true),
       ('320200', 2, '320000', '无锡市', 'Wuxi', true, true),
       ('320300', 2, '320000', '徐州市', 'Xuzhou', true, true),
       ('320400', 2, '320000', '常州市', 'Changzhou', true, true),
       ('320500', 2, '320000', '苏州市', 'Suzhou', true, true),
       ('440000', 1, NULL, '广东省', 'Guangdong', false, true),
       ('440100', 2, '440000', '广州市', 'Guangzhou', true, true)
     ON CONFLICT (code) DO NOTHING`,
  );
}

const policies = (area: string, begndate: string, seed = 1) => generatePolicies(new Rng(seed), area, area.slice(0, 2) + '0000', begndate);
const count = async (db: Db, sql: string) => Number((await db.query<{ n: string }>(sql)).rows[0]!.n);
const issuesOf = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => expect.unreachable('expected an error'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
};

let db: Db;
beforeAll(async () => {
  db = await testDb();
  await seedRegions(db);
});
afterAll(async () => db?.close());

describe('importPolicies', () => {
  it('imports every version of a file and audits each', async () => {
    const docs = policies('320200', '2025-01-01');
    expect(await db.tx((tx) => importPolicies(tx, jiangsu, { policies: docs }))).toEqual({ imported: 2 });
    const audits = await db.query<{ actor: string; entity_id: string; detail: { insutype: string } }>(
      `SELECT actor, entity_id, detail FROM audit_log WHERE action = 'policy.import' AND detail->>'pooling_area' = '320200' ORDER BY id`,
    );
    expect(audits.rows.map((r) => [r.actor, r.detail.insutype])).toEqual([
      ['insured_agency:js', '310'],
      ['insured_agency:js', '390'],
    ]);
    const stored = await getPolicy(db, Number(audits.rows[0]!.entity_id));
    expect(stored.doc).toEqual(docs[0]);
  });

  it('lists every bad path of a file and writes nothing', async () => {
    await db.tx((tx) => importPolicies(tx, system, { policies: policies('320300', '2025-01-01') }));
    const before = [await count(db, 'SELECT count(*) AS n FROM policy_version'), await count(db, 'SELECT count(*) AS n FROM audit_log')];

    const [good, resident] = policies('320400', '2025-01-01');
    const schemaBad = structuredClone(resident!);
    schemaBad.benefits[1]!.bands[0]!.ratio_bp = 10_500;
    const ruleBad = { ...structuredClone(good!), begndate: '2026-01-01' };
    ruleBad.benefits[0]!.bands = [{ up_to_fen: null, ratio_bp: 8000 }, { up_to_fen: null, ratio_bp: 9000 }];
    ruleBad.topups.push({ ...ruleBad.topups[0]! });
    const file = { policies: [good, schemaBad, ruleBad, { ...good!, name: 'again' }] };

    const err = await issuesOf(db.tx((tx) => importPolicies(tx, system, file)));
    expect(err.code).toBe('validation');
    expect(err.message).toContain('nothing was imported');
    expect(err.issues.map((i) => i.path)).toEqual([
      'policies[1].benefits[1].bands[0].ratio_bp',
      'policies[2].benefits[0].bands[0].up_to_fen',
      `policies[2].topups[${ruleBad.topups.length - 1}].fund`,
      'policies[3].begndate',
    ]);
    expect([await count(db, 'SELECT count(*) AS n FROM policy_version'), await count(db, 'SELECT count(*) AS n FROM audit_log')]).toEqual(before);
  });

  it('refuses unknown regions, areas that do not pool, and versions that exist, writing nothing', async () => {
    const before = await count(db, 'SELECT count(*) AS n FROM policy_version');
    const [existing] = policies('320300', '2025-01-01', 9);
    const [fresh] = policies('320500', '2025-01-01');
    const file = {
      policies: [fresh, policies('329900', '2025-01-01')[0], policies('320000', '2025-01-01')[1], existing],
    };
    const err = await issuesOf(db.tx((tx) => importPolicies(tx, jiangsu, file)));
    expect(err.issues).toEqual([
      { path: 'policies[1].pooling_area', message: expect.stringContaining('there is no such division') },
      { path: 'policies[2].pooling_area', message: expect.stringContaining('not a pooling area') },
      { path: 'policies[3].begndate', message: expect.stringContaining('exists already') },
    ]);
    expect(await count(db, 'SELECT count(*) AS n FROM policy_version')).toBe(before);
  });

  it('refuses agencies of other regions and other roles, naming the area', async () => {
    const before = await count(db, 'SELECT count(*) AS n FROM policy_version');
    const file = { policies: [...policies('320500', '2025-01-01'), ...policies('440100', '2025-01-01')] };
    for (const actor of [jiangsu, guangdong, nanjing, jiangsuTreatment, person]) {
      const err = await issuesOf(db.tx((tx) => importPolicies(tx, actor, file)));
      expect(err.code).toBe('forbidden');
    }
    await expect(db.tx((tx) => importPolicies(tx, jiangsu, file))).rejects.toThrow(/policy.write in 440100/);
    expect(await count(db, 'SELECT count(*) AS n FROM policy_version')).toBe(before);
    // a city agency sets its own city's policy
    const own = { policies: policies('320100', '2024-01-01') };
    expect(await db.tx((tx) => importPolicies(tx, nanjing, own))).toEqual({ imported: 2 });
  });

  it('stores only what the schema knows', async () => {
    const [doc] = policies('440100', '2023-01-01');
    const withExtras = { ...doc!, remark: 'internal note', settings: { ...doc!.settings, colour: 'blue' } };
    await db.tx((tx) => importPolicies(tx, guangdong, { policies: [withExtras] }));
    const v = await policyInForce(db, '440100', '310', '2023-06-01');
    expect(v.doc).toEqual(doc);
  });
});

describe('exportPolicies', () => {
  it('round-trips through import into another database', async () => {
    const docs: PolicyDoc[] = [
      ...policies('320500', '2024-01-01', 3),
      ...policies('320500', '2025-07-01', 4),
      ...policies('440100', '2024-01-01', 5),
    ];
    // shuffled on the way in; export orders by area, scheme and begndate
    await db.tx((tx) => importPolicies(tx, system, { policies: [docs[4], docs[3], docs[0], docs[2], docs[1], docs[5]] }));
    const exported = await exportPolicies(db, undefined, { pooling_area: '320500' });
    expect(exported.policies).toEqual([docs[0], docs[2], docs[1], docs[3]]);

    const other = await testDb();
    try {
      await seedRegions(other);
      const json = JSON.parse(JSON.stringify(exported));
      expect(await other.tx((tx) => importPolicies(tx, system, json))).toEqual({ imported: 4 });
      expect(await exportPolicies(other, system, {})).toEqual(exported);
    } finally {
      await other.close();
    }
  });

  it('filters by scheme and province', async () => {
    const employee = await exportPolicies(db, undefined, { province: '440000', insutype: '310' });
    expect(employee.policies.length).toBeGreaterThan(0);
    expect(employee.policies.every((d) => d.pooling_area.startsWith('44') && d.insutype === '310')).toBe(true);
  });
});

describe('policyInForce', () => {
  beforeAll(async () => {
    await db.tx((tx) =>
      importPolicies(tx, system, {
        policies: [...policies('320400', '2024-01-01', 11), ...policies('320400', '2025-07-01', 12)].filter((d) => d.insutype === '310'),
      }),
    );
  });

  it('picks the version by date and derives its end', async () => {
    const first = await policyInForce(db, '320400', '310', '2024-01-01');
    expect([first.begndate, first.enddate]).toEqual(['2024-01-01', '2025-06-30']);
    expect((await policyInForce(db, '320400', '310', '2025-06-30')).id).toBe(first.id);
    const second = await policyInForce(db, '320400', '310', '2025-07-01');
    expect([second.begndate, second.enddate]).toEqual(['2025-07-01', null]);
    expect((await policyInForce(db, '320400', '310', '2030-01-01')).id).toBe(second.id);
    expect(second.doc.begndate).toBe('2025-07-01');
    expect((await getPolicy(db, first.id)).enddate).toBe('2025-06-30');
  });

  it('says when nothing is in force', async () => {
    const early = await issuesOf(policyInForce(db, '320400', '310', '2023-12-31'));
    expect(early.code).toBe('not_found');
    expect(early.message).toContain('earliest version begins 2024-01-01');
    await expect(policyInForce(db, '320400', '390', '2025-01-01')).rejects.toThrow(/has no policy of scheme 390/);
    await expect(policyInForce(db, '320400', '310', '2025-02-30')).rejects.toThrow(expect.objectContaining({ code: 'validation' }));
  });
});

describe('listPolicies and getPolicy', () => {
  it('filters, pages and counts', async () => {
    const all = await listPolicies(db, { pooling_area: '320400' });
    expect(all.total).toBe(2);
    expect(all.items.map((i) => [i.insutype, i.begndate, i.enddate])).toEqual([
      ['310', '2024-01-01', '2025-06-30'],
      ['310', '2025-07-01', null],
    ]);
    expect(all.items[0]!.name).toContain('320400');
    const page2 = await listPolicies(db, { province: '320000', page: 2, page_size: 3 });
    const everything = await listPolicies(db, { province: '320000', page_size: 500 });
    expect(page2.total).toBe(everything.total);
    expect(page2.items).toEqual(everything.items.slice(3, 6));
    expect((await listPolicies(db, { insutype: '390', province: '440000' })).items.every((i) => i.insutype === '390')).toBe(true);
    await expect(listPolicies(db, { page_size: 501 })).rejects.toThrow(/page_size/);
  });

  it('answers not found for an unknown id', async () => {
    await expect(getPolicy(db, 999_999)).rejects.toThrow(expect.objectContaining({ code: 'not_found' }));
  });
});
