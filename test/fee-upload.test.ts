import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../src/auth/model.ts';
import { importCatalog } from '../src/catalog/service.ts';
import type { Db, Queryable } from '../src/db/pool.ts';
import type { FeeLineIn } from '../src/encounters/model.ts';
import * as encounters from '../src/encounters/service.ts';
import * as filing from '../src/filing/service.ts';
import { importInstitutions, importItemMappings } from '../src/institutions/service.ts';
import { testDb } from './support/db.ts';
import { addPersons, personActor, personOf, seedPlaces, system } from './support/fixtures.ts';

/**
 * Fee upload as one batch: the catalogue looked up together for the whole
 * batch (each line still by the version in force on its own fee date), and the
 * answer built from what was written rather than read back.
 */

const HARBIN = '230100';
const SHENZHEN = '440300';
const HOSPITAL = 'H44030000009';
const hospital: Principal = { kind: 'institution', code: HOSPITAL, admdvs: SHENZHEN };
const now = new Date('2026-11-23T04:00:00Z');
const person = personOf(HARBIN);

let db: Db;

beforeAll(async () => {
  db = await testDb();
  await db.tx(async (tx) => {
    await seedPlaces(tx, [HARBIN, SHENZHEN], { review_filing_kinds: [] });
    await addPersons(tx, [person]);
    await importInstitutions(tx, system, {
      institutions: [{ code: HOSPITAL, name: HOSPITAL, admdvs: SHENZHEN, kind: 'hospital', level: 2, services: ['inpatient', 'outpatient'], chronic_diseases: [], status: 'active', address: null, phone: null }],
    });
    await filing.file(tx, personActor(person), { psn_no: person.psn_no, insutype: '310', kind: 'long_term_resident', area: SHENZHEN, begin_date: '2026-01-01', channel: 'national_app', proof: { type: 'commitment', signed: true } }, '2026-01-01');
    const item = (code: string, lv: '01' | '02' | '03', share: number, begndate: string, enddate: string | null) => ({
      province: '440000', hilist_code: code, hilist_name: code, list_type: '101', med_chrgitm_type: '09', chrgitm_lv: lv, selfpay_prop_bp: share, pric_uplmt_fen: null, begndate, enddate,
    });
    await importCatalog(tx, system, {
      items: [
        // Class A until 21 November, class B with a 20 % share from the 22nd.
        item('V1', '01', 0, '2025-01-01', '2026-11-21'),
        item('V1', '02', 2000, '2026-11-22', null),
        item('A1', '01', 0, '2025-01-01', null),
      ],
    });
    await importItemMappings(tx, system, { mappings: [{ institution_code: HOSPITAL, medins_list_codg: 'OWN-A1', hilist_code: 'A1' }] });
  });
});
afterAll(async () => {
  await db?.close();
});

const line = (sn: string, at: string, codes: Pick<FeeLineIn, 'med_list_codg' | 'medins_list_codg'>, extra: Partial<FeeLineIn> = {}): FeeLineIn => ({
  feedetl_sn: sn,
  fee_ocur_time: at,
  ...codes,
  pric: '10.00',
  cnt: 1,
  det_item_fee_sumamt: '10.00',
  ...extra,
});

/** The transaction, counting the catalogue queries and failing on a query sent while another is still running on it. */
function watched(tx: Queryable) {
  let running = 0;
  const seen = { catalogue: 0, overlapping: 0 };
  const q: Queryable = {
    async query(text: string, params?: unknown[]) {
      if (/\bcatalog_item\b/.test(text)) seen.catalogue++;
      if (running > 0) seen.overlapping++;
      running++;
      try {
        return await tx.query(text, params);
      } finally {
        running--;
      }
    },
  };
  return { tx: q, seen };
}

async function admit(begntime: string): Promise<string> {
  return db.tx(async (tx) => (await encounters.register(tx, hospital, { visit_kind: 'inpatient', psn_no: person.psn_no, insutype: '310', begntime, med_type: '21' }, now)).mdtrt_id);
}

describe('fee upload classification, looked up for the whole batch', () => {
  let visit: string;

  it('classifies each line by the version in force on its own fee date, with one catalogue query for national codes', async () => {
    visit = await admit('2026-11-20 08:00:00');
    const { answer, seen } = await db.tx(async (t) => {
      const w = watched(t);
      const lines = [
        line('1', '2026-11-21 10:00:00', { med_list_codg: 'V1' }),
        line('2', '2026-11-23 10:00:00', { med_list_codg: 'V1' }),
        line('3', '2026-11-23 11:00:00', { med_list_codg: 'A1' }),
      ];
      return { answer: await encounters.uploadFees(w.tx, hospital, visit, lines, now), seen: w.seen };
    });
    expect(answer.map((l) => [l.feedetl_sn, l.med_list_codg, l.listed, l.chrgitm_lv, l.preselfpay_fen, l.inscp_scp_fen])).toEqual([
      ['1', 'V1', true, '01', 0, 1000],
      ['2', 'V1', true, '02', 200, 800],
      ['3', 'A1', true, '01', 0, 1000],
    ]);
    expect(seen).toEqual({ catalogue: 1, overlapping: 0 });
  });

  it('maps institution codes and leaves unknown items unlisted, without overlapping queries', async () => {
    const { answer, seen } = await db.tx(async (t) => {
      const w = watched(t);
      const lines = [
        // A national code not in the catalogue whose institution code is mapped: the mapped item classifies it.
        line('4', '2026-11-23 10:00:00', { med_list_codg: 'NOT-LISTED', medins_list_codg: 'OWN-A1' }),
        line('5', '2026-11-23 10:00:00', { medins_list_codg: 'OWN-A1' }),
        line('6', '2026-11-23 10:00:00', { medins_list_codg: 'OWN-UNMAPPED' }),
        line('7', '2026-11-23 10:00:00', { med_list_codg: 'NOT-LISTED' }),
      ];
      return { answer: await encounters.uploadFees(w.tx, hospital, visit, lines, now), seen: w.seen };
    });
    expect(answer.map((l) => [l.feedetl_sn, l.med_list_codg, l.medins_list_codg, l.listed, l.chrgitm_lv, l.fulamt_ownpay_fen])).toEqual([
      ['4', 'A1', 'OWN-A1', true, '01', 0],
      ['5', 'A1', 'OWN-A1', true, '01', 0],
      ['6', null, 'OWN-UNMAPPED', false, '03', 1000],
      ['7', 'NOT-LISTED', null, false, '03', 1000],
    ]);
    expect(seen.overlapping).toBe(0);
    // The national codes, then the mapped ones: not one query per line.
    expect(seen.catalogue).toBe(2);
  });

  it('classifies a refund in a later upload as its line was, on that line’s fee date', async () => {
    const answer = await db.tx((tx) =>
      encounters.uploadFees(tx, hospital, visit, [line('1R', '2026-11-23 12:00:00', { med_list_codg: 'V1' }, { init_feedetl_sn: '1', cnt: -1, det_item_fee_sumamt: '-10.00' })], now),
    );
    // Line 1 was class A on 21 November; the refund nets it to zero though V1 is class B today.
    expect(answer.map((l) => [l.feedetl_sn, l.init_feedetl_sn, l.chrgitm_lv, l.preselfpay_fen, l.inscp_scp_fen])).toEqual([['1R', '1', '01', 0, -1000]]);
  });

  it('answers each line exactly as it is stored, and the same lines again when resent', async () => {
    const sent = [
      line('8', '2026-11-23 10:30:00', { med_list_codg: 'V1' }, { chrg_bchno: 'B1', memo: 'note', bilg_dr_name: '王医生' }),
      line('9', '2026-11-23 10:30:00', { med_list_codg: 'V1' }),
      line('8R', '2026-11-23 10:31:00', { med_list_codg: 'V1' }, { init_feedetl_sn: '8', cnt: '-0.5', det_item_fee_sumamt: '-5.00' }),
    ];
    const answer = await db.tx((tx) => encounters.uploadFees(tx, hospital, visit, sent, now));
    const stored = (await db.tx((tx) => encounters.visitForSettlement(tx, hospital, visit))).lines;
    const byId = new Map(stored.map((l) => [l.id, l]));
    for (const l of answer) expect(l).toStrictEqual(byId.get(l.id));
    expect(answer.map((l) => l.feedetl_sn)).toEqual(['8', '9', '8R']);
    expect(answer[2]!.id).toBeGreaterThan(answer[0]!.id);

    const again = await db.tx((tx) => encounters.uploadFees(tx, hospital, visit, sent, now));
    expect(again).toStrictEqual(answer);
  });
});
