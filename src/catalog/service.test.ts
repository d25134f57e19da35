import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../test/support/db.ts';
import type { Principal } from '../auth/model.ts';
import { DomainError } from '../core/errors.ts';
import type { Db } from '../db/pool.ts';
import { seedReference } from '../reference/service.ts';
import type { CatalogItem } from './model.ts';
import { classifyOn, exportCatalog, getCatalogVersions, importCatalog, searchCatalog } from './service.ts';

const gdTreatment: Principal = { kind: 'treatment_agency', userId: 1, username: 'gd', region: '440000' };
const gzTreatment: Principal = { kind: 'treatment_agency', userId: 2, username: 'gz', region: '440100' };
const gdInsured: Principal = { kind: 'insured_agency', userId: 3, username: 'gdi', region: '440000' };
const system: Principal = { kind: 'system', name: 'test' };

const AMOXICILLIN = 'XA01CAA025A001010100483';
const item = (over: Partial<CatalogItem> = {}): CatalogItem =>
  ({
    province: '440000',
    hilist_code: AMOXICILLIN,
    hilist_name: '阿莫西林胶囊',
    list_type: '101',
    med_chrgitm_type: '09',
    chrgitm_lv: '02',
    selfpay_prop_bp: 1000,
    pric_uplmt_fen: 2500,
    begndate: '2024-01-01',
    enddate: '2024-12-31',
    ...over,
  }) as CatalogItem;

const file: { items: CatalogItem[] } = {
  items: [
    item(),
    // From 2025 the drug moves to class A without a cap.
    item({ chrgitm_lv: '01', selfpay_prop_bp: 0 as CatalogItem['selfpay_prop_bp'], pric_uplmt_fen: null, begndate: '2025-01-01', enddate: null }),
    item({ hilist_code: '001101000010000', hilist_name: '普通门诊诊查费', list_type: '201', med_chrgitm_type: '02', chrgitm_lv: '01', selfpay_prop_bp: 0 as CatalogItem['selfpay_prop_bp'], pric_uplmt_fen: null, enddate: null }),
    item({ hilist_code: 'C99', hilist_name: '美容项目', list_type: '201', med_chrgitm_type: '14', chrgitm_lv: '03', selfpay_prop_bp: 0 as CatalogItem['selfpay_prop_bp'], enddate: null }),
    item({ province: '320000', enddate: null }),
  ],
};

async function rejection(p: Promise<unknown>): Promise<DomainError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
}

async function rows(db: Db): Promise<number> {
  return Number((await db.query('SELECT count(*) AS n FROM catalog_item')).rows[0].n);
}

let db: Db;
beforeAll(async () => {
  db = await testDb();
  await db.tx((tx) => seedReference(tx));
  await db.tx((tx) => importCatalog(tx, system, file));
});
afterAll(async () => {
  await db?.close();
});

describe('classification', () => {
  it('gives the version in force on each date, and null outside the catalogue', async () => {
    expect((await classifyOn(db, '440000', AMOXICILLIN, '2024-12-31'))).toMatchObject({ chrgitm_lv: '02', selfpay_prop_bp: 1000, pric_uplmt_fen: 2500 });
    expect((await classifyOn(db, '440000', AMOXICILLIN, '2025-01-01'))).toMatchObject({ chrgitm_lv: '01', selfpay_prop_bp: 0, pric_uplmt_fen: null });
    expect(await classifyOn(db, '440000', AMOXICILLIN, '2023-12-31')).toBeNull();
    expect(await classifyOn(db, '440000', 'NOT-LISTED', '2024-06-01')).toBeNull();
    expect(await classifyOn(db, '450000', AMOXICILLIN, '2024-06-01')).toBeNull();
  });

  it('lists every version of an item, oldest first', async () => {
    const versions = await getCatalogVersions(db, '440000', AMOXICILLIN);
    expect(versions.map((v) => v.begndate)).toEqual(['2024-01-01', '2025-01-01']);
    expect(versions[0]).toEqual(file.items[0]);
    expect((await rejection(getCatalogVersions(db, '440000', 'NOT-LISTED'))).code).toBe('not_found');
  });
});

describe('importCatalog', () => {
  it('refuses overlapping versions with the path of the item, within the file and against stored rows', async () => {
    const before = await rows(db);
    const err = await rejection(
      db.tx((tx) =>
        importCatalog(tx, gdTreatment, {
          items: [
            item({ hilist_code: 'NEW1', enddate: null }),
            item({ hilist_code: 'NEW1', begndate: '2024-03-01', enddate: '2024-04-01' }),
            item({ begndate: '2026-01-01', enddate: null }),
          ],
        }),
      ),
    );
    expect(err.issues).toHaveLength(2);
    expect(err.issues).toEqual(
      expect.arrayContaining([
        { path: 'items[1].begndate', message: 'in force 2024-03-01 to 2024-04-01, overlaps items[0] (in force 2024-01-01 to open)' },
        { path: 'items[2].begndate', message: 'in force 2026-01-01 to open, overlaps the stored version in force 2025-01-01 to open' },
      ]),
    );
    expect(await rows(db)).toBe(before);
  });

  it('checks every item and the province, and writes nothing on any problem', async () => {
    const before = await rows(db);
    const err = await rejection(
      db.tx((tx) =>
        importCatalog(tx, system, {
          items: [
            item({ hilist_code: 'B0', selfpay_prop_bp: 0 as CatalogItem['selfpay_prop_bp'] }),
            item({ hilist_code: 'A1', chrgitm_lv: '01' }),
            item({ hilist_code: 'P2', pric_uplmt_fen: 0 as CatalogItem['pric_uplmt_fen'] }),
            item({ hilist_code: 'P3', pric_uplmt_fen: 12.5 as CatalogItem['pric_uplmt_fen'] }),
            item({ hilist_code: 'X4', province: '440100' }),
            item({ hilist_code: 'X5', province: '810000' }),
            { ...item({ hilist_code: 'X6' }), begndate: '2024-02-30' },
          ],
        }),
      ),
    );
    expect(err.message).toMatch(/^the catalogue file was rejected, nothing was imported/);
    expect(err.issues.map((i) => i.path).sort()).toEqual([
      'items[0].selfpay_prop_bp',
      'items[1].selfpay_prop_bp',
      'items[2].pric_uplmt_fen',
      'items[3].pric_uplmt_fen',
      'items[4].province',
      'items[5].province',
      'items[6].begndate',
    ]);
    expect(err.issues.find((i) => i.path === 'items[5].province')!.message).toMatch(/outside the mainland/);
    expect(await rows(db)).toBe(before);
  });

  it('closes a stored version and starts the next one in one import', async () => {
    const code = '001101000010000';
    const result = await db.tx((tx) =>
      importCatalog(tx, gdTreatment, {
        items: [
          item({ hilist_code: code, hilist_name: '普通门诊诊查费', list_type: '201', med_chrgitm_type: '02', chrgitm_lv: '01', selfpay_prop_bp: 0 as CatalogItem['selfpay_prop_bp'], pric_uplmt_fen: null, enddate: '2025-06-30' }),
          item({ hilist_code: code, hilist_name: '普通门诊诊查费', list_type: '201', med_chrgitm_type: '02', chrgitm_lv: '01', selfpay_prop_bp: 0 as CatalogItem['selfpay_prop_bp'], pric_uplmt_fen: 1000 as CatalogItem['pric_uplmt_fen'], begndate: '2025-07-01', enddate: null }),
        ],
      }),
    );
    expect(result).toEqual({ imported: 1, updated: 1 });
    expect((await classifyOn(db, '440000', code, '2025-06-30'))!.pric_uplmt_fen).toBeNull();
    expect((await classifyOn(db, '440000', code, '2025-07-01'))!.pric_uplmt_fen).toBe(1000);
  });

  it("lets only the province's treatment agency write its catalogue", async () => {
    const one = { items: [item({ hilist_code: 'PERM1', enddate: null })] };
    expect((await rejection(db.tx((tx) => importCatalog(tx, gdInsured, one)))).code).toBe('forbidden');
    expect((await rejection(db.tx((tx) => importCatalog(tx, gzTreatment, one)))).code).toBe('forbidden');
    expect((await rejection(db.tx((tx) => importCatalog(tx, undefined, one)))).code).toBe('unauthenticated');
    expect((await rejection(db.tx((tx) => importCatalog(tx, gdTreatment, { items: [item({ province: '320000', hilist_code: 'JS' })] })))).code).toBe('forbidden');
    expect(await db.tx((tx) => importCatalog(tx, gdTreatment, one))).toEqual({ imported: 1, updated: 0 });
  });
});

describe('search and export', () => {
  it('searches by name, code prefix, class, type and date', async () => {
    const all = await searchCatalog(db, { province: '440000', page: 1, page_size: 50 });
    expect(all.total).toBe(all.items.length);
    expect((await searchCatalog(db, { province: '440000', q: '阿莫西林', page: 1, page_size: 50 })).total).toBe(3);
    expect((await searchCatalog(db, { province: '440000', q: 'XA01', date: '2024-06-01', page: 1, page_size: 50 })).items).toEqual([file.items[0]]);
    expect((await searchCatalog(db, { province: '440000', chrgitm_lv: '03', page: 1, page_size: 50 })).items.map((i) => i.hilist_code)).toEqual(['C99']);
    expect((await searchCatalog(db, { province: '440000', list_type: '201', date: '2025-08-01', page: 1, page_size: 50 })).items.map((i) => i.hilist_code)).toEqual([
      '001101000010000',
      'C99',
    ]);
    expect((await searchCatalog(db, { province: '320000', page: 1, page_size: 50 })).total).toBe(1);
  });

  it('exports what imports into a fresh database', async () => {
    const out = await exportCatalog(db, gdInsured, { province: '440000' });
    expect(out.items.every((i) => i.province === '440000')).toBe(true);
    expect((await rejection(exportCatalog(db, undefined))).code).toBe('unauthenticated');
    const fresh = await testDb();
    try {
      await fresh.tx((tx) => seedReference(tx));
      expect((await fresh.tx((tx) => importCatalog(tx, system, JSON.parse(JSON.stringify(out))))).imported).toBe(out.items.length);
      expect(await exportCatalog(fresh, system)).toEqual(out);
      // Importing the same file again changes nothing.
      expect(await fresh.tx((tx) => importCatalog(tx, system, out))).toEqual({ imported: 0, updated: 0 });
    } finally {
      await fresh.close();
    }
  });
});
