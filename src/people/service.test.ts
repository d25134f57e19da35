import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../test/support/db.ts';
import type { Principal } from '../auth/model.ts';
import { certnoFor } from '../core/idcard.ts';
import { DomainError } from '../core/errors.ts';
import type { Db, Queryable } from '../db/pool.ts';
import { seedReference } from '../reference/service.ts';
import type { PersonRecord } from './model.ts';
import { exportPersons, findPerson, getPersonOverview, importPersons, insuranceOn, listPersons, lookupPerson } from './service.ts';

const system: Principal = { kind: 'system', name: 'test' };
const gzAgency: Principal = { kind: 'insured_agency', userId: 1, username: 'gz', region: '440100' };
const gdAgency: Principal = { kind: 'insured_agency', userId: 2, username: 'gd', region: '440000' };
const njAgency: Principal = { kind: 'insured_agency', userId: 3, username: 'nj', region: '320100' };
const gzTreatment: Principal = { kind: 'treatment_agency', userId: 4, username: 'gzt', region: '440100' };
const national: Principal = { kind: 'national', userId: 5, username: 'nhsa' };
const TODAY = '2025-06-01';

/** A valid record: person `i` insured in `area`, an employee with an account when `employee`. */
function person(i: number, area: string, employee = true): PersonRecord {
  const birth = `19${String(50 + (i % 50)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 10}`;
  const sequence = i % 1000;
  return {
    psn_no: `${area}${String(i).padStart(14, '0')}`,
    psn_cert_type: '01',
    certno: certnoFor('440106', birth, sequence),
    ss_card_no: `SS${String(i).padStart(9, '0')}`,
    ss_card_sn: null,
    evoucher_token: `EV${String(i).padStart(16, '0')}`,
    name: `测试${i}`,
    gender: sequence % 2 === 1 ? '1' : '2',
    naty: '01',
    birth_date: birth,
    phone: `138${String(i).padStart(8, '0')}`,
    insuplc_admdvs: area,
    enrolments: [
      employee
        ? { insutype: '310', psn_type: '1101', insuplc_admdvs: area, status: 'active', begin_date: '2010-01-01', suspended_date: null, cvlserv_flag: '0', emp_name: '某公司' }
        : { insutype: '390', psn_type: '1501', insuplc_admdvs: area, status: 'active', begin_date: '2010-01-01', suspended_date: null, cvlserv_flag: '0', emp_name: null },
    ],
    ...(employee ? { account_balance_fen: (1000 * i) as PersonRecord['account_balance_fen'] } : {}),
    qualifications: i % 3 === 0 ? [{ insuplc_admdvs: area, disease_code: 'M03900', begin_date: '2020-01-01', end_date: null }] : [],
  };
}

async function count(q: Queryable, table: string): Promise<number> {
  return Number((await q.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
}

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
  await db.tx((tx) =>
    importPersons(tx, system, { persons: [person(1, '440100'), person(2, '440100', false), person(3, '320100'), person(4, '440300')] }, { today: TODAY }),
  );
});
afterAll(async () => {
  await db?.close();
});

describe('importPersons', () => {
  it('stores persons, enrolments, opening balances as movements, qualifications and one audit row', async () => {
    expect(await count(db, 'person')).toBe(4);
    expect(await count(db, 'enrolment')).toBe(4);
    expect(await count(db, 'personal_account')).toBe(3);
    const movements = await db.query(`SELECT psn_no, amount_fen, balance_fen, reason FROM personal_account_movement WHERE psn_no = $1`, [
      '44010000000000000001',
    ]);
    expect(movements.rows[0]).toEqual({ psn_no: '44010000000000000001', amount_fen: '1000', balance_fen: '1000', reason: 'opening' });
    expect(await count(db, 'disease_qualification')).toBe(1);
    const audits = await db.query(`SELECT detail FROM audit_log WHERE entity = 'person'`);
    expect(audits.rows).toHaveLength(1);
    expect(audits.rows[0].detail).toEqual({ count: 4, areas: { '440100': 2, '320100': 1, '440300': 1 } });
  });

  it('rejects a file naming every bad path, and writes nothing', async () => {
    const bad = [person(10, '440100'), person(11, '440100'), person(12, '440100'), person(13, '440100'), person(14, '440100'), person(15, '440100')];
    bad[0]!.certno = bad[0]!.certno.slice(0, 17) + (bad[0]!.certno[17] === '0' ? '1' : '0'); // wrong check digit
    bad[1]!.birth_date = '1990-01-01'; // disagrees with the ID number
    bad[2]!.enrolments[0]!.status = 'suspended'; // without a suspended date
    bad[3]!.insuplc_admdvs = '440000'; // a province, not a pooling area, and not the psn_no's area
    bad[3]!.enrolments[0]!.insuplc_admdvs = '440000';
    (bad[4] as { enrolments: unknown[] }).enrolments = [{ ...bad[4]!.enrolments[0], insutype: '31', begin_date: '2010-02-30' }];
    bad[5]!.qualifications = [{ insuplc_admdvs: '440100', disease_code: 'X99999', begin_date: '2020-01-01', end_date: '2019-01-01' }];
    const resident = person(16, '440100', false);
    (resident as { account_balance_fen?: number }).account_balance_fen = 500;
    const before = await count(db, 'person');
    const err = await rejection(db.tx((tx) => importPersons(tx, system, { persons: [...bad, resident] }, { today: TODAY })));
    expect(err.code).toBe('validation');
    expect(err.message).toMatch(/^the persons file was rejected, nothing was imported/);
    const paths = err.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'persons[0].certno',
        'persons[1].birth_date',
        'persons[2].enrolments[0].suspended_date',
        'persons[3].psn_no',
        'persons[3].insuplc_admdvs',
        'persons[3].enrolments[0].insuplc_admdvs',
        'persons[4].enrolments[0].insutype',
        'persons[4].enrolments[0].begin_date',
        'persons[5].qualifications[0].disease_code',
        'persons[5].qualifications[0].end_date',
        'persons[6].account_balance_fen',
      ]),
    );
    expect(err.issues.find((i) => i.path === 'persons[3].insuplc_admdvs' && /province/.test(i.message))).toBeDefined();
    expect(await count(db, 'person')).toBe(before);
    expect(await count(db, 'enrolment')).toBe(4);
  });

  it('refuses duplicates inside the file and clashes with stored persons', async () => {
    const a = person(20, '440100');
    const b = { ...person(21, '440100'), certno: a.certno, birth_date: a.birth_date, gender: a.gender };
    const c = { ...person(22, '440100'), evoucher_token: person(1, '440100').evoucher_token };
    const d = { ...person(23, '440100'), ss_card_no: a.ss_card_no };
    const e = person(1, '440100');
    const err = await rejection(db.tx((tx) => importPersons(tx, system, { persons: [a, b, c, d, e] }, { today: TODAY })));
    expect(err.issues).toEqual(
      expect.arrayContaining([
        { path: 'persons[1].certno', message: 'repeats persons[0].certno' },
        { path: 'persons[3].ss_card_no', message: 'repeats persons[0].ss_card_no' },
        { path: 'persons[2].evoucher_token', message: expect.stringMatching(/already has/) },
        { path: 'persons[4].psn_no', message: expect.stringMatching(/already has/) },
        { path: 'persons[4].certno', message: expect.stringMatching(/already has/) },
      ]),
    );
    expect(await count(db, 'person')).toBe(4);
  });

  it('answers a malformed file with the field, not a crash', async () => {
    const err = await rejection(db.tx((tx) => importPersons(tx, system, { people: [] })));
    expect(err.issues).toEqual([{ path: 'persons', message: 'is required' }]);
    const err2 = await rejection(db.tx((tx) => importPersons(tx, system, { persons: [42, { psn_no: 'x' }] })));
    expect(err2.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['persons[0]', 'persons[1].psn_no', 'persons[1].certno']));
  });

  it('lets only the insured agency of each area import, never a treatment agency or a person', async () => {
    const gz = person(30, '440100');
    expect((await rejection(db.tx((tx) => importPersons(tx, gzTreatment, { persons: [gz] })))).code).toBe('forbidden');
    expect((await rejection(db.tx((tx) => importPersons(tx, njAgency, { persons: [gz] })))).code).toBe('forbidden');
    const self: Principal = { kind: 'person', userId: 9, psnNo: gz.psn_no, name: gz.name };
    expect((await rejection(db.tx((tx) => importPersons(tx, self, { persons: [gz] })))).code).toBe('forbidden');
    expect((await rejection(db.tx((tx) => importPersons(tx, undefined, { persons: [gz] })))).code).toBe('unauthenticated');
    expect(await db.tx((tx) => importPersons(tx, gzAgency, { persons: [gz] }, { today: TODAY }))).toEqual({ imported: 1 });
  });
});

describe('finding and reading persons', () => {
  const p1 = person(1, '440100');
  const self: Principal = { kind: 'person', userId: 7, psnNo: p1.psn_no, name: p1.name };

  it('finds a person by each of the three credentials', async () => {
    expect((await findPerson(db, gzAgency, { type: 'id_card', certno: p1.certno })).psn_no).toBe(p1.psn_no);
    expect((await findPerson(db, gzAgency, { type: 'ss_card', ss_card_no: p1.ss_card_no! })).psn_no).toBe(p1.psn_no);
    expect((await findPerson(db, gzAgency, { type: 'evoucher', token: p1.evoucher_token! })).psn_no).toBe(p1.psn_no);
    expect((await rejection(findPerson(db, gzAgency, { type: 'evoucher', token: 'EVnobody00000000' }))).code).toBe('not_found');
  });

  it('accepts a lowercase x check character', async () => {
    const sequence = Array.from({ length: 500 }, (_, k) => 2 * k + 1).find((k) => certnoFor('110101', '1980-05-05', k).endsWith('X'))!;
    const x = { ...person(40, '440100'), certno: certnoFor('110101', '1980-05-05', sequence), birth_date: '1980-05-05', gender: '1' as const };
    await db.tx((tx) => importPersons(tx, system, { persons: [{ ...x, certno: x.certno.toLowerCase() }] }, { today: TODAY }));
    expect((await findPerson(db, gzAgency, { type: 'id_card', certno: x.certno.toLowerCase() })).certno).toBe(x.certno);
  });

  it('shows a person their own overview unmasked, but not anyone else', async () => {
    const mine = await getPersonOverview(db, self, p1.psn_no);
    expect(mine.person.certno).toBe(p1.certno);
    expect(mine.account).toEqual({ balance_fen: 1000 });
    expect(mine.enrolments).toEqual([{ psn_no: p1.psn_no, ...p1.enrolments[0] }]);
    expect(mine.qualifications).toEqual([]);
    const other = person(2, '440100', false);
    expect((await rejection(getPersonOverview(db, self, other.psn_no))).code).toBe('forbidden');
    expect((await rejection(findPerson(db, self, { type: 'id_card', certno: other.certno }))).code).toBe('forbidden');
    expect((await rejection(getPersonOverview(db, undefined, p1.psn_no))).code).toBe('unauthenticated');
  });

  it("lets an insured agency read its region's people, not another region's", async () => {
    const nj = person(3, '320100');
    expect((await getPersonOverview(db, njAgency, nj.psn_no)).person.certno).toBe(nj.certno);
    expect((await rejection(getPersonOverview(db, njAgency, p1.psn_no))).code).toBe('forbidden');
    expect((await rejection(findPerson(db, gzAgency, { type: 'id_card', certno: nj.certno }))).code).toBe('forbidden');
    // A provincial agency covers every pooling area of its province.
    expect((await getPersonOverview(db, gdAgency, person(4, '440300').psn_no)).person.insuplc_admdvs).toBe('440300');
    expect((await rejection(getPersonOverview(db, gzTreatment, p1.psn_no))).code).toBe('forbidden');
  });

  it('masks the overview for the national operator and lookups for those without the right', async () => {
    const o = await getPersonOverview(db, national, p1.psn_no);
    expect(o.person.certno).toBe(`${p1.certno.slice(0, 6)}********${p1.certno.slice(-4)}`);
    expect(o.person.phone).toBe(`138****${p1.phone!.slice(-4)}`);
    expect((await lookupPerson(db, national, { type: 'ss_card', ss_card_no: p1.ss_card_no! })).certno).toMatch(/\*{8}/);
    expect((await lookupPerson(db, gzAgency, { type: 'ss_card', ss_card_no: p1.ss_card_no! })).certno).toBe(p1.certno);
  });

  it('lists persons in scope, masked', async () => {
    const gz = await listPersons(db, gzAgency, { page: 1, page_size: 50 });
    expect(gz.items.every((p) => p.insuplc_admdvs === '440100')).toBe(true);
    expect(gz.items.length).toBe(gz.total);
    expect(gz.items[0]!.certno).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
    expect(gz.items[0]!.phone).toMatch(/^138\*{4}\d{4}$/);
    const gd = await listPersons(db, gdAgency, { page: 1, page_size: 50 });
    expect(gd.items.map((p) => p.insuplc_admdvs)).toContain('440300');
    expect(gd.items.map((p) => p.insuplc_admdvs)).not.toContain('320100');
    expect((await listPersons(db, self, { page: 1, page_size: 50 })).items.map((p) => p.psn_no)).toEqual([p1.psn_no]);
    expect((await rejection(listPersons(db, njAgency, { insuplc_admdvs: '440100', page: 1, page_size: 50 }))).code).toBe('forbidden');
    expect((await rejection(listPersons(db, gzTreatment, { page: 1, page_size: 50 }))).code).toBe('forbidden');
    const byName = await listPersons(db, national, { q: '测试3', page: 1, page_size: 50 });
    expect(byName.items.map((p) => p.name)).toContain('测试3');
    const page2 = await listPersons(db, national, { page: 2, page_size: 2 });
    expect(page2.items).toHaveLength(2);
  });
});

describe('insuranceOn', () => {
  it("answers the person's enrolment on a date", async () => {
    const p = person(50, '440100');
    p.enrolments = [{ ...p.enrolments[0]!, status: 'suspended', suspended_date: '2025-01-01' }];
    await db.tx((tx) => importPersons(tx, system, { persons: [p] }, { today: TODAY }));
    expect(await insuranceOn(db, p.psn_no, null, '2024-12-31')).toMatchObject({ insutype: '310', insuplc_admdvs: '440100', active: true });
    expect((await insuranceOn(db, p.psn_no, '310', '2025-01-01')).active).toBe(false);
    expect((await rejection(insuranceOn(db, p.psn_no, '390', '2025-01-01'))).code).toBe('not_found');
    expect((await rejection(insuranceOn(db, '44010099999999999999', null, '2025-01-01'))).code).toBe('not_found');
  });
});

describe('export and import round trip', () => {
  it('exports what imports into a fresh database, unchanged', async () => {
    const file = await exportPersons(db, national);
    expect(file.persons.length).toBe(await count(db, 'person'));
    expect(file.persons.find((p) => p.psn_no === person(3, '320100').psn_no)?.qualifications).toHaveLength(1);
    const fresh = await testDb();
    try {
      await fresh.tx((tx) => seedReference(tx));
      const result = await fresh.tx((tx) => importPersons(tx, system, JSON.parse(JSON.stringify(file)), { today: TODAY }));
      expect(result.imported).toBe(file.persons.length);
      expect(await exportPersons(fresh, national)).toEqual(file);
    } finally {
      await fresh.close();
    }
  });

  it("scopes an export to the actor's region", async () => {
    const nj = await exportPersons(db, njAgency);
    expect(nj.persons.map((p) => p.insuplc_admdvs)).toEqual(['320100']);
    expect((await rejection(exportPersons(db, njAgency, { insuplc_admdvs: '440100' }))).code).toBe('forbidden');
    expect((await exportPersons(db, gdAgency, { insuplc_admdvs: '440300' })).persons).toHaveLength(1);
  });
});

describe('bulk import', () => {
  it('imports 5 000 generated persons in batches', async () => {
    const bulk = await testDb();
    try {
      await bulk.tx((tx) => seedReference(tx));
      const areas = ['440100', '440300', '320100', '110000'];
      const all = Array.from({ length: 5000 }, (_, i) => {
        const area = areas[i % areas.length]!;
        const p = person(100_000 + i, area, i % 2 === 0);
        // Vary the ID numbers' area so the 1 000 sequence numbers per birth date never repeat.
        p.certno = certnoFor(String(110101 + Math.floor(i / 1000)), p.birth_date, (100_000 + i) % 1000);
        return p;
      });
      const started = Date.now();
      for (let k = 0; k < all.length; k += 2500) {
        const batch = all.slice(k, k + 2500);
        expect(await bulk.tx((tx) => importPersons(tx, system, { persons: batch }, { today: TODAY }))).toEqual({ imported: 2500 });
      }
      const elapsed = Date.now() - started;
      expect(await count(bulk, 'person')).toBe(5000);
      expect(await count(bulk, 'personal_account_movement')).toBe(2500);
      expect(Number((await bulk.query(`SELECT count(*) AS n FROM audit_log WHERE entity = 'person'`)).rows[0].n)).toBe(2);
      // A trusted batch skips the clash queries but still checks every record.
      const broken = { ...person(200_000, '440100'), birth_date: '2001-01-01' };
      const err = await rejection(bulk.tx((tx) => importPersons(tx, system, { persons: [broken] }, { trusted: true, today: TODAY })));
      expect(err.issues.map((i) => i.path)).toEqual(['persons[0].birth_date']);
      expect(elapsed).toBeLessThan(30_000);
    } finally {
      await bulk.close();
    }
  });
});
