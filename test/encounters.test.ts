import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../src/auth/model.ts';
import { importCatalog } from '../src/catalog/service.ts';
import type { Db } from '../src/db/pool.ts';
import type { FeeLineIn } from '../src/encounters/model.ts';
import * as encounters from '../src/encounters/service.ts';
import * as filing from '../src/filing/service.ts';
import { importInstitutions } from '../src/institutions/service.ts';
import { testDb } from './support/db.ts';
import { addPersons, personActor, personOf, seedPlaces, system } from './support/fixtures.ts';

/** The encounters service as the settlement service uses it: locking, marking settled and unsettled, admission ordinals. */

const HARBIN = '230100';
const SHENZHEN = '440300';
const hospital: Principal = { kind: 'institution', code: 'H44030000009', admdvs: SHENZHEN };
const other: Principal = { kind: 'institution', code: 'H44030000017', admdvs: SHENZHEN };
const pharmacy: Principal = { kind: 'institution', code: 'P44030000025', admdvs: SHENZHEN };
const now = new Date('2026-11-23T02:00:00Z');

let db: Db;
const person = personOf(HARBIN);

beforeAll(async () => {
  db = await testDb();
  await db.tx(async (tx) => {
    await seedPlaces(tx, [HARBIN, SHENZHEN], { review_filing_kinds: [] });
    await addPersons(tx, [person]);
    const inst = (code: string, kind: string, services: string[]) => ({ code, name: code, admdvs: SHENZHEN, kind, level: 2, services, chronic_diseases: [], status: 'active', address: null, phone: null });
    await importInstitutions(tx, system, {
      institutions: [inst('H44030000009', 'hospital', ['inpatient', 'outpatient']), inst('H44030000017', 'hospital', ['outpatient']), inst('P44030000025', 'pharmacy', ['pharmacy'])],
    });
    await filing.file(tx, personActor(person), { psn_no: person.psn_no, insutype: '310', kind: 'long_term_resident', area: SHENZHEN, begin_date: '2026-01-01', channel: 'national_app', proof: { type: 'commitment', signed: true } }, '2026-01-01');
    await importCatalog(tx, system, {
      items: [
        { province: '440000', hilist_code: 'A1', hilist_name: 'A', list_type: '201', med_chrgitm_type: '05', chrgitm_lv: '01', selfpay_prop_bp: 0, pric_uplmt_fen: null, begndate: '2025-01-01', enddate: null },
        { province: '440000', hilist_code: 'B1', hilist_name: 'B', list_type: '101', med_chrgitm_type: '09', chrgitm_lv: '02', selfpay_prop_bp: 2000, pric_uplmt_fen: null, begndate: '2025-01-01', enddate: null },
      ],
    });
  });
});
afterAll(async () => {
  await db?.close();
});

const line = (sn: string, code: string, pric: string, cnt: string | number, amount: string, at = '2026-11-23 09:00:00'): FeeLineIn => ({
  feedetl_sn: sn,
  fee_ocur_time: at,
  med_list_codg: code,
  pric,
  cnt,
  det_item_fee_sumamt: amount,
});

async function admit(begntime = '2026-11-23 08:00:00'): Promise<string> {
  return db.tx(async (tx) => (await encounters.register(tx, hospital, { visit_kind: 'inpatient', psn_no: person.psn_no, insutype: '310', begntime, med_type: '21' }, now)).mdtrt_id);
}

describe('settlement hooks', () => {
  let visit: string;
  let setlLines: number[];

  it('gives the settlement service the locked visit, its unsettled lines and their totals', async () => {
    visit = await admit();
    await db.tx((tx) => encounters.uploadFees(tx, hospital, visit, [line('1', 'A1', '100.00', 1, '100.00'), line('2', 'B1', '10.00', '2.5', '25.00'), line('3', 'A1', '1.00', 1, '1.00')], now));
    await db.tx((tx) => encounters.cancelFees(tx, hospital, visit, { feedetl_sn: '3' }, now));
    const got = await db.tx((tx) => encounters.visitForSettlement(tx, hospital, visit));
    expect(got.visit).toMatchObject({ mdtrt_id: visit, status: 'open', visit_kind: 'inpatient', filing_kind: 'long_term_resident', settled_setl_id: null, begntime: '2026-11-23 08:00:00' });
    expect(got.lines.map((l) => [l.feedetl_sn, l.qty_e4, l.status])).toEqual([['1', 10000, 'uploaded'], ['2', 25000, 'uploaded']]);
    expect(got.totals).toEqual({ fulamt_ownpay_fen: 0, overlmt_fen: 0, preselfpay_fen: 500, inscp_scp_fen: 12000 });
    setlLines = got.lines.map((l) => l.id);
    await expect(db.tx((tx) => encounters.visitForSettlement(tx, other, visit))).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/another institution/) });
    await expect(db.tx((tx) => encounters.visitForSettlement(tx, system, visit))).resolves.toMatchObject({ visit: { mdtrt_id: visit } });
    await expect(db.tx((tx) => encounters.visitForSettlement(tx, personActor(person), visit))).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('marks the lines settled; nothing changes a settled visit until the settlement is cancelled', async () => {
    await expect(db.tx((tx) => encounters.markSettled(tx, visit, 'A440300261123000000009', [...setlLines, 999999]))).rejects.toMatchObject({ code: 'conflict' });
    await db.tx((tx) => encounters.markSettled(tx, visit, 'A440300261123000000001', setlLines));
    const rows = (await db.query('SELECT status, setl_id FROM fee_line WHERE mdtrt_id = $1 ORDER BY id', [visit])).rows;
    expect(rows).toEqual([{ status: 'settled', setl_id: 'A440300261123000000001' }, { status: 'settled', setl_id: 'A440300261123000000001' }, { status: 'cancelled', setl_id: null }]);
    const settled = /is settled \(setl_id A440300261123000000001\): cancel the settlement first/;
    await expect(db.tx((tx) => encounters.uploadFees(tx, hospital, visit, [line('9', 'A1', '1.00', 1, '1.00')], now))).rejects.toThrow(settled);
    await expect(db.tx((tx) => encounters.cancelRegistration(tx, hospital, visit, now))).rejects.toThrow(settled);
    await expect(db.tx((tx) => encounters.discharge(tx, hospital, visit, { endtime: '2026-11-23 09:30:00' }, now))).rejects.toThrow(settled);
    await expect(db.tx((tx) => encounters.cancelFees(tx, hospital, visit, { feedetl_sn: '1' }, now))).rejects.toThrow(/fee line 1 is settled/);
    await expect(db.tx((tx) => encounters.markSettled(tx, visit, 'A440300261123000000002', setlLines))).rejects.toMatchObject({ code: 'conflict' });
    expect((await db.tx((tx) => encounters.visitForSettlement(tx, hospital, visit))).lines).toEqual([]);
  });

  it('puts the lines back after a cancelled settlement', async () => {
    await expect(db.tx((tx) => encounters.markUnsettled(tx, visit, 'A440300261123000000002'))).rejects.toMatchObject({ code: 'conflict' });
    await db.tx((tx) => encounters.markUnsettled(tx, visit, 'A440300261123000000001'));
    const got = await db.tx((tx) => encounters.visitForSettlement(tx, hospital, visit));
    expect(got.visit.settled_setl_id).toBeNull();
    expect(got.lines.map((l) => l.id)).toEqual(setlLines);
    expect(got.totals.inscp_scp_fen).toBe(12000);
  });

  it('counts the settled admissions of the year before this one', async () => {
    expect(await encounters.admissionOrdinal(db, person.psn_no, '310', 2026)).toBe(1);
    await db.tx(async (tx) => {
      await encounters.discharge(tx, hospital, visit, { endtime: '2026-11-23 09:30:00' }, now);
      await encounters.markSettled(tx, visit, 'A440300261123000000003', setlLines);
    });
    expect(await encounters.admissionOrdinal(db, person.psn_no, '310', 2026)).toBe(2);
    expect(await encounters.admissionOrdinal(db, person.psn_no, '310', 2026, { mdtrt_id: visit })).toBe(1);
    expect(await encounters.admissionOrdinal(db, person.psn_no, '310', 2025)).toBe(1);
    expect(await encounters.admissionOrdinal(db, person.psn_no, '390', 2026)).toBe(1);
  });

  it('refuses to settle a cancelled visit', async () => {
    const stay = await admit('2026-11-23 09:45:00');
    await db.tx((tx) => encounters.cancelRegistration(tx, hospital, stay, now));
    await expect(db.tx((tx) => encounters.visitForSettlement(tx, hospital, stay))).rejects.toThrow(/was cancelled: it cannot be settled/);
  });
});

describe('pharmacy purchases', () => {
  it('prices a purchase without storing it, and registers one at a pharmacy only', async () => {
    const before = Number((await db.query('SELECT count(*) AS n FROM fee_line')).rows[0].n);
    const priced = await db.tx((tx) => encounters.classifyFees(tx, pharmacy, [line('1', 'B1', '10.00', 3, '30.00'), line('2', 'NOPE', '5.00', 1, '5.00')], now));
    expect(priced.map((l) => [l.chrgitm_lv, l.preselfpay_fen, l.inscp_scp_fen, l.fulamt_ownpay_fen])).toEqual([['02', 600, 2400, 0], ['03', 0, 0, 500]]);
    expect(Number((await db.query('SELECT count(*) AS n FROM fee_line')).rows[0].n)).toBe(before);
    await expect(db.tx((tx) => encounters.classifyFees(tx, pharmacy, [line('1', 'B1', '10.00', -1, '-10.00')], now))).rejects.toMatchObject({
      issues: [{ path: 'feedetail[0].cnt', message: expect.stringMatching(/must be positive/) }],
    });

    const { mdtrt_id } = await db.tx((tx) => encounters.register(tx, pharmacy, { visit_kind: 'pharmacy', psn_no: person.psn_no, insutype: '310', begntime: '2026-11-23 09:50:00' }, now));
    expect((await db.query('SELECT med_type, visit_kind FROM encounter WHERE mdtrt_id = $1', [mdtrt_id])).rows[0]).toEqual({ med_type: '41', visit_kind: 'pharmacy' });
    await expect(db.tx((tx) => encounters.register(tx, hospital, { visit_kind: 'pharmacy', psn_no: person.psn_no, insutype: '310', begntime: '2026-11-23 09:50:00' }, now))).rejects.toThrow(
      /has no cross-regional pharmacy purchase service open/,
    );
    await expect(db.tx((tx) => encounters.register(tx, other, { visit_kind: 'inpatient', psn_no: person.psn_no, insutype: '310', begntime: '2026-11-23 09:50:00', med_type: '21' }, now))).rejects.toThrow(
      /has no cross-regional inpatient service open/,
    );
  });

  it('lets only institutions register visits', async () => {
    const input = { visit_kind: 'outpatient' as const, psn_no: person.psn_no, insutype: '310', begntime: '2026-11-23 09:50:00' };
    await expect(db.tx((tx) => encounters.register(tx, undefined, input, now))).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(db.tx((tx) => encounters.register(tx, personActor(person), input, now))).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('the database keeps the fee line identities', () => {
  it('refuses a line whose parts do not sum to its amount', async () => {
    const visit = (await db.query("SELECT mdtrt_id FROM encounter WHERE status = 'discharged' LIMIT 1")).rows[0].mdtrt_id;
    await expect(
      db.query(
        `INSERT INTO fee_line (mdtrt_id, feedetl_sn, fee_ocur_time, qty_e4, pric_fen, det_item_fee_sumamt_fen, listed, chrgitm_lv, selfpay_prop_bp,
                               fulamt_ownpay_fen, overlmt_fen, preselfpay_fen, inscp_scp_fen, med_chrgitm_type, created_at)
         VALUES ($1, 'X', now(), 10000, 100, 100, true, '01', 0, 0, 0, 0, 99, '05', now())`,
        [visit],
      ),
    ).rejects.toThrow(/check constraint/);
  });
});
