import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { gatewayHeaders, hisEnvelope } from './support/his.ts';
import { createInstitutionKey } from '../src/auth/service.ts';
import { importCatalog } from '../src/catalog/service.ts';
import { loadConfig } from '../src/config.ts';
import { fixedClock } from '../src/core/clock.ts';
import type { Db } from '../src/db/pool.ts';
import { visitForSettlement } from '../src/encounters/service.ts';
import * as filing from '../src/filing/service.ts';
import type { App } from '../src/http/types.ts';
import { importInstitutions, importItemMappings } from '../src/institutions/service.ts';
import { testDb } from './support/db.ts';
import { addPersons, personActor, personOf, seedPlaces, system } from './support/fixtures.ts';

const HARBIN = '230100';
const SHENZHEN = '440300';
const HOSPITAL = 'H44030000009';
const OTHER = 'H44030000017';
const HARBIN_HOSPITAL = 'H23010000003';
const clock = fixedClock('2026-11-23T02:00:00Z'); // 10:00 in Shanghai

let db: Db;
let app: App;
const keys = new Map<string, { appId: string; secret: string }>();

const filed = personOf(HARBIN);
const unfiled = personOf(HARBIN, { insutype: '390', birth: '1990-11-24' });
// Both filed for Shenzhen; the first qualified for hypertension and COPD at home, the second for nothing.
const chronic = { ...personOf(HARBIN), qualifications: [
  { insuplc_admdvs: HARBIN, disease_code: 'M03900', begin_date: '2025-01-01', end_date: null },
  { insuplc_admdvs: HARBIN, disease_code: 'M05300', begin_date: '2025-01-01', end_date: null },
] };
const unqualified = personOf(HARBIN);
// Referred by a Harbin hospital through 2501 during the tests.
const referred = personOf(HARBIN);
const inpatient = personOf(HARBIN);

const item = (over: Record<string, unknown>) => ({
  province: '440000',
  list_type: '201',
  med_chrgitm_type: '05',
  chrgitm_lv: '01',
  selfpay_prop_bp: 0,
  pric_uplmt_fen: null,
  begndate: '2026-01-01',
  enddate: null,
  ...over,
});
const CLASS_A = '001101000010000'; // consultation, class A, capped at 10.00
const CLASS_B = 'XA01ABD075A002010100483'; // amoxicillin, class B 10 %, capped at 12.50
const CLASS_C = 'XC99ZZZ001A001010100001'; // class C
const ENDED = 'XA03FAF010A001010105678'; // listed until 2026-06-30
const UNLISTED = 'XZ00NOTLISTED0000000001';
const catalogueItems = [
  item({ hilist_code: CLASS_A, hilist_name: '普通门诊诊察费', med_chrgitm_type: '02', pric_uplmt_fen: 1000 }),
  item({ hilist_code: CLASS_B, hilist_name: '阿莫西林胶囊', list_type: '101', med_chrgitm_type: '09', chrgitm_lv: '02', selfpay_prop_bp: 1000, pric_uplmt_fen: 1250 }),
  item({ hilist_code: CLASS_C, hilist_name: '某丙类药品', list_type: '101', med_chrgitm_type: '09', chrgitm_lv: '03' }),
  item({ hilist_code: ENDED, hilist_name: '多潘立酮片', list_type: '101', med_chrgitm_type: '09', begndate: '2025-01-01', enddate: '2026-06-30' }),
  item({ hilist_code: '002201000010000', hilist_name: '床位费', med_chrgitm_type: '01' }),
];

beforeAll(async () => {
  db = await testDb();
  await db.tx(async (tx) => {
    await seedPlaces(tx, [HARBIN, SHENZHEN], { review_filing_kinds: [], temporary_validity_months: 6 });
    await addPersons(tx, [filed, unfiled, chronic, unqualified, referred, inpatient]);
    const hospital = (code: string, admdvs: string, name: string) => ({
      code,
      name,
      admdvs,
      kind: 'hospital',
      level: 3,
      services: ['inpatient', 'outpatient'],
      chronic_diseases: ['M03900', 'M01600'],
      status: 'active',
      address: null,
      phone: null,
    });
    await importInstitutions(tx, system, {
      institutions: [
        hospital(HOSPITAL, SHENZHEN, '深圳市第二人民医院'),
        hospital(OTHER, SHENZHEN, '深圳市第三人民医院'),
        hospital(HARBIN_HOSPITAL, HARBIN, '哈尔滨医科大学附属第一医院'),
      ],
    });
    for (const code of [HOSPITAL, OTHER, HARBIN_HOSPITAL]) keys.set(code, await createInstitutionKey(tx, system, code));
    for (const p of [filed, chronic, unqualified, inpatient]) {
      await filing.file(tx, personActor(p), { psn_no: p.psn_no, insutype: '310', kind: 'long_term_resident', area: SHENZHEN, begin_date: '2026-11-23', channel: 'national_app', proof: { type: 'commitment', signed: true } }, '2026-11-23');
    }
    await importCatalog(tx, system, { items: catalogueItems });
    await importItemMappings(tx, system, { mappings: [{ institution_code: HOSPITAL, medins_list_codg: 'LOCAL-ZC-001', hilist_code: CLASS_A }] });
  });
  app = await buildApp({ db, clock, config: loadConfig({}) }, { logger: false, webDir: null });
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});

let nonceSerial = 0;
function signed(code: string) {
  return gatewayHeaders(keys.get(code)!, clock.now(), `encnonce${++nonceSerial}`);
}

let msgSerial = 0;
const nextMsgid = (code: string) => `${code}20261123100000${String(++msgSerial).padStart(4, '0')}`;

function envelope(infno: string, input: unknown, code = HOSPITAL, over: Record<string, unknown> = {}) {
  return hisEnvelope(infno, input, { msgid: nextMsgid(code), fixmedins_code: code, mdtrtarea_admvs: code === HARBIN_HOSPITAL ? HARBIN : SHENZHEN, insuplc_admdvs: HARBIN }, over);
}

async function post(body: ReturnType<typeof envelope>) {
  const res = await app.inject({
    method: 'POST',
    url: `/fsi/api/${body.infno}`,
    headers: { 'content-type': 'text/plain', ...signed(body.fixmedins_code) },
    payload: JSON.stringify(body),
  });
  expect(res.statusCode).toBe(200);
  return res.json();
}

const call = (infno: string, input: unknown, code = HOSPITAL) => post(envelope(infno, input, code));

async function ok(infno: string, input: unknown, code = HOSPITAL) {
  const res = await call(infno, input, code);
  expect(res.err_msg, `${infno}: ${res.err_msg}`).toBe('');
  expect(res.infcode).toBe(0);
  return res.output;
}

const count = async (sql: string, params: unknown[] = []) => Number((await db.query<{ n: string }>(sql, params)).rows[0]!.n);

const register = (psn_no: string, extra: Record<string, unknown> = {}) =>
  call('2201', { data: { psn_no, insutype: '310', begntime: '2026-11-23 09:30:00', mdtrt_cert_type: '02', mdtrt_cert_no: 'x', ipt_otp_no: 'MZ0001', atddr_no: 'D01', dr_name: '李医生', dept_code: 'A03', dept_name: '内科', caty: 'A03', ...extra } });

const fee = (mdtrt_id: string, psn_no: string, sn: string, code: string, pric: number | string, cnt: number | string, amount: number | string, extra: Record<string, unknown> = {}) => ({
  feedetl_sn: sn,
  mdtrt_id,
  psn_no,
  med_type: '11',
  fee_ocur_time: '2026-11-23 09:40:00',
  med_list_codg: code,
  medins_list_codg: '',
  det_item_fee_sumamt: amount,
  cnt,
  pric,
  bilg_dept_codg: 'A03',
  bilg_dept_name: '内科',
  bilg_dr_codg: 'D01',
  bilg_dr_name: '李医生',
  hosp_appr_flag: '',
  memo: '',
  ...extra,
});

describe('outpatient flow 2201 → 2203 → 2204 → 2205', () => {
  let mdtrt_id: string;

  it('registers a filed person and answers the visit id', async () => {
    const res = await register(filed.psn_no);
    expect(res.err_msg).toBe('');
    expect(res.output.data).toEqual({ mdtrt_id: expect.stringMatching(/^S440300261123\d{10}$/), psn_no: filed.psn_no, ipt_otp_no: 'MZ0001' });
    mdtrt_id = res.output.data.mdtrt_id;
    const row = (await db.query('SELECT med_type, visit_kind, filing_no, filing_kind, emergency, insuplc_admdvs, created_msgid FROM encounter WHERE mdtrt_id = $1', [mdtrt_id])).rows[0];
    expect(row).toMatchObject({ med_type: '11', visit_kind: 'outpatient', filing_kind: 'long_term_resident', emergency: false, insuplc_admdvs: HARBIN });
    expect(row.filing_no).toMatch(/^BA230100/);
  });

  it('records the visit information and diagnoses', async () => {
    await ok('2203', {
      mdtrtinfo: { mdtrt_id, psn_no: filed.psn_no, med_type: '11', begntime: '2026-11-23 09:30:00', main_cond_dscr: '咳嗽三天', dise_codg: 'J20.9', dise_name: '急性支气管炎' },
      diseinfo: [{ psn_no: filed.psn_no, diag_type: '1', maindiag_flag: '1', diag_srt_no: '1', diag_code: 'J20.9', diag_name: '急性支气管炎', diag_dept: '内科', dise_dor_no: 'D01', dise_dor_name: '李医生', diag_time: '2026-11-23 09:35:00' }],
    });
    const d = (await db.query('SELECT diag_code, maindiag_flag, diag_srt_no FROM encounter_diagnosis WHERE mdtrt_id = $1', [mdtrt_id])).rows;
    expect(d).toEqual([{ diag_code: 'J20.9', maindiag_flag: '1', diag_srt_no: 1 }]);
  });

  it('classifies class A, B, C, unlisted, ended and price-capped lines by the catalogue on the fee date', async () => {
    const out = await ok('2204', {
      feedetail: [
        fee(mdtrt_id, filed.psn_no, '1', CLASS_A, 8, 1, 8, { chrg_bchno: 'B1' }),
        fee(mdtrt_id, filed.psn_no, '2', CLASS_B, 15, 2, 30, { chrg_bchno: 'B1', rxno: 'RX1' }),
        fee(mdtrt_id, filed.psn_no, '3', CLASS_C, '20.50', 1, '20.50', { chrg_bchno: 'B1' }),
        fee(mdtrt_id, filed.psn_no, '4', UNLISTED, 3.3, 3, 9.9, { chrg_bchno: 'B2' }),
        fee(mdtrt_id, filed.psn_no, '5', ENDED, 2, 1.5, 3, { chrg_bchno: 'B2' }),
        // the institution's own code, mapped to the consultation fee, priced above its cap
        fee(mdtrt_id, filed.psn_no, '6', '', 12, 1, 12, { med_list_codg: '', medins_list_codg: 'LOCAL-ZC-001', chrg_bchno: 'B2' }),
      ],
    });
    const common = { lmt_used_flag: '0' };
    expect(out.result).toEqual([
      { ...common, feedetl_sn: '1', det_item_fee_sumamt: 8, cnt: 1, pric: 8, pric_uplmt_amt: 10, selfpay_prop: '0.00', fulamt_ownpay_amt: 0, overlmt_amt: 0, preselfpay_amt: 0, inscp_scp_amt: 8, chrgitm_lv: '01', med_chrgitm_type: '02', memo: '' },
      { ...common, feedetl_sn: '2', det_item_fee_sumamt: 30, cnt: 2, pric: 15, pric_uplmt_amt: 12.5, selfpay_prop: '0.10', fulamt_ownpay_amt: 0, overlmt_amt: 5, preselfpay_amt: 2.5, inscp_scp_amt: 22.5, chrgitm_lv: '02', med_chrgitm_type: '09', memo: expect.stringMatching(/price cap/) },
      { ...common, feedetl_sn: '3', det_item_fee_sumamt: 20.5, cnt: 1, pric: 20.5, pric_uplmt_amt: null, selfpay_prop: '1.00', fulamt_ownpay_amt: 20.5, overlmt_amt: 0, preselfpay_amt: 0, inscp_scp_amt: 0, chrgitm_lv: '03', med_chrgitm_type: '09', memo: '' },
      { ...common, feedetl_sn: '4', det_item_fee_sumamt: 9.9, cnt: 3, pric: 3.3, pric_uplmt_amt: null, selfpay_prop: '1.00', fulamt_ownpay_amt: 9.9, overlmt_amt: 0, preselfpay_amt: 0, inscp_scp_amt: 0, chrgitm_lv: '03', med_chrgitm_type: '14', memo: expect.stringMatching(/not in the treatment-place catalogue/) },
      { ...common, feedetl_sn: '5', det_item_fee_sumamt: 3, cnt: 1.5, pric: 2, pric_uplmt_amt: null, selfpay_prop: '1.00', fulamt_ownpay_amt: 3, overlmt_amt: 0, preselfpay_amt: 0, inscp_scp_amt: 0, chrgitm_lv: '03', med_chrgitm_type: '14', memo: expect.stringMatching(/not in the treatment-place catalogue/) },
      { ...common, feedetl_sn: '6', det_item_fee_sumamt: 12, cnt: 1, pric: 12, pric_uplmt_amt: 10, selfpay_prop: '0.00', fulamt_ownpay_amt: 0, overlmt_amt: 2, preselfpay_amt: 0, inscp_scp_amt: 10, chrgitm_lv: '01', med_chrgitm_type: '02', memo: expect.stringMatching(/price cap/) },
    ]);
    const mapped = (await db.query("SELECT med_list_codg, medins_list_codg FROM fee_line WHERE mdtrt_id = $1 AND feedetl_sn = '6'", [mdtrt_id])).rows[0];
    expect(mapped).toEqual({ med_list_codg: CLASS_A, medins_list_codg: 'LOCAL-ZC-001' });
  });

  it('cancels a charge batch with 2205, then every unsettled line with "0000"', async () => {
    await ok('2205', { data: { mdtrt_id, chrg_bchno: 'B2', psn_no: filed.psn_no } });
    expect(await count("SELECT count(*) AS n FROM fee_line WHERE mdtrt_id = $1 AND status = 'uploaded'", [mdtrt_id])).toBe(3);
    const settle = await db.tx((tx) => visitForSettlement(tx, { kind: 'institution', code: HOSPITAL, admdvs: SHENZHEN }, mdtrt_id));
    expect(settle.lines.map((l) => l.feedetl_sn)).toEqual(['1', '2', '3']);
    expect(settle.totals).toEqual({ fulamt_ownpay_fen: 2050, overlmt_fen: 500, preselfpay_fen: 250, inscp_scp_fen: 3050 });
    // A cancelled number may be uploaded again, corrected.
    await ok('2204', { feedetail: [fee(mdtrt_id, filed.psn_no, '4', CLASS_A, 5, 1, 5)] });
    const cancel = await call('2202', { data: { mdtrt_id, psn_no: filed.psn_no } });
    expect(cancel).toMatchObject({ infcode: -2, err_msg: expect.stringMatching(/has 4 uploaded fee line\(s\): cancel them first/) });
    await ok('2205', { data: { mdtrt_id, chrg_bchno: '0000', psn_no: filed.psn_no } });
    await ok('2202', { data: { mdtrt_id, psn_no: filed.psn_no } });
    expect((await db.query('SELECT status FROM encounter WHERE mdtrt_id = $1', [mdtrt_id])).rows[0].status).toBe('cancelled');
    expect((await call('2204', { feedetail: [fee(mdtrt_id, filed.psn_no, '9', CLASS_A, 5, 1, 5)] })).err_msg).toMatch(/was cancelled/);
  });
});

describe('inpatient flow 2401 → 2301 (with a refund) → 2402', () => {
  let mdtrt_id: string;
  const line = (sn: string, code: string, pric: number, cnt: number, amount: number, extra: Record<string, unknown> = {}) =>
    fee(mdtrt_id, inpatient.psn_no, sn, code, pric, cnt, amount, { med_type: '21', drord_no: `DO${sn}`, fee_ocur_time: '2026-11-23 09:00:00', ...extra });

  it('admits, uploads, refunds part and all of a line, and discharges', async () => {
    const admitted = await ok('2401', {
      mdtrtinfo: {
        psn_no: inpatient.psn_no, insutype: '310', coner_name: '家属', tel: '13800000000', begntime: '2026-11-23 08:00:00', mdtrt_cert_type: '02', mdtrt_cert_no: inpatient.certno,
        med_type: '21', ipt_no: 'ZY2026001', medrcdno: 'BA001', atddr_no: 'D02', chfpdr_name: '王主任', adm_diag_dscr: '肺炎', adm_dept_codg: 'A03.01', adm_dept_name: '呼吸内科',
        adm_bed: '12', dscg_maindiag_code: '', dscg_maindiag_name: '', main_cond_dscr: '发热', dise_codg: 'J18.9', dise_name: '肺炎',
      },
      diseinfo: [{ psn_no: inpatient.psn_no, diag_type: '1', maindiag_flag: '1', diag_srt_no: 1, diag_code: 'J18.9', diag_name: '肺炎', adm_cond: '1', diag_dept: '呼吸内科', dise_dor_no: 'D02', dise_dor_name: '王主任', diag_time: '2026-11-23 08:10:00' }],
    });
    mdtrt_id = admitted.result.mdtrt_id;
    expect(mdtrt_id).toMatch(/^S440300261123\d{10}$/);
    expect((await db.query('SELECT ipt_otp_no, dept_name, dr_name FROM encounter WHERE mdtrt_id = $1', [mdtrt_id])).rows[0]).toEqual({ ipt_otp_no: 'ZY2026001', dept_name: '呼吸内科', dr_name: '王主任' });

    // A second admission while the person is in bed is refused.
    const twice = await call('2401', { mdtrtinfo: { psn_no: inpatient.psn_no, insutype: '310', begntime: '2026-11-23 09:00:00', med_type: '21' } });
    expect(twice.err_msg).toMatch(/already admitted/);

    const first = await ok('2301', { feedetail: [line('1', CLASS_B, 3.33, 3, 9.99), line('2', '002201000010000', 50, 1, 50)] });
    expect(first.result.map((r: { preselfpay_amt: number }) => r.preselfpay_amt)).toEqual([1, 0]);

    const refunds = await ok('2301', {
      feedetail: [
        line('3', CLASS_B, 3.33, -1, -3.33, { init_feedetl_sn: '1' }),
        line('4', CLASS_B, 3.33, -2, -6.66, { init_feedetl_sn: '1' }),
      ],
    });
    // The first refund is classified like its line; the second takes what is left, so the line nets to zero in every part.
    expect(refunds.result).toEqual([
      expect.objectContaining({ feedetl_sn: '3', det_item_fee_sumamt: -3.33, cnt: -1, preselfpay_amt: -0.33, inscp_scp_amt: -3, chrgitm_lv: '02' }),
      expect.objectContaining({ feedetl_sn: '4', det_item_fee_sumamt: -6.66, cnt: -2, preselfpay_amt: -0.67, inscp_scp_amt: -5.99, chrgitm_lv: '02' }),
    ]);
    const more = await call('2301', { feedetail: [line('5', CLASS_B, 3.33, -1, -3.33, { init_feedetl_sn: '1' })] });
    expect(more.err_msg).toMatch(/input\.feedetail\[0\]\.cnt refunds more than is left of the original line \(0\)/);
    const orphan = await call('2301', { feedetail: [line('5', CLASS_A, 1, -1, -1, { init_feedetl_sn: '99' })] });
    expect(orphan.err_msg).toMatch(/input\.feedetail\[0\]\.init_feedetl_sn 99 is not an uploaded, unsettled fee line/);

    const settle = await db.tx((tx) => visitForSettlement(tx, { kind: 'institution', code: HOSPITAL, admdvs: SHENZHEN }, mdtrt_id));
    expect(settle.totals).toEqual({ fulamt_ownpay_fen: 0, overlmt_fen: 0, preselfpay_fen: 0, inscp_scp_fen: 5000 });

    await ok('2402', {
      dscginfo: { mdtrt_id, psn_no: inpatient.psn_no, insutype: '310', endtime: '2026-11-23 09:55:00', dise_codg: 'J18.9', dise_name: '肺炎', dscg_way: '1' },
      diseinfo: [{ psn_no: inpatient.psn_no, diag_type: '1', maindiag_flag: '1', diag_srt_no: 1, diag_code: 'J18.9', diag_name: '肺炎' }],
    });
    expect((await db.query('SELECT status, dscg_way FROM encounter WHERE mdtrt_id = $1', [mdtrt_id])).rows[0]).toEqual({ status: 'discharged', dscg_way: '1' });
    // Fees may still come after discharge, before settlement; the discharge may be cancelled and done again.
    await ok('2301', { feedetail: [line('6', CLASS_A, 6, 1, 6)] });
    await ok('2405', { data: { mdtrt_id, psn_no: inpatient.psn_no } });
    expect((await db.query('SELECT status, endtime FROM encounter WHERE mdtrt_id = $1', [mdtrt_id])).rows[0]).toEqual({ status: 'open', endtime: null });
    await ok('2403', { adminfo: { mdtrt_id, psn_no: inpatient.psn_no, adm_bed: '15' } });
    expect((await db.query('SELECT adm_bed, med_type FROM encounter WHERE mdtrt_id = $1', [mdtrt_id])).rows[0]).toEqual({ adm_bed: '15', med_type: '21' });
  });

  it('cancels single lines with 2302, data as an object or an array; a line takes its refunds with it', async () => {
    await ok('2302', { data: [{ feedetl_sn: '1', mdtrt_id, psn_no: inpatient.psn_no }] });
    const live = (await db.query("SELECT feedetl_sn FROM fee_line WHERE mdtrt_id = $1 AND status = 'uploaded' ORDER BY feedetl_sn", [mdtrt_id])).rows;
    expect(live.map((r) => r.feedetl_sn)).toEqual(['2', '6']);
    await ok('2302', { data: { feedetl_sn: '0000', mdtrt_id, psn_no: inpatient.psn_no } });
    expect(await count("SELECT count(*) AS n FROM fee_line WHERE mdtrt_id = $1 AND status = 'uploaded'", [mdtrt_id])).toBe(0);
    expect((await call('2302', { data: { feedetl_sn: '2', mdtrt_id, psn_no: inpatient.psn_no } })).err_msg).toMatch(/no uploaded fee line 2/);
  });

  it('refuses an admission transaction on an outpatient visit, and a wrong person', async () => {
    const visit = (await register(unqualified.psn_no)).output.data.mdtrt_id;
    expect((await call('2301', { feedetail: [fee(visit, unqualified.psn_no, '1', CLASS_A, 5, 1, 5)] })).err_msg).toMatch(/is an outpatient visit, not an admission/);
    expect((await call('2204', { feedetail: [fee(visit, filed.psn_no, '1', CLASS_A, 5, 1, 5)] })).err_msg).toMatch(/input\.feedetail\[0\]\.psn_no is not the person of visit/);
  });
});

describe('coverage at registration', () => {
  it('refuses an unfiled person with what to do', async () => {
    const res = await call('2201', { data: { psn_no: unfiled.psn_no, insutype: '390', begntime: '2026-11-23 09:30:00' } });
    expect(res.infcode).toBe(-2);
    expect(res.err_msg).toBe('no filing covers 440300 for this person: settle in full and the person claims at home, or file late before discharge.');
    const admission = await call('2401', { mdtrtinfo: { psn_no: unfiled.psn_no, insutype: '390', begntime: '2026-11-23 08:00:00', med_type: '21' } });
    expect(admission.err_msg).toMatch(/^no filing covers 440300/);
  });

  it('accepts emergencies without a filing: outpatient 13, emergency admission 24, a declared emergency', async () => {
    const outpatient = await ok('2201', { data: { psn_no: unfiled.psn_no, insutype: '390', begntime: '2026-11-23 09:30:00', med_type: '13' } });
    const row = (await db.query('SELECT med_type, emergency, filing_no FROM encounter WHERE mdtrt_id = $1', [outpatient.data.mdtrt_id])).rows[0];
    expect(row).toEqual({ med_type: '13', emergency: true, filing_no: null });
    // Changing the emergency visit to general outpatient is checked again, and refused.
    const general = await call('2203', { mdtrtinfo: { mdtrt_id: outpatient.data.mdtrt_id, psn_no: unfiled.psn_no, med_type: '11' } });
    expect(general.err_msg).toMatch(/^no filing covers 440300/);
    const admitted = await ok('2401', { mdtrtinfo: { psn_no: unfiled.psn_no, insutype: '390', begntime: '2026-11-23 08:00:00', med_type: '24' } });
    expect((await db.query('SELECT emergency FROM encounter WHERE mdtrt_id = $1', [admitted.result.mdtrt_id])).rows[0].emergency).toBe(true);
    await ok('2404', { data: { mdtrt_id: admitted.result.mdtrt_id, psn_no: unfiled.psn_no } });
    const declared = await ok('2201', { data: { psn_no: unfiled.psn_no, insutype: '390', begntime: '2026-11-23 09:30:00', emergency_flag: '1' } });
    expect(declared.data.mdtrt_id).toMatch(/^S/);
  });

  it('checks the fields and codes of a registration', async () => {
    expect((await call('2401', { mdtrtinfo: { psn_no: filed.psn_no, insutype: '310', begntime: '2026-11-23 08:00:00', med_type: '11' } })).err_msg).toMatch(/input\.mdtrtinfo\.med_type 11 is not a med_type of an admission/);
    expect((await call('2201', { data: { psn_no: filed.psn_no, insutype: '310', begntime: '23/11/2026' } })).err_msg).toMatch(/input\.data\.begntime must be a time written yyyy-MM-dd HH:mm:ss/);
    expect((await call('2201', { data: { psn_no: filed.psn_no, insutype: '310', begntime: '2026-11-24 08:00:00' } })).err_msg).toMatch(/input\.data\.begntime is after today/);
    expect((await call('2201', { data: { psn_no: filed.psn_no, insutype: '390', begntime: '2026-11-23 08:00:00' } })).err_msg).toMatch(/enrolment in insutype 390 was not found/);
    expect((await post(envelope('2201', { data: { psn_no: filed.psn_no, insutype: '310', begntime: '2026-11-23 08:00:00' } }, HOSPITAL, { insuplc_admdvs: '440100' }))).err_msg).toMatch(
      /insuplc_admdvs is 440100, but the person is insured in 230100/,
    );
  });
});

describe('outpatient chronic and special diseases (med_type 14)', () => {
  const visitInfo = (mdtrt_id: string, psn_no: string, extra: Record<string, unknown>) => call('2203', { mdtrtinfo: { mdtrt_id, psn_no, med_type: '14', ...extra } });

  it('settles a directly settled disease the person is qualified for', async () => {
    const visit = (await register(chronic.psn_no)).output.data.mdtrt_id;
    const res = await visitInfo(visit, chronic.psn_no, { opsp_dise_code: 'M03900', dise_codg: 'I10', dise_name: '原发性高血压' });
    expect(res.err_msg).toBe('');
    expect((await db.query('SELECT med_type, opsp_dise_code FROM encounter WHERE mdtrt_id = $1', [visit])).rows[0]).toEqual({ med_type: '14', opsp_dise_code: 'M03900' });
    // The disease code may come in dise_codg, as many HIS send it.
    const again = (await register(chronic.psn_no)).output.data.mdtrt_id;
    expect((await visitInfo(again, chronic.psn_no, { dise_codg: 'M03900', dise_name: '高血压' })).err_msg).toBe('');
  });

  it('refuses a person without the qualification', async () => {
    const visit = (await register(unqualified.psn_no)).output.data.mdtrt_id;
    const res = await visitInfo(visit, unqualified.psn_no, { opsp_dise_code: 'M03900' });
    expect(res.infcode).toBe(-2);
    expect(res.err_msg).toMatch(/holds no qualification for M03900 高血压 from the insured place on 2026-11-23: settle in full for manual reimbursement/);
  });

  it('refuses a chronic disease outside the directly settled list, telling the clerk to settle in full', async () => {
    const visit = (await register(chronic.psn_no)).output.data.mdtrt_id;
    const res = await visitInfo(visit, chronic.psn_no, { opsp_dise_code: 'M05300' });
    expect(res.err_msg).toMatch(/^M05300 慢性阻塞性肺疾病 is not a chronic disease settled directly across regions: settle this visit in full for manual reimbursement/);
    // A directly settled disease the hospital does not treat.
    expect((await visitInfo(visit, chronic.psn_no, { opsp_dise_code: 'M07800' })).err_msg).toMatch(/does not settle M07800 尿毒症透析 directly/);
    expect((await visitInfo(visit, chronic.psn_no, {})).err_msg).toMatch(/input\.mdtrtinfo\.opsp_dise_code is required for med_type 14/);
    expect((await db.query('SELECT med_type FROM encounter WHERE mdtrt_id = $1', [visit])).rows[0].med_type).toBe('11');
  });
});

describe('fee upload input', () => {
  let mdtrt_id: string;
  beforeAll(async () => {
    mdtrt_id = (await register(filed.psn_no)).output.data.mdtrt_id;
  });

  it('refuses a yuan amount with three decimals, naming the field', async () => {
    const res = await call('2204', { feedetail: [fee(mdtrt_id, filed.psn_no, '1', CLASS_A, 1, 1, 1.005)] });
    expect(res.infcode).toBe(-2);
    expect(res.err_msg).toMatch(/input\.feedetail\[0\]\.det_item_fee_sumamt has more than two decimals: "1.005"/);
    expect((await call('2204', { feedetail: [fee(mdtrt_id, filed.psn_no, '1', CLASS_A, '1.234', 1, 1)] })).err_msg).toMatch(/input\.feedetail\[0\]\.pric has more than two decimals/);
  });

  it('refuses an amount that is not pric × cnt, and a negative quantity without init_feedetl_sn', async () => {
    expect((await call('2204', { feedetail: [fee(mdtrt_id, filed.psn_no, '1', CLASS_A, 3.33, 3, 10)] })).err_msg).toMatch(
      /input\.feedetail\[0\]\.det_item_fee_sumamt must be pric × cnt rounded to the fen: 9\.99 \(got 10\.00\)/,
    );
    expect((await call('2204', { feedetail: [fee(mdtrt_id, filed.psn_no, '1', CLASS_A, 1, -1, -1)] })).err_msg).toMatch(/input\.feedetail\[0\]\.cnt is negative/);
    expect((await call('2204', { feedetail: [fee(mdtrt_id, filed.psn_no, '1', '', 1, 1, 1)] })).err_msg).toMatch(/input\.feedetail\[0\]\.med_list_codg is required/);
    expect(await count('SELECT count(*) AS n FROM fee_line WHERE mdtrt_id = $1', [mdtrt_id])).toBe(0);
  });

  it('answers a resent line again and refuses a different line under the same number', async () => {
    const a = await ok('2204', { feedetail: [fee(mdtrt_id, filed.psn_no, '1', CLASS_A, 5, 1, 5)] });
    const b = await ok('2204', { feedetail: [fee(mdtrt_id, filed.psn_no, '1', CLASS_A, 5, 1, 5), fee(mdtrt_id, filed.psn_no, '2', CLASS_A, 5, 2, 10)] });
    expect(b.result[0]).toEqual(a.result[0]);
    expect(await count('SELECT count(*) AS n FROM fee_line WHERE mdtrt_id = $1', [mdtrt_id])).toBe(2);
    const other = await call('2204', { feedetail: [fee(mdtrt_id, filed.psn_no, '1', CLASS_A, 5, 2, 10)] });
    expect(other.err_msg).toMatch(/input\.feedetail\[0\]\.feedetl_sn 1 was uploaded before with another cnt: cancel it first/);
    const twice = await call('2204', { feedetail: [fee(mdtrt_id, filed.psn_no, '7', CLASS_A, 5, 1, 5), fee(mdtrt_id, filed.psn_no, '7', CLASS_A, 6, 1, 6)] });
    expect(twice.err_msg).toMatch(/input\.feedetail\[1\]\.feedetl_sn 7 was sent twice in this upload with another pric/);
    const mixed = await call('2204', { feedetail: [fee(mdtrt_id, filed.psn_no, '8', CLASS_A, 5, 1, 5), fee('S4403002611230000000001', filed.psn_no, '9', CLASS_A, 5, 1, 5)] });
    expect(mixed.err_msg).toMatch(/input\.feedetail\[1\]\.mdtrt_id must be/);
  });

  it("refuses another institution's visit", async () => {
    const res = await call('2204', { feedetail: [fee(mdtrt_id, filed.psn_no, '50', CLASS_A, 5, 1, 5)] }, OTHER);
    expect(res.infcode).toBe(-2);
    expect(res.err_msg).toMatch(/registered by another institution/);
    expect((await call('2202', { data: { mdtrt_id, psn_no: filed.psn_no } }, OTHER)).err_msg).toMatch(/registered by another institution/);
    expect((await call('2204', { feedetail: [fee('S4403002611239999999999', filed.psn_no, '1', CLASS_A, 5, 1, 5)] })).err_msg).toMatch(/there is no visit S4403002611239999999999/);
  });
});

describe('idempotency of fee upload by msgid', () => {
  it('answers a retry of 2301 with the stored answer and writes nothing twice; another body under the msgid is refused', async () => {
    const stay = (await ok('2401', { mdtrtinfo: { psn_no: unqualified.psn_no, insutype: '310', begntime: '2026-11-23 08:00:00', med_type: '21' } })).result.mdtrt_id;
    const lines = [fee(stay, unqualified.psn_no, '1', CLASS_B, 15, 2, 30), fee(stay, unqualified.psn_no, '2', CLASS_A, 8, 1, 8)];
    const e = envelope('2301', { feedetail: lines });
    const audits = () => count("SELECT count(*) AS n FROM audit_log WHERE action = 'upload_fees' AND entity_id = $1", [stay]);
    const first = await post(e);
    expect(first.infcode).toBe(0);
    const [retry, concurrent] = await Promise.all([post({ ...e, inf_time: '2026-11-23 10:00:09' }), post(e)]);
    for (const again of [retry, concurrent]) {
      expect(again.output).toEqual(first.output);
      expect(again.inf_refmsgid).toBe(first.inf_refmsgid);
      expect(again.warn_msg).toMatch(/nothing was done twice/);
    }
    expect(await count('SELECT count(*) AS n FROM fee_line WHERE mdtrt_id = $1', [stay])).toBe(2);
    expect(await audits()).toBe(1);

    const changed = await post({ ...e, input: { feedetail: [lines[0], { ...lines[1], cnt: 2, det_item_fee_sumamt: 16 }] } });
    expect(changed.infcode).toBe(-2);
    expect(changed.err_msg).toMatch(/msgid .* was used for infno 2301 with a different input \(input\.feedetail\[1\]\.cnt differs, input\.feedetail\[1\]\.det_item_fee_sumamt differs\)/);
    expect(await count('SELECT count(*) AS n FROM fee_line WHERE mdtrt_id = $1', [stay])).toBe(2);
  });
});

describe('filings by hospitals: 2501/2502 referral, 2503/2504 qualification', () => {
  it('files a referral visible in the national filing database, and cancels it', async () => {
    const before = await call('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: referred.certno } });
    expect(before.output.yidi_filing.covered).toBe(false);
    const out = await ok(
      '2501',
      {
        refmedin: {
          psn_no: referred.psn_no, insutype: '310', tel: '13912345678', addr: '哈尔滨市南岗区', insu_optins: HARBIN, diag_code: 'C34.9', diag_name: '支气管或肺恶性肿瘤',
          dise_cond_dscr: '需进一步治疗', reflin_medins_no: HOSPITAL, reflin_medins_name: '深圳市第二人民医院', mdtrtarea_admdvs: SHENZHEN, hosp_agre_refl_flag: '1', refl_type: '1',
          refl_date: '2026-11-23', refl_rea: '本地无法开展该项治疗', refl_opnn: '同意转诊', begndate: '2026-11-23', enddate: '2027-05-22',
        },
      },
      HARBIN_HOSPITAL,
    );
    expect(out.result).toEqual({ trt_dcla_detl_sn: expect.stringMatching(/^BA230100261123\d{8}$/), begndate: '2026-11-23', enddate: '2027-05-22' });
    const national = (await db.query('SELECT kind, area, channel, status, psn_no FROM national_filing WHERE filing_no = $1', [out.result.trt_dcla_detl_sn])).rows[0];
    expect(national).toEqual({ kind: 'referral', area: SHENZHEN, channel: 'hospital', status: 'active', psn_no: referred.psn_no });
    const proof = (await db.query('SELECT proof, acted_by FROM filing WHERE filing_no = $1', [out.result.trt_dcla_detl_sn])).rows[0];
    expect(proof).toEqual({ proof: expect.objectContaining({ type: 'referral_certificate', referring_institution_code: HARBIN_HOSPITAL, reason: '本地无法开展该项治疗' }), acted_by: `institution:${HARBIN_HOSPITAL}` });

    // The treatment hospital now sees the coverage and registers the referred person.
    const after = await call('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: referred.certno } });
    expect(after.output.yidi_filing).toMatchObject({ covered: true, kind: 'referral', filing_no: out.result.trt_dcla_detl_sn });
    const stay = await ok('2401', { mdtrtinfo: { psn_no: referred.psn_no, insutype: '310', begntime: '2026-11-23 09:00:00', med_type: '23' } });
    expect((await db.query('SELECT filing_kind FROM encounter WHERE mdtrt_id = $1', [stay.result.mdtrt_id])).rows[0].filing_kind).toBe('referral');
    await ok('2404', { data: { mdtrt_id: stay.result.mdtrt_id, psn_no: referred.psn_no } });

    // Only a hospital of the insured place refers; another hospital cannot cancel it.
    const fromShenzhen = await call('2501', { refmedin: { psn_no: filed.psn_no, insutype: '310', diag_code: 'C34.9', diag_name: '肺癌', mdtrtarea_admdvs: '440100', refl_rea: 'x' } });
    expect(fromShenzhen.err_msg).toMatch(/may not hospital\.file in 230100/);
    expect((await call('2502', { data: { trt_dcla_detl_sn: out.result.trt_dcla_detl_sn, psn_no: referred.psn_no } })).err_msg).toMatch(/filed by this hospital was not found/);
    await ok('2502', { data: { trt_dcla_detl_sn: out.result.trt_dcla_detl_sn, psn_no: referred.psn_no, memo: '患者放弃转诊' } }, HARBIN_HOSPITAL);
    expect((await db.query('SELECT status FROM national_filing WHERE filing_no = $1', [out.result.trt_dcla_detl_sn])).rows[0].status).toBe('cancelled');
  });

  it('names the referral field at fault', async () => {
    const res = await call('2501', { refmedin: { psn_no: referred.psn_no, insutype: '310', diag_code: 'C34.9', diag_name: '肺癌', mdtrtarea_admdvs: '999999', refl_rea: 'x' } }, HARBIN_HOSPITAL);
    expect(res.err_msg).toMatch(/input\.refmedin\.mdtrtarea_admdvs 999999 is not a known division code/);
  });

  it('files a disease qualification the treatment hospital then settles under, and ends it', async () => {
    const filedQ = await ok('2503', { data: { psn_no: unqualified.psn_no, insutype: '310', opsp_dise_code: 'M01600', opsp_dise_name: '糖尿病', begndate: '2026-11-23' } }, HARBIN_HOSPITAL);
    expect(filedQ.result).toEqual({ trt_dcla_detl_sn: expect.stringMatching(/^\d+$/), begndate: '2026-11-23', enddate: null });
    const again = await call('2503', { data: { psn_no: unqualified.psn_no, insutype: '310', opsp_dise_code: 'M01600' } }, HARBIN_HOSPITAL);
    expect(again.err_msg).toMatch(/already holds a qualification for M01600/);
    const visit = (await register(unqualified.psn_no)).output.data.mdtrt_id;
    expect((await call('2203', { mdtrtinfo: { mdtrt_id: visit, psn_no: unqualified.psn_no, med_type: '14', opsp_dise_code: 'M01600' } })).err_msg).toBe('');
    await ok('2504', { data: { trt_dcla_detl_sn: filedQ.result.trt_dcla_detl_sn, psn_no: unqualified.psn_no } }, HARBIN_HOSPITAL);
    expect((await call('2503', { data: { psn_no: unqualified.psn_no, insutype: '310', opsp_dise_code: 'X1' } }, HARBIN_HOSPITAL)).err_msg).toMatch(/input\.data\.opsp_dise_code X1 is not a known chronic or special disease code/);
    expect((await call('2503', { data: { psn_no: unqualified.psn_no, insutype: '310', opsp_dise_code: 'M01600' } })).err_msg).toMatch(/may not hospital\.file in 230100/);
  });
});
