import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../test/support/db.ts';
import type { Principal } from '../auth/model.ts';
import { importCatalog } from '../catalog/service.ts';
import type { CatalogItem } from '../catalog/model.ts';
import { DomainError } from '../core/errors.ts';
import type { Db } from '../db/pool.ts';
import { seedReference } from '../reference/service.ts';
import type { Institution } from './model.ts';
import {
  exportInstitutions,
  exportItemMappings,
  getInstitution,
  importInstitutions,
  importItemMappings,
  mappedHilistCode,
  searchInstitutions,
} from './service.ts';

const system: Principal = { kind: 'system', name: 'test' };
const gzTreatment: Principal = { kind: 'treatment_agency', userId: 1, username: 'gzt', region: '440100' };
const gzInsured: Principal = { kind: 'insured_agency', userId: 2, username: 'gzi', region: '440100' };

const inst = (over: Partial<Institution> & Pick<Institution, 'code' | 'name' | 'admdvs'>): Institution => ({
  kind: 'hospital',
  level: 3,
  services: ['inpatient', 'outpatient'],
  chronic_diseases: [],
  status: 'active',
  address: null,
  phone: null,
  ...over,
});

const register: Institution[] = [
  inst({ code: 'H44010000001', name: '中山大学附属第一医院', admdvs: '440100', chronic_diseases: ['M03900', 'M07800'] }),
  inst({ code: 'H44010000002', name: '广州市第一人民医院', admdvs: '440100', level: 2, services: ['inpatient'] }),
  inst({ code: 'H44010000003', name: '越秀区社区卫生服务中心', admdvs: '440100', kind: 'clinic', level: 1, services: ['outpatient'], chronic_diseases: ['M03900'] }),
  inst({ code: 'P44010000001', name: '大参林药房', admdvs: '440100', kind: 'pharmacy', level: 1, services: ['pharmacy'] }),
  inst({ code: 'H44030000001', name: '深圳市人民医院', admdvs: '440300', status: 'suspended', address: '深圳市罗湖区东门北路1017号', phone: '0755-25533018' }),
  inst({ code: 'H32010000001', name: '江苏省人民医院', admdvs: '320100' }),
];

const page = { page: 1, page_size: 50 };

async function rejection(p: Promise<unknown>): Promise<DomainError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
}

let db: Db;
beforeAll(async () => {
  db = await testDb();
  await db.tx((tx) => seedReference(tx));
  await db.tx((tx) => importInstitutions(tx, system, { institutions: register }));
});
afterAll(async () => {
  await db?.close();
});

describe('importInstitutions', () => {
  it('stores the register and reads one back', async () => {
    expect(await getInstitution(db, 'H44030000001')).toEqual(register[4]);
    expect((await rejection(getInstitution(db, 'H00000000000'))).code).toBe('not_found');
  });

  it('checks codes, services, diseases and areas, and writes nothing on any problem', async () => {
    const err = await rejection(
      db.tx((tx) =>
        importInstitutions(tx, system, {
          institutions: [
            inst({ code: 'P44010000009', name: '医院', admdvs: '440100' }),
            inst({ code: 'P44010000010', name: '药房', admdvs: '440100', kind: 'pharmacy', services: ['pharmacy', 'outpatient'] }),
            inst({ code: 'H44010000011', name: '医院', admdvs: '440100', services: ['inpatient'], chronic_diseases: ['M03900', 'NOPE'] }),
            inst({ code: 'H44000000012', name: '医院', admdvs: '440000' }),
            inst({ code: 'H4401', name: '', admdvs: '440100', level: 4 as 3 }),
            inst({ code: 'H44010000013', name: '医院', admdvs: '440100' }),
            inst({ code: 'H44010000013', name: '医院', admdvs: '440100' }),
          ],
        }),
      ),
    );
    expect(err.issues.map((i) => i.path).sort()).toEqual([
      'institutions[0].code',
      'institutions[1].services',
      'institutions[2].chronic_diseases',
      'institutions[2].chronic_diseases[1]',
      'institutions[3].admdvs',
      'institutions[4].code',
      'institutions[4].level',
      'institutions[4].name',
      'institutions[6].code',
    ]);
    expect(Number((await db.query('SELECT count(*) AS n FROM institution')).rows[0].n)).toBe(register.length);
  });

  it('lets only the treatment agency of the area write, also when an institution moves', async () => {
    const changed = { ...register[0]!, services: ['inpatient', 'outpatient'] as Institution['services'], chronic_diseases: ['M03900'] };
    expect((await rejection(db.tx((tx) => importInstitutions(tx, gzInsured, { institutions: [changed] })))).code).toBe('forbidden');
    expect((await rejection(db.tx((tx) => importInstitutions(tx, undefined, { institutions: [changed] })))).code).toBe('unauthenticated');
    const moved = { ...register[4]!, admdvs: '440100' };
    expect((await rejection(db.tx((tx) => importInstitutions(tx, gzTreatment, { institutions: [moved] })))).code).toBe('forbidden');
    expect(await db.tx((tx) => importInstitutions(tx, gzTreatment, { institutions: [changed] }))).toEqual({ imported: 1 });
    expect((await getInstitution(db, changed.code)).chronic_diseases).toEqual(['M03900']);
    await db.tx((tx) => importInstitutions(tx, gzTreatment, { institutions: [register[0]!] }));
  });
});

describe('searchInstitutions', () => {
  const codes = async (q: Parameters<typeof searchInstitutions>[1]) => (await searchInstitutions(db, q)).items.map((i) => i.code);

  it('searches by pooling area or whole province', async () => {
    expect(await codes({ admdvs: '440100', ...page })).toEqual(['H44010000001', 'H44010000002', 'H44010000003', 'P44010000001']);
    expect(await codes({ admdvs: '440000', ...page })).toEqual(['H44010000001', 'H44010000002', 'H44010000003', 'H44030000001', 'P44010000001']);
    expect(await codes({ admdvs: '320000', ...page })).toEqual(['H32010000001']);
    expect((await searchInstitutions(db, page)).total).toBe(register.length);
  });

  it('searches by level, kind, service, disease, name and status', async () => {
    expect(await codes({ admdvs: '440000', level: 3, ...page })).toEqual(['H44010000001', 'H44030000001']);
    expect(await codes({ kind: 'pharmacy', ...page })).toEqual(['P44010000001']);
    expect(await codes({ service: 'outpatient', admdvs: '440100', ...page })).toEqual(['H44010000001', 'H44010000003']);
    expect(await codes({ disease: 'M07800', ...page })).toEqual(['H44010000001']);
    expect(await codes({ disease: 'M03900', level: 1, ...page })).toEqual(['H44010000003']);
    expect(await codes({ q: '人民医院', ...page })).toEqual(['H32010000001', 'H44010000002', 'H44030000001']);
    expect(await codes({ q: '100%', ...page })).toEqual([]);
    expect(await codes({ status: 'suspended', ...page })).toEqual(['H44030000001']);
    const paged = await searchInstitutions(db, { page: 2, page_size: 4 });
    expect(paged).toMatchObject({ total: 6, page: 2, page_size: 4 });
    expect(paged.items).toHaveLength(2);
  });
});

describe('item mappings', () => {
  beforeAll(async () => {
    const drug: CatalogItem = {
      province: '440000',
      hilist_code: 'XA01CAA025A001010100483',
      hilist_name: '阿莫西林胶囊',
      list_type: '101',
      med_chrgitm_type: '09',
      chrgitm_lv: '02',
      selfpay_prop_bp: 1000,
      pric_uplmt_fen: null,
      begndate: '2024-01-01',
      enddate: null,
    } as CatalogItem;
    await db.tx((tx) => importCatalog(tx, system, { items: [drug, { ...drug, province: '320000', hilist_code: 'JS-ONLY' }] }));
  });

  it('maps local codes to catalogue codes of the institution’s province and resolves them', async () => {
    const mappings = [
      { institution_code: 'H44010000001', medins_list_codg: 'YP0001', hilist_code: 'XA01CAA025A001010100483' },
      { institution_code: 'P44010000001', medins_list_codg: 'amx-250', hilist_code: 'XA01CAA025A001010100483' },
    ];
    expect(await db.tx((tx) => importItemMappings(tx, gzTreatment, { mappings }))).toEqual({ imported: 2 });
    expect(await mappedHilistCode(db, 'H44010000001', 'YP0001')).toBe('XA01CAA025A001010100483');
    expect(await mappedHilistCode(db, 'H44010000001', 'unknown')).toBeNull();
    expect(await exportItemMappings(db, system, { admdvs: '440100' })).toEqual({
      mappings: [...mappings].sort((a, b) => a.institution_code.localeCompare(b.institution_code)),
    });
  });

  it('refuses unknown institutions, codes outside the province catalogue and repeats', async () => {
    const err = await rejection(
      db.tx((tx) =>
        importItemMappings(tx, system, {
          mappings: [
            { institution_code: 'H44010000009', medins_list_codg: 'A', hilist_code: 'XA01CAA025A001010100483' },
            { institution_code: 'H44010000001', medins_list_codg: 'B', hilist_code: 'JS-ONLY' },
            { institution_code: 'H44010000001', medins_list_codg: 'C', hilist_code: 'XA01CAA025A001010100483' },
            { institution_code: 'H44010000001', medins_list_codg: 'C', hilist_code: 'XA01CAA025A001010100483' },
            { institution_code: 'H44010000001', medins_list_codg: '' },
          ],
        }),
      ),
    );
    expect(err.issues.map((i) => i.path).sort()).toEqual([
      'mappings[0].institution_code',
      'mappings[1].hilist_code',
      'mappings[3].medins_list_codg',
      'mappings[4].hilist_code',
      'mappings[4].medins_list_codg',
    ]);
    const szTreatment: Principal = { ...gzTreatment, region: '440300' };
    const gzMapping = { institution_code: 'H44010000001', medins_list_codg: 'D', hilist_code: 'XA01CAA025A001010100483' };
    expect((await rejection(db.tx((tx) => importItemMappings(tx, szTreatment, { mappings: [gzMapping] })))).code).toBe('forbidden');
  });
});

describe('exportInstitutions', () => {
  it('exports what imports into a fresh database', async () => {
    const out = await exportInstitutions(db, gzInsured, {});
    expect(out.institutions).toHaveLength(register.length);
    expect((await exportInstitutions(db, gzInsured, { admdvs: '440000' })).institutions).toHaveLength(5);
    expect((await rejection(exportInstitutions(db, undefined))).code).toBe('unauthenticated');
    const fresh = await testDb();
    try {
      await fresh.tx((tx) => seedReference(tx));
      await fresh.tx((tx) => importInstitutions(tx, system, JSON.parse(JSON.stringify(out))));
      expect(await exportInstitutions(fresh, system)).toEqual(out);
    } finally {
      await fresh.close();
    }
  });
});
