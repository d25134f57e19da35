import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/pool.ts';
import { loadMigrations, migrate } from '../src/db/migrate.ts';
import { testDb } from './support/db.ts';

// Runs on whichever database testDb() gives: PGlite, or PostgreSQL 15 under DATABASE_URL.
let db: Db;
beforeAll(async () => {
  db = await testDb();
  await db.query(`INSERT INTO region (code, level, parent, name_zh, name_en) VALUES ('110000', 1, NULL, '北京市', 'Beijing')`);
});
afterAll(() => db?.close());

const checkViolation = { code: '23514' };

describe('migrations', () => {
  it('create every table the migration files declare', async () => {
    const declared = loadMigrations().flatMap((m) =>
      [...m.sql.matchAll(/^CREATE TABLE (?:IF NOT EXISTS )?(\w+)/gim)].map((r) => r[1]!),
    );
    // The foundation tables every module builds on, so a parsing slip cannot pass with an empty list.
    expect(declared).toEqual(
      expect.arrayContaining(['region', 'person', 'enrolment', 'institution', 'catalog_item', 'policy_version', 'app_user', 'audit_log']),
    );
    const present = (
      await db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
      )
    ).rows.map((r) => r.table_name);
    expect(present).toEqual(expect.arrayContaining([...declared, 'schema_migration']));
  });

  it('records each applied migration, 0001 first', async () => {
    const rows = (await db.query<{ version: number; name: string }>('SELECT version, name FROM schema_migration ORDER BY version')).rows;
    expect(rows[0]).toEqual({ version: 1, name: '0001_foundation' });
    expect(rows).toEqual(loadMigrations().map((m) => ({ version: m.version, name: m.name })));
  });

  it('applies nothing the second time', async () => {
    const before = (await db.query('SELECT count(*)::int AS n FROM schema_migration')).rows[0];
    expect(await migrate(db)).toEqual([]);
    expect((await db.query('SELECT count(*)::int AS n FROM schema_migration')).rows[0]).toEqual(before);
  });

  it('applies a new migration once, and none of a failing one', async () => {
    const next = Math.max(...loadMigrations().map((m) => m.version)) + 1000;
    const extra = { version: next, name: `${next}_probe`, sql: 'CREATE TABLE migration_probe (id int PRIMARY KEY)' };
    expect(await migrate(db, [...loadMigrations(), extra])).toEqual([extra.name]);
    expect(await migrate(db, [...loadMigrations(), extra])).toEqual([]);

    const broken = { version: next + 1, name: `${next + 1}_broken`, sql: 'CREATE TABLE migration_half (id int); SELECT no_such_column FROM region' };
    await expect(migrate(db, [...loadMigrations(), extra, broken])).rejects.toThrow(/no_such_column/);
    const half = await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'migration_half'`);
    expect(half.rowCount).toBe(0);
    const recorded = await db.query('SELECT 1 FROM schema_migration WHERE version = $1', [next + 1]);
    expect(recorded.rowCount).toBe(0);
  });
});

describe('audit_log', () => {
  it('takes inserts and refuses updates and deletes', async () => {
    const { id } = (
      await db.query<{ id: string }>(
        `INSERT INTO audit_log (actor, action, entity, entity_id, detail) VALUES ('test', 'probe', 'region', '110000', '{"a":1}') RETURNING id`,
      )
    ).rows[0]!;
    await expect(db.query(`UPDATE audit_log SET action = 'changed' WHERE id = $1`, [id])).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_log WHERE id = $1', [id])).rejects.toThrow(/append-only/);
    const row = (await db.query('SELECT action FROM audit_log WHERE id = $1', [id])).rows[0];
    expect(row).toEqual({ action: 'probe' });
  });
});

describe('db.query', () => {
  it('answers correctly after a failed parameterised query', async () => {
    // On PGlite a failed extended-protocol query used to leave its last reply in
    // flight, so the next queries read each other's answers.
    for (let i = 0; i < 3; i++) {
      await expect(
        db.query(`INSERT INTO region (code, level, parent, name_zh, name_en) VALUES ($1, 1, NULL, 'x', 'x')`, ['bad']),
      ).rejects.toMatchObject(checkViolation);
      expect((await db.query('SELECT $1::int AS n', [i])).rows).toEqual([{ n: i }]);
      expect((await db.query(`SELECT name_en FROM region WHERE code = '110000'`)).rows).toEqual([{ name_en: 'Beijing' }]);
    }
  });
});

describe('db.tx', () => {
  it('commits what a resolving function wrote', async () => {
    const value = await db.tx(async (tx) => {
      await tx.query(`INSERT INTO region (code, level, parent, name_zh, name_en) VALUES ('120000', 1, NULL, '天津市', 'Tianjin')`);
      return 'done';
    });
    expect(value).toBe('done');
    expect((await db.query(`SELECT name_en FROM region WHERE code = '120000'`)).rows).toEqual([{ name_en: 'Tianjin' }]);
  });

  it('leaves nothing behind when the function throws', async () => {
    const boom = new Error('boom');
    await expect(
      db.tx(async (tx) => {
        await tx.query(`INSERT INTO region (code, level, parent, name_zh, name_en) VALUES ('130000', 1, NULL, '河北省', 'Hebei')`);
        await tx.query(`INSERT INTO audit_log (actor, action, entity) VALUES ('test', 'create', 'region')`);
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect((await db.query(`SELECT 1 FROM region WHERE code = '130000'`)).rowCount).toBe(0);
    expect((await db.query(`SELECT 1 FROM audit_log WHERE action = 'create' AND entity = 'region'`)).rowCount).toBe(0);
  });

  it('leaves nothing behind when a later statement fails', async () => {
    await expect(
      db.tx(async (tx) => {
        await tx.query(`INSERT INTO region (code, level, parent, name_zh, name_en) VALUES ('140000', 1, NULL, '山西省', 'Shanxi')`);
        await tx.query(`INSERT INTO region (code, level, parent, name_zh, name_en) VALUES ('140100', 2, '999999', '太原市', 'Taiyuan')`);
      }),
    ).rejects.toMatchObject({ code: '23503' });
    expect((await db.query(`SELECT 1 FROM region WHERE code LIKE '14%'`)).rowCount).toBe(0);
    // The connection is usable afterwards: the rollback really ended the transaction.
    expect((await db.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });
});

describe('CHECK constraints', () => {
  const institution = (code: string) =>
    db.query(`INSERT INTO institution (code, name, admdvs, kind, level) VALUES ($1, '测试医院', '110000', 'hospital', 3)`, [code]);

  it('institution codes are H or P and eleven digits', async () => {
    await institution('H11010000001');
    await institution('P11010000002');
    for (const bad of ['X11010000001', 'H1101000000', 'H1101000000A', 'h11010000001']) {
      await expect(institution(bad), bad).rejects.toMatchObject(checkViolation);
    }
  });

  const item = (code: string, lv: string, selfpayBp: number) =>
    db.query(
      `INSERT INTO catalog_item (province, hilist_code, hilist_name, list_type, med_chrgitm_type, chrgitm_lv, selfpay_prop_bp, begndate)
       VALUES ('110000', $1, '测试药品', '101', '09', $2, $3, '2024-01-01')`,
      [code, lv, selfpayBp],
    );

  it('only class B (02) catalogue items carry a self-pay share, within 0–100 %', async () => {
    await item('B-ok', '02', 1000);
    await item('A-ok', '01', 0);
    await item('B-full', '02', 10000);
    await expect(item('A-share', '01', 1000)).rejects.toMatchObject(checkViolation);
    await expect(item('C-share', '03', 500)).rejects.toMatchObject(checkViolation);
    await expect(item('B-over', '02', 10001)).rejects.toMatchObject(checkViolation);
    await expect(item('B-negative', '02', -1)).rejects.toMatchObject(checkViolation);
    await expect(item('D-level', '04', 0)).rejects.toMatchObject(checkViolation);
  });

  it('region codes are six digits and only provinces lack a parent', async () => {
    const region = (code: string, level: number, parent: string | null) =>
      db.query(`INSERT INTO region (code, level, parent, name_zh, name_en) VALUES ($1, $2, $3, '测试', 'Test')`, [code, level, parent]);
    await region('110100', 2, '110000');
    await expect(region('11010A', 2, '110000')).rejects.toMatchObject(checkViolation);
    await expect(region('110200', 2, null)).rejects.toMatchObject(checkViolation);
    await expect(region('150000', 1, '110000')).rejects.toMatchObject(checkViolation);
  });
});
