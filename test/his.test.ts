import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { gatewayHeaders, hisEnvelope } from './support/his.ts';
import { createInstitutionKey } from '../src/auth/service.ts';
import { importCatalog } from '../src/catalog/service.ts';
import { loadConfig } from '../src/config.ts';
import { fixedClock } from '../src/core/clock.ts';
import type { Db } from '../src/db/pool.ts';
import * as filing from '../src/filing/service.ts';
import { identifyPerson } from '../src/people/service.ts';
import type { App } from '../src/http/types.ts';
import { importInstitutions } from '../src/institutions/service.ts';
import { testDb } from './support/db.ts';
import { addPersons, personActor, personOf, seedPlaces, system } from './support/fixtures.ts';

const HARBIN = '230100';
const SHENZHEN = '440300';
const HOSPITAL = 'H44030000009';
const clock = fixedClock('2026-11-23T02:00:00Z'); // 10:00 in Shanghai

let db: Db;
let app: App;
let key: { appId: string; secret: string };

// Filed for Shenzhen, with every credential and an employee account of 5000 yuan.
const filed = { ...personOf(HARBIN, { birth: '1958-04-12' }), ss_card_no: 'HLJ230100778899', ss_card_sn: 'SN0001', evoucher_token: 'EV-TOKEN-0001-ABCDEF' };
// Insured in Harbin as a resident, never filed.
const unfiled = personOf(HARBIN, { insutype: '390', birth: '1990-11-24' });

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
const catalogueItems = [
  item({ hilist_code: 'XA01ABD075A002010100483', hilist_name: '阿莫西林胶囊', list_type: '101', med_chrgitm_type: '09', chrgitm_lv: '02', selfpay_prop_bp: 1000, pric_uplmt_fen: 1250 }),
  item({ hilist_code: 'XA02BCA010A001010101234', hilist_name: '奥美拉唑肠溶胶囊', list_type: '101', med_chrgitm_type: '09' }),
  item({ hilist_code: 'XA03FAF010A001010105678', hilist_name: '多潘立酮片', list_type: '101', med_chrgitm_type: '09', begndate: '2025-01-01', enddate: '2026-06-30' }),
  item({ hilist_code: 'ZA01AAX0001010100001', hilist_name: '连花清瘟胶囊', list_type: '102', med_chrgitm_type: '11', chrgitm_lv: '02', selfpay_prop_bp: 1250 }),
  item({ hilist_code: 'ZA01AAX0002010100002', hilist_name: '板蓝根颗粒', list_type: '102', med_chrgitm_type: '11' }),
  item({ hilist_code: '001101000010000', hilist_name: '普通门诊诊察费', med_chrgitm_type: '02', pric_uplmt_fen: 1000 }),
  item({ hilist_code: '001102000010000', hilist_name: '急诊诊察费', med_chrgitm_type: '02' }),
  // another province's catalogue is not the hospital's
  item({ province: '230000', hilist_code: '001101000010000', hilist_name: '门诊诊察费（黑龙江）' }),
];

beforeAll(async () => {
  db = await testDb();
  await db.tx(async (tx) => {
    await seedPlaces(tx, [HARBIN, SHENZHEN], { review_filing_kinds: [] });
    await addPersons(tx, [filed, unfiled]);
    await importInstitutions(tx, system, {
      institutions: [{ code: HOSPITAL, name: '深圳市第二人民医院', admdvs: SHENZHEN, kind: 'hospital', level: 3, services: ['inpatient'], chronic_diseases: [], status: 'active', address: null, phone: null }],
    });
    key = await createInstitutionKey(tx, system, HOSPITAL);
    await filing.file(tx, personActor(filed), { psn_no: filed.psn_no, insutype: '310', kind: 'long_term_resident', area: SHENZHEN, begin_date: '2026-11-23', channel: 'national_app', proof: { type: 'commitment', signed: true } }, '2026-11-23');
    await importCatalog(tx, system, { items: catalogueItems });
  });
  app = await buildApp({ db, clock, config: loadConfig({}) }, { logger: false, webDir: null });
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});

let nonceSerial = 0;
function signed(over: Record<string, string> = {}) {
  return { ...gatewayHeaders(key, clock.now(), `hisnonce${++nonceSerial}`), ...over };
}

let msgSerial = 0;
const nextMsgid = () => `${HOSPITAL}20261123100000${String(++msgSerial).padStart(4, '0')}`;

function envelope(infno: string, input: unknown, over: Record<string, unknown> = {}) {
  return hisEnvelope(infno, input, { msgid: nextMsgid(), fixmedins_code: HOSPITAL, mdtrtarea_admvs: SHENZHEN, insuplc_admdvs: '' }, { fixmedins_name: '深圳市第二人民医院', ...over });
}

interface Sent {
  url?: string;
  headers?: Record<string, string>;
  contentType?: string;
}

async function post(body: unknown, o: Sent = {}) {
  const res = await app.inject({
    method: 'POST',
    url: o.url ?? '/fsi/api/rsfComIfsService/callService',
    headers: { 'content-type': o.contentType ?? 'application/json', ...(o.headers ?? signed()) },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  return res.json();
}

const call = (infno: string, input: unknown, over: Record<string, unknown> = {}, o: Sent = {}) => post(envelope(infno, input, over), o);

const byIdCard = (certno: string) => ({ data: { mdtrt_cert_type: '02', mdtrt_cert_no: certno, card_sn: '', begntime: '', psn_cert_type: '01', certno, psn_name: '' } });

describe('transport and envelope', () => {
  it('answers at the single endpoint and at base URL + infno alike', async () => {
    const single = await call('1101', byIdCard(filed.certno));
    const { infno: _omitted, ...rest } = envelope('1101', byIdCard(filed.certno));
    const byCode = await post(rest, { url: '/fsi/api/1101' });
    expect(single.infcode).toBe(0);
    expect(byCode.infcode).toBe(0);
    expect(byCode.output).toEqual(single.output);
  });

  it('writes the response envelope exactly: numeric infcode, refmsgid, 17-digit times', async () => {
    const res = await call('1101', byIdCard(filed.certno));
    expect(Object.keys(res).sort()).toEqual(['cainfo', 'enctype', 'err_msg', 'inf_refmsgid', 'infcode', 'output', 'refmsg_time', 'respond_time', 'signtype', 'warn_msg']);
    expect(res.infcode).toBe(0);
    expect(typeof res.infcode).toBe('number');
    expect(res.inf_refmsgid).toMatch(/^44030020261123100000\d{10}$/);
    expect(res.refmsg_time).toBe('20261123100000000');
    expect(res.respond_time).toMatch(/^\d{17}$/);
    expect(res.err_msg).toBe('');
  });

  it('numbers successive answers differently', async () => {
    const a = await call('1901', { data: { type: 'insutype' } });
    const b = await call('1901', { data: { type: 'insutype' } });
    expect(a.inf_refmsgid).not.toBe(b.inf_refmsgid);
  });

  it('reads a text/plain body, and a body sent with any content type', async () => {
    for (const contentType of ['text/plain', 'text/plain; charset=utf-8', 'application/octet-stream', 'application/x-www-form-urlencoded']) {
      const res = await call('1101', byIdCard(filed.certno), {}, { contentType });
      expect(res.infcode, contentType).toBe(0);
      expect(res.output.baseinfo.psn_no).toBe(filed.psn_no);
    }
  });

  it('ignores unknown keys in the envelope and the input', async () => {
    const res = await call('1101', { data: { ...byIdCard(filed.certno).data, exp_content: { whatever: 1 } }, extra: [1, 2] }, { hosp_ext: 'x', signdata: 'abc' });
    expect(res.infcode).toBe(0);
  });

  it('accepts input sent as a JSON string inside the envelope', async () => {
    expect((await call('1101', JSON.stringify(byIdCard(filed.certno)))).infcode).toBe(0);
  });

  it('refuses a body infno that disagrees with the address', async () => {
    const res = await post(envelope('1901', { data: { type: 'insutype' } }), { url: '/fsi/api/1101' });
    expect(res).toMatchObject({ infcode: -2, err_msg: expect.stringMatching(/infno 1901 in the body does not match 1101/) });
  });

  it('refuses an unknown transaction', async () => {
    const res = await call('9999', {});
    expect(res.infcode).toBe(-2);
    expect(res.err_msg).toMatch(/^transaction 9999 is not supported/);
  });

  it('names a missing field as the HIS calls it', async () => {
    const res = await call('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: '' } });
    expect(res.infcode).toBe(-2);
    expect(res.err_msg).toMatch(/input\.data\.mdtrt_cert_no is required/);
    expect((await call('1101', {})).err_msg).toMatch(/input\.data is required/);
  });

  it('names a bad code with its meaning', async () => {
    const res = await call('1101', { data: { mdtrt_cert_type: '09', mdtrt_cert_no: filed.certno } });
    expect(res.err_msg).toMatch(/input\.data\.mdtrt_cert_type must be 01 \(e-voucher\), 02 \(ID card\) or 03 \(social security card\)/);
  });

  it('refuses a fixmedins_code other than the signed institution', async () => {
    const res = await call('1101', byIdCard(filed.certno), { fixmedins_code: 'H44030000001' });
    expect(res).toMatchObject({ infcode: -2, err_msg: expect.stringMatching(/not the institution this request is signed for.*H44030000009/) });
  });

  it('checks the msgid format', async () => {
    for (const msgid of ['', 'short', `${HOSPITAL}2026112310000000001`, `H44030000001202611231000000001`, `${HOSPITAL}202613231000000001`]) {
      const res = await call('1101', byIdCard(filed.certno), { msgid });
      expect(res.infcode, msgid).toBe(-2);
      expect(res.err_msg, msgid).toMatch(/msgid/);
      expect(res.err_msg.length).toBeLessThanOrEqual(200);
    }
  });
});

describe('gateway signature failures are envelopes', () => {
  // −2: nothing was done and the operator must act (fix the clock, the key); −1 would make the HIS reverse.
  const cases: [string, () => Record<string, string>, RegExp][] = [
    ['no signature', () => ({}), /not signed/],
    ['a wrong signature', () => signed({ 'x-tif-signature': 'ab'.repeat(32) }), /signature does not match/],
    ['an unknown app id', () => signed({ 'x-tif-paasid': 'nobody-here' }), /signature does not match/],
    [
      'a stale timestamp',
      () => {
        return gatewayHeaders(key, new Date(clock.now().getTime() - 301_000), 'stalenonce77');
      },
      /5 minutes/,
    ],
  ];
  for (const [what, headers, message] of cases) {
    it(`answers ${what} with infcode -2 and HTTP 200`, async () => {
      const res = await call('1101', byIdCard(filed.certno), {}, { headers: headers() });
      expect(res.infcode).toBe(-2);
      expect(res.err_msg).toMatch(message);
      expect(res.output).toEqual({});
    });
  }

  it('answers a reused nonce with -2', async () => {
    const headers = signed();
    expect((await call('1101', byIdCard(filed.certno), {}, { headers })).infcode).toBe(0);
    const again = await call('1101', byIdCard(filed.certno), {}, { headers });
    expect(again).toMatchObject({ infcode: -2, err_msg: expect.stringMatching(/used before/) });
  });
});

describe('1101 person information', () => {
  it('finds the person by each credential, with the balance in yuan and the filing covering this area', async () => {
    const credentials = [
      { mdtrt_cert_type: '01', mdtrt_cert_no: filed.evoucher_token },
      { mdtrt_cert_type: '02', mdtrt_cert_no: filed.certno },
      { mdtrt_cert_type: '03', mdtrt_cert_no: filed.ss_card_no, card_sn: filed.ss_card_sn },
    ];
    for (const data of credentials) {
      const res = await call('1101', { data });
      expect(res.infcode, data.mdtrt_cert_type).toBe(0);
      expect(res.output.baseinfo).toEqual({
        psn_no: filed.psn_no,
        psn_cert_type: '01',
        certno: filed.certno,
        psn_name: filed.name,
        gend: filed.gender,
        naty: '01',
        brdy: '1958-04-12',
        age: 68,
      });
      expect(res.output.insuinfo).toEqual([
        { balc: 5000, insutype: '310', psn_type: '1201', psn_insu_stas: '1', psn_insu_date: '2000-01-01', paus_insu_date: null, cvlserv_flag: '0', insuplc_admdvs: HARBIN, emp_name: null },
      ]);
      expect(res.output.idetinfo).toEqual([]);
      expect(res.output.yidi_filing).toMatchObject({ covered: true, emergency_only: false, kind: 'long_term_resident', area: SHENZHEN, begin_date: '2026-11-23', end_date: null });
      expect(res.output.yidi_filing.filing_no).toMatch(/^BA230100/);
    }
  });

  it('tells the desk when no filing covers the person here', async () => {
    const res = await call('1101', byIdCard(unfiled.certno));
    expect(res.infcode).toBe(0);
    expect(res.output.baseinfo.age).toBe(35); // the birthday is tomorrow
    expect(res.output.insuinfo[0]).toMatchObject({ balc: 0, insutype: '390', psn_type: '1501' });
    expect(res.output.yidi_filing).toEqual({
      covered: false,
      emergency_only: true,
      reason: expect.stringMatching(/no filing covers this area/),
      filing_no: null,
      kind: null,
      area: null,
      begin_date: null,
      end_date: null,
    });
  });

  it('refuses a replaced card, another ID number or another name presented with the credential, naming the field', async () => {
    const card = await call('1101', { data: { mdtrt_cert_type: '03', mdtrt_cert_no: filed.ss_card_no, card_sn: 'SN0000' } });
    expect(card.infcode).toBe(-2);
    expect(card.err_msg).toMatch(/card_sn is not the serial number of the card issued to this person: the card was replaced or reported lost/);
    const certno = await call('1101', { data: { mdtrt_cert_type: '01', mdtrt_cert_no: filed.evoucher_token, certno: unfiled.certno } });
    expect(certno.err_msg).toMatch(/certno is not the ID number of the person the credential belongs to/);
    const name = await call('1101', { data: { ...byIdCard(filed.certno).data, psn_name: `${filed.name}某` } });
    expect(name.err_msg).toMatch(/psn_name is not the name of the person the credential belongs to/);
    expect(name.err_msg).not.toContain(filed.name);
    const same = await call('1101', { data: { ...byIdCard(filed.certno).data, psn_name: filed.name, card_sn: 'ignored for an ID card' } });
    expect(same.infcode).toBe(0);
  });

  it('says plainly when nobody holds the credential', async () => {
    const res = await call('1101', byIdCard('110101199003070011'));
    expect(res.infcode).toBe(-2);
    expect(res.err_msg).toMatch(/^no insured person with this ID number/);
    expect(res.err_msg).not.toMatch(/110101199003070011/);
    const card = await call('1101', { data: { mdtrt_cert_type: '03', mdtrt_cert_no: 'NOSUCHCARD' } });
    expect(card.err_msg).toMatch(/^no insured person with this social security card number/);
  });
});

describe('person.identify', () => {
  const id = { type: 'id_card', certno: filed.certno } as const;
  it('lets desks and agencies identify, and nobody else', async () => {
    const agency = (kind: 'insured_agency' | 'treatment_agency', region: string) => ({ kind, userId: 1, username: 'a', region }) as const;
    expect((await identifyPerson(db, agency('treatment_agency', '440000'), id, '2026-11-23')).person.psn_no).toBe(filed.psn_no);
    expect((await identifyPerson(db, agency('insured_agency', HARBIN), id, '2026-11-23')).age).toBe(68);
    await expect(identifyPerson(db, agency('insured_agency', '110000'), id, '2026-11-23')).rejects.toMatchObject({ code: 'forbidden' });
    // A person is refused before any lookup: the answer does not tell whether the credential exists.
    await expect(identifyPerson(db, personActor(unfiled), { type: 'id_card', certno: '110101199003070011' }, '2026-11-23')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(identifyPerson(db, undefined, id, '2026-11-23')).rejects.toMatchObject({ code: 'unauthenticated' });
  });
});

describe('9001 / 9002 sign-in, idempotent by msgid', () => {
  const count = async (sql: string) => Number((await db.query<{ n: string }>(sql)).rows[0]!.n);

  it('returns the stored answer for the same msgid and writes once', async () => {
    const first = envelope('9001', { signIn: { opter_no: 'D001', mac: '00-16-EA-AE-3C-40', ip: '10.1.2.3' } });
    const before = await count('SELECT count(*) AS n FROM his_sign_in');
    const a = await post(first);
    expect(a.infcode).toBe(0);
    expect(a.output.signinoutb).toEqual({ sign_time: '2026-11-23 10:00:00', sign_no: expect.stringMatching(/^20261123\d{10}$/) });
    // A retry may carry another inf_time or key order; the answer is the stored one.
    const b = await post({ ...first, inf_time: '2026-11-23 10:00:05', input: { signIn: { ip: '10.1.2.3', mac: '00-16-EA-AE-3C-40', opter_no: 'D001' } } });
    expect(b.infcode).toBe(0);
    expect(b.output).toEqual(a.output);
    expect(b.inf_refmsgid).toBe(a.inf_refmsgid);
    expect(b.warn_msg).toMatch(/was answered at 2026-11-23 10:00:00/);
    expect(await count('SELECT count(*) AS n FROM his_sign_in')).toBe(before + 1);
    expect(await count(`SELECT count(*) AS n FROM audit_log WHERE action = 'sign_in' AND entity_id = '${a.output.signinoutb.sign_no}'`)).toBe(1);

    const changed = await post({ ...first, input: { signIn: { opter_no: 'D001', mac: '00-16-EA-AE-3C-41', ip: '10.1.2.3' } } });
    expect(changed.infcode).toBe(-2);
    expect(changed.err_msg).toContain(`msgid ${first.msgid} was used for infno 9001 with a different input (input.signIn.mac differs)`);
    expect(changed.err_msg.length).toBeLessThanOrEqual(200);
    const otherInfno = await post({ ...first, infno: '9002', input: { signOut: { sign_no: a.output.signinoutb.sign_no, opter_no: 'D001' } } });
    expect(otherInfno.err_msg).toMatch(/already used for infno 9001, not 9002/);
    expect(await count('SELECT count(*) AS n FROM his_sign_in')).toBe(before + 1);
  });

  it('answers concurrent retries of one msgid with one sign-in', async () => {
    const e = envelope('9001', { signIn: { opter_no: 'D009' } });
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(e)));
    expect(answers.every((a) => a.infcode === 0)).toBe(true);
    expect(new Set(answers.map((a) => a.output.signinoutb.sign_no)).size).toBe(1);
    expect(answers.filter((a) => a.warn_msg === '')).toHaveLength(1);
    expect(await count("SELECT count(*) AS n FROM his_sign_in WHERE opter_no = 'D009'")).toBe(1);
  });

  it('does not store refusals', async () => {
    const e = envelope('9001', { signIn: {} });
    const bad = await post(e);
    expect(bad).toMatchObject({ infcode: -2, err_msg: expect.stringMatching(/input\.signIn\.opter_no is required/) });
    // The refused msgid was not used up: the corrected request goes through.
    expect((await post({ ...e, input: { signIn: { opter_no: 'D002' } } })).infcode).toBe(0);
  });

  it('signs out once', async () => {
    const signIn = await call('9001', { signIn: { opter_no: 'D003' } });
    const sign_no = signIn.output.signinoutb.sign_no;
    const out = await call('9002', { signOut: { sign_no, opter_no: 'D003' } });
    expect(out).toMatchObject({ infcode: 0, output: { signoutoutb: { sign_time: '2026-11-23 10:00:00' } } });
    const again = await call('9002', { signOut: { sign_no, opter_no: 'D003' } });
    expect(again).toMatchObject({ infcode: -2, err_msg: expect.stringMatching(/already signed out.*sign in again with 9001/) });
    const unknown = await call('9002', { signOut: { sign_no: '20261123999', opter_no: 'D003' } });
    expect(unknown.err_msg).toMatch(/not a sign-in of this institution/);
  });
});

describe('catalogue transactions', () => {
  it('1312 pages the province catalogue with yuan and decimal ratios', async () => {
    const p1 = await call('1312', { data: { page_num: 1, page_size: 3 } });
    expect(p1.infcode).toBe(0);
    expect(p1.output).toMatchObject({ pageNum: 1, pageSize: 3, size: 3, recordCounts: 7, pages: 3, firstPage: true, lastPage: false });
    const p3 = await call('1312', { data: { page_num: '3', page_size: '3' } });
    expect(p3.output).toMatchObject({ pageNum: 3, size: 1, lastPage: true });
    const codes = [...p1.output.data, ...(await call('1312', { data: { page_num: 2, page_size: 3 } })).output.data, ...p3.output.data].map((r: { hilist_code: string }) => r.hilist_code);
    expect(new Set(codes).size).toBe(7);

    const one = await call('1312', { data: { hilist_code: 'XA01ABD075A002010100483', insu_admdvs: SHENZHEN, page_num: 1, page_size: 10 } });
    expect(one.output.data).toEqual([
      {
        hilist_code: 'XA01ABD075A002010100483',
        hilist_name: '阿莫西林胶囊',
        insu_admdvs: '440000',
        begndate: '2026-01-01',
        enddate: null,
        med_chrgitm_type: '09',
        chrgitm_lv: '02',
        lmt_used_flag: '0',
        list_type: '101',
        selfpay_prop: '0.10',
        pric_uplmt_amt: 12.5,
        vali_flag: '1',
      },
    ]);
    const patent = await call('1312', { data: { hilist_code: 'ZA01AAX0001010100001' } });
    expect(patent.output.data[0]).toMatchObject({ selfpay_prop: '0.125', pric_uplmt_amt: null });
    const classA = await call('1312', { data: { hilist_code: '001101000010000' } });
    expect(classA.output.data).toEqual([expect.objectContaining({ insu_admdvs: '440000', selfpay_prop: '0.00', pric_uplmt_amt: 10 })]);
  });

  it('1312 filters by query_date and refuses another province or a bad page', async () => {
    const inForce = await call('1312', { data: { query_date: '2026-11-23', page_size: 100 } });
    expect(inForce.output.recordCounts).toBe(6);
    expect((await call('1312', { data: { hilist_code: 'NOPE' } })).output).toMatchObject({ recordCounts: 0, data: [] });
    expect((await call('1312', { data: { insu_admdvs: '230100' } })).err_msg).toMatch(/input\.data\.insu_admdvs must be a division of your province 440000/);
    expect((await call('1312', { data: { page_size: 5000 } })).err_msg).toMatch(/input\.data\.page_size must be a whole number from 1 to 1000/);
    expect((await call('1312', { page_num: 'x' })).err_msg).toMatch(/input\.page_num must be a whole number/);
    expect((await call('1312', { data: { query_date: '23/11/2026' } })).err_msg).toMatch(/input\.data\.query_date must be a date/);
  });

  it('1301 downloads western then patent drugs across pages; 1305 service items', async () => {
    const rows: { hilist_code: string; list_type: string }[] = [];
    for (let n = 1; n <= 3; n++) {
      const res = await call('1301', { data: { ver: '0', page_num: n, page_size: 2 } });
      expect(res.output).toMatchObject({ pageNum: n, recordCounts: 5, pages: 3 });
      rows.push(...res.output.data);
    }
    expect(rows.map((r) => r.list_type)).toEqual(['101', '101', '101', '102', '102']);
    expect(new Set(rows.map((r) => r.hilist_code)).size).toBe(5);
    const services = await call('1305', { data: {} });
    expect(services.output.data.map((r: { hilist_code: string }) => r.hilist_code)).toEqual(['001101000010000', '001102000010000']);
  });
});

describe('1901 dictionary', () => {
  it('answers a code table with or without the data wrapper, any case', async () => {
    const res = await call('1901', { data: { type: 'INSUTYPE', parentValue: '', admdvs: SHENZHEN, date: '2026-11-23', valiFlag: '1' } });
    expect(res.infcode).toBe(0);
    expect(res.output.list).toContainEqual({ type: 'insutype', value: '310', label: '职工基本医疗保险', label_en: 'Employee basic medical insurance', parentValue: '', sort: 1, valiFlag: '1' });
    expect((await call('1901', { type: 'med_type' })).output.list.map((e: { value: string }) => e.value)).toContain('14');
  });

  it('refuses a table it does not have', async () => {
    const res = await call('1901', { data: { type: 'no_such_table' } });
    expect(res).toMatchObject({ infcode: -2, err_msg: expect.stringMatching(/no code table "no_such_table"/) });
  });
});

describe('never anything but HTTP 200 and an envelope under /fsi', () => {
  const garbage: [string, string][] = [
    ['empty', ''],
    ['not JSON', 'infno=1101&input=x'],
    ['truncated JSON', '{"infno": "1101", "input": {'],
    ['an array', '[1, 2, 3]'],
    ['a string', '"1101"'],
    ['null', 'null'],
    ['infno a number', '{"infno": 1101.5, "msgid": 3}'],
    ['input a number', JSON.stringify({ ...envelope('1101', 3) })],
    ['input a broken string', JSON.stringify({ ...envelope('1101', '{nope') })],
    ['deep nesting', `{"infno":"1101","input":${'['.repeat(2000)}${']'.repeat(2000)}}`],
    ['binary', '\u0000\u0001\u0002\uFFFF'],
  ];
  for (const [what, body] of garbage) {
    it(`answers ${what}`, async () => {
      for (const url of ['/fsi/api/rsfComIfsService/callService', '/fsi/api/1101']) {
        const res = await post(body, { url, contentType: 'text/plain' });
        expect(typeof res.infcode).toBe('number');
        expect(res.infcode).not.toBe(0);
        expect(res.err_msg.length).toBeGreaterThan(0);
        expect(res.err_msg.length).toBeLessThanOrEqual(200);
      }
    });
  }

  it('answers an unparseable body with -1', async () => {
    expect((await post('{"infno":', { contentType: 'application/json' })).infcode).toBe(-1);
  });

  it('answers other methods and paths with an envelope', async () => {
    for (const [method, url] of [['GET', '/fsi/api/1101'], ['POST', '/fsi/api/hospSettService/settV2/x'], ['PUT', '/fsi/api/rsfComIfsService/callService']] as const) {
      const res = await app.inject({ method, url, headers: signed() });
      expect(res.statusCode, `${method} ${url}`).toBe(200);
      expect(res.json()).toMatchObject({ infcode: -2, err_msg: expect.stringMatching(/POST to \/fsi\/api/) });
    }
  });

  it('answers a bad infno in the address', async () => {
    const res = await post(envelope('1101', byIdCard(filed.certno), { infno: undefined }), { url: '/fsi/api/%E4%BD%A0' });
    expect(res).toMatchObject({ infcode: -2, err_msg: expect.stringMatching(/is not a transaction code/) });
  });
});

describe('OpenAPI', () => {
  it('documents both endpoints under the his tag with an example', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    const single = doc.paths['/fsi/api/rsfComIfsService/callService'].post;
    expect(single.tags).toEqual(['his']);
    expect(JSON.stringify(single.requestBody)).toContain('H44030000009202611231000000001');
    expect(doc.paths['/fsi/api/{infno}'].post.tags).toEqual(['his']);
  });
});
