import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstitutionKey } from '../src/auth/service.ts';
import { MAX_FILE_BYTES } from '../src/reconciliation/rules.ts';
import { personOf, system } from './support/fixtures.ts';
import { gatewayHeaders, hisEnvelope } from './support/his.ts';
import {
  admittedAndBilled,
  CLASS_A,
  feedetail,
  harbinEmployee,
  HOSPITAL,
  OTHER_HOSPITAL,
  settleInput,
  settlementWorld,
  SHENZHEN,
  visitedAndBilled,
  WORKED_EXAMPLE,
  type World,
} from './settlement-harness.ts';

/**
 * Reconciliation through the signed HIS envelope: 3201 totals, 9101/9102
 * files and 3202 detail, 3260–3262 clearing detail. On 2026-11-23 the
 * hospital settles two stays of Harbin employees (one then cancelled), an
 * outpatient visit, and a visit of a Shenzhen person (not cross-provincial);
 * the other hospital settles one stay.
 */

const stayer = harbinEmployee();
const outpatient = harbinEmployee();
const cancelled = harbinEmployee();
const elsewhere = harbinEmployee();
const local = personOf(SHENZHEN);

let w: World;
interface Row {
  setl_id: string;
  mdtrt_id: string;
  psn_no: string;
  medfee_sumamt: number;
  fund_pay_sumamt: number;
  acct_pay: number;
}
let A: Row; // inpatient, in force
let B: Row; // outpatient
let C: Row; // inpatient, cancelled by C2
let C2: Row;
let L: Row; // the local person's visit
let D: Row; // at the other hospital

const rowOf = (s: Record<string, any>): Row => ({
  setl_id: s.setl_id,
  mdtrt_id: s.mdtrt_id,
  psn_no: s.psn_no,
  medfee_sumamt: s.medfee_sumamt,
  fund_pay_sumamt: s.fund_pay_sumamt,
  acct_pay: s.acct_pay,
});
const fen = (y: number) => Math.round(y * 100);
const yuan = (f: number) => f / 100;
const sum = (rows: Row[], k: 'medfee_sumamt' | 'fund_pay_sumamt' | 'acct_pay') => yuan(rows.reduce((s, r) => s + fen(r[k]), 0));
const totalsOf = (rows: Row[]) => ({
  medfee_sumamt: sum(rows, 'medfee_sumamt'),
  fund_pay_sumamt: sum(rows, 'fund_pay_sumamt'),
  acct_pay: sum(rows, 'acct_pay'),
  fixmedins_setl_cnt: rows.length,
});
/** What the clearing carries out of a month as the hospitals' exclusions. */
const excludedByHospitals = async (month: string) =>
  (
    await w.db.query<{ setl_id: string; fixmedins_code: string; month: string; memo: string }>(
      "SELECT setl_id, fixmedins_code, clr_month AS month, memo FROM hospital_confirmation_in_force WHERE clr_month = $1 AND cnfm_flag = '0' ORDER BY setl_id",
      [month],
    )
  ).rows;
const count = async (table: string) => Number((await w.db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

/** The harness sends Harbin as the insured place; a Shenzhen patient's visit goes in an envelope of its own. */
async function localVisit(): Promise<Row> {
  const key = await createInstitutionKey(w.db, system, HOSPITAL);
  let nonce = 0;
  const send = async (infno: string, input: unknown) => {
    const body = hisEnvelope(infno, input, { msgid: w.msgid(), fixmedins_code: HOSPITAL, mdtrtarea_admvs: SHENZHEN, insuplc_admdvs: SHENZHEN });
    const res = await w.app.inject({ method: 'POST', url: `/fsi/api/${infno}`, headers: gatewayHeaders(key, w.clock.now(), `localnonce${++nonce}`), payload: body });
    const out = res.json();
    expect(out.err_msg).toBe('');
    return out.output;
  };
  const registered = await send('2201', { data: { psn_no: local.psn_no, insutype: '310', begntime: '2026-11-23 09:00:00', mdtrt_cert_type: '02', mdtrt_cert_no: local.certno } });
  const mdtrt = registered.data.mdtrt_id as string;
  await send('2204', { feedetail: feedetail(mdtrt, local.psn_no, [{ code: CLASS_A, pric: 200, cnt: 1, amount: 200 }], '11') });
  return rowOf((await send('2207', settleInput(mdtrt, local.psn_no, 200))).setlinfo);
}

async function stay(person: typeof stayer, code = HOSPITAL): Promise<Row> {
  const mdtrt = await admittedAndBilled(w, person, WORKED_EXAMPLE, { code });
  return rowOf((await w.ok('2304', settleInput(mdtrt, person.psn_no, 30000, { acct_used_flag: '1' }), { code })).setlinfo);
}

beforeAll(async () => {
  w = await settlementWorld([
    ...[stayer, outpatient, cancelled, elsewhere].map((person) => ({ person, kind: 'long_term_resident' as const })),
    { person: local, kind: null },
  ]);
  A = await stay(stayer);
  const visit = await visitedAndBilled(w, outpatient, [{ code: CLASS_A, pric: 300, cnt: 1, amount: 300 }]);
  B = rowOf((await w.ok('2207', settleInput(visit, outpatient.psn_no, 300))).setlinfo);
  C = await stay(cancelled);
  C2 = rowOf((await w.ok('2305', { data: { setl_id: C.setl_id, mdtrt_id: C.mdtrt_id, psn_no: cancelled.psn_no } })).setlinfo);
  L = await localVisit();
  D = await stay(elsewhere, OTHER_HOSPITAL);
});
afterAll(async () => w?.close());

const PERIOD = { setl_optins: '230100', stmt_begndate: '2026-11-01', stmt_enddate: '2026-11-30' };

describe('3201 totals reconciliation', () => {
  it('is balanced when the figures agree, settlements only by default', async () => {
    const out = await w.ok('3201', { data: { insutype: '310', clr_type: '21', ...PERIOD, ...totalsOf([A, C]), refd_setl_flag: '0' } });
    expect(out.stmtinfo).toMatchObject({ setl_optins: '230100', stmt_rslt: '0' });
    expect(out.stmtinfo.stmt_rslt_dscr).toMatch(/^balanced: 2 settlement rows, medfee_sumamt 60000\.00/);
    expect(out.yidi_platform_totals).toEqual(totalsOf([A, C]));
  });

  it('counts cancellations as rows of their own with refd_setl_flag 1', async () => {
    const out = await w.ok('3201', { data: { insutype: '310', clr_type: '21', ...PERIOD, ...totalsOf([A, C, C2]), refd_setl_flag: '1' } });
    expect(out.stmtinfo.stmt_rslt).toBe('0');
    expect(out.yidi_platform_totals).toMatchObject({ medfee_sumamt: A.medfee_sumamt, fixmedins_setl_cnt: 3 });
  });

  it('names each figure that differs with both values', async () => {
    const t = totalsOf([A, C]);
    const out = await w.ok('3201', { data: { insutype: '310', clr_type: '21', ...PERIOD, ...t, medfee_sumamt: t.medfee_sumamt + 100, fixmedins_setl_cnt: 3 } });
    expect(out.stmtinfo.stmt_rslt).toBe('1');
    const d: string = out.stmtinfo.stmt_rslt_dscr;
    expect(d).toContain("fixmedins_setl_cnt is 3 in the hospital's message but 2 at the platform");
    expect(d).toContain("medfee_sumamt is 60100.00 yuan in the hospital's message but 60000.00 at the platform (difference 100.00)");
    expect(d).not.toContain('fund_pay_sumamt is');
  });

  it('filters by insured place, clearing type and institution', async () => {
    const outpatientOnly = await w.ok('3201', { data: { insutype: '310', clr_type: '11', ...PERIOD, ...totalsOf([B]) } });
    expect(outpatientOnly.stmtinfo.stmt_rslt).toBe('0');
    const province = await w.ok('3201', { data: { insutype: '310', clr_type: '11', ...PERIOD, setl_optins: '230000', ...totalsOf([B]) } });
    expect(province.stmtinfo.stmt_rslt).toBe('0');
    const localOnly = await w.ok('3201', { data: { insutype: '310', clr_type: '11', ...PERIOD, setl_optins: SHENZHEN, ...totalsOf([L]) } });
    expect(localOnly.stmtinfo.stmt_rslt).toBe('0');
    const other = await w.ok('3201', { data: { insutype: '310', clr_type: '21', ...PERIOD, ...totalsOf([D]) } }, { code: OTHER_HOSPITAL });
    expect(other.stmtinfo.stmt_rslt).toBe('0');
  });

  it('refuses bad input naming the field, recording nothing', async () => {
    const before = await count('recon_run');
    const late = await w.send('3201', { data: { insutype: '310', clr_type: '21', ...PERIOD, stmt_enddate: '2026-10-31', ...totalsOf([A]) } });
    expect(late.infcode).toBe(-2);
    expect(late.err_msg).toContain('input.data.stmt_enddate');
    const decimals = await w.send('3201', { data: { insutype: '310', clr_type: '21', ...PERIOD, ...totalsOf([A]), acct_pay: '1.005' } });
    expect(decimals.infcode).toBe(-2);
    expect(decimals.err_msg).toMatch(/^input\.data\.acct_pay has more than two decimals/);
    const missing = await w.send('3201', { data: { insutype: '310', ...PERIOD, ...totalsOf([A]) } });
    expect(missing.err_msg).toContain('input.data.clr_type is required');
    const place = await w.send('3201', { data: { insutype: '310', clr_type: '21', ...PERIOD, setl_optins: '2301', ...totalsOf([A]) } });
    expect(place.err_msg).toContain('input.data.setl_optins');
    expect(await count('recon_run')).toBe(before);
  });
});

const upload = (content: Buffer | string, o: { code?: string; filename?: string; asBytes?: boolean } = {}) => {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
  return w.send(
    '9101',
    { fsUploadIn: { file_data: o.asBytes ? [...bytes].map((b) => (b > 127 ? b - 256 : b)) : bytes.toString('base64'), filename: o.filename ?? 'detail.txt', fixmedins_code: o.code ?? HOSPITAL } },
    { code: o.code ?? HOSPITAL },
  );
};
const download = (file_qury_no: string, code = HOSPITAL) => w.send('9102', { fsDownloadIn: { file_qury_no, fixmedins_code: code } }, { code });

describe('9101 upload and 9102 download', () => {
  it('keeps a file for its institution only', async () => {
    const text = '对账文件 test\n';
    const up = await upload(text);
    expect(up.infcode).toBe(0);
    expect(up.output).toMatchObject({ filename: 'detail.txt', file_size: Buffer.byteLength(text), sha256: crypto.createHash('sha256').update(text).digest('hex') });
    expect(up.output.file_qury_no).toMatch(/^F20261123\d{10}$/);
    expect(up.output.dld_endtime).toBe('2026-12-23 10:00:00');

    const down = await download(up.output.file_qury_no);
    expect(down.infcode).toBe(0);
    expect(Buffer.from(down.output.file_data, 'base64').toString('utf8')).toBe(text);

    const theirs = await download(up.output.file_qury_no, OTHER_HOSPITAL);
    expect(theirs.infcode).toBe(-2);
    expect(theirs.err_msg).toContain(`is not a file of institution ${OTHER_HOSPITAL}`);
  });

  it('takes the content as an array of bytes too', async () => {
    const bytes = Buffer.from([0xe5, 0xaf, 0xb9, 0x0a, 0xff, 0x00]);
    const up = await upload(bytes, { asBytes: true });
    expect(up.infcode).toBe(0);
    const down = await download(up.output.file_qury_no);
    expect(Buffer.from(down.output.file_data, 'base64')).toEqual(bytes);
  });

  it('refuses a file over 20 MiB naming the limit, storing nothing', async () => {
    const before = await count('recon_file');
    const big = await upload(Buffer.alloc(MAX_FILE_BYTES + 1, 0x41));
    expect(big.infcode).toBe(-2);
    expect(big.err_msg).toContain('input.fsUploadIn.file_data');
    expect(big.err_msg).toContain('20 MiB');
    expect(await count('recon_file')).toBe(before);
  });

  it("refuses another institution's code and content that is not base64", async () => {
    const wrong = await w.send('9101', { fsUploadIn: { file_data: 'YQ==', filename: 'a.txt', fixmedins_code: OTHER_HOSPITAL } });
    expect(wrong.err_msg).toContain('input.fsUploadIn.fixmedins_code');
    const garbage = await w.send('9101', { fsUploadIn: { file_data: 'not base64!', filename: 'a.txt' } });
    expect(garbage.err_msg).toContain('input.fsUploadIn.file_data must be the file content in base64');
  });
});

const line = (r: Row, over: Partial<Row> = {}, refd = '0') => {
  const x = { ...r, ...over };
  return [x.setl_id, x.mdtrt_id, x.psn_no, x.medfee_sumamt.toFixed(2), x.fund_pay_sumamt.toFixed(2), x.acct_pay.toFixed(2), refd].join('\t');
};

/** A zip archive holding one deflated file, as HIS written to the national platform send it. */
function zipOf(name: string, data: Buffer): Buffer {
  const packed = zlib.deflateRawSync(data);
  const crc = zlib.crc32(data);
  const n = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(packed.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(n.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(packed.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(n.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + n.length, 12);
  end.writeUInt32LE(30 + n.length + packed.length, 16);
  return Buffer.concat([local, n, packed, central, n, end]);
}

function parseResult(text: string) {
  const [header, ...rows] = text.trimEnd().split('\n');
  const cols = header!.split('\t');
  return rows.map((r) => Object.fromEntries(r.split('\t').map((v, i) => [cols[i]!, v])));
}

describe('3202 detail reconciliation', () => {
  const FAKE: Row = { setl_id: 'A2301002611230000099999', mdtrt_id: 'S2301002611230000099999', psn_no: 'X1', medfee_sumamt: 10, fund_pay_sumamt: 5, acct_pay: 0 };
  // A matches; C's fund share differs; FAKE is only in the file; C2 is a cancellation, outside refd_setl_flag 0; B only at the platform.
  const fileRows = () => [
    { r: A, text: line(A) },
    { r: { ...C, fund_pay_sumamt: C.fund_pay_sumamt - 1 }, text: line(C, { fund_pay_sumamt: C.fund_pay_sumamt - 1 }) },
    { r: FAKE, text: line(FAKE) },
    { r: C2, text: line(C2, {}, '1') },
  ];
  const detailInput = (file_qury_no: string, rows: Row[], over: Record<string, unknown> = {}) => ({ data: { ...PERIOD, file_qury_no, refd_setl_flag: '0', ...totalsOf(rows), ...over } });

  it('answers a result file with one line per settlement on either side', async () => {
    const up = await upload(['setl_id\tmdtrt_id\tpsn_no\tmedfee_sumamt\tfund_pay_sumamt\tacct_pay\trefd_setl_flag', ...fileRows().map((x) => x.text)].join('\r\n') + '\r\n');
    const out = await w.ok('3202', detailInput(up.output.file_qury_no, fileRows().map((x) => x.r)));
    expect(out).toMatchObject({ stmt_rslt: '1', match_cnt: 1, differ_cnt: 1, hosp_only_cnt: 2, platform_only_cnt: 1 });
    expect(out.filename).toBe(`${out.file_qury_no}_3202.txt`);

    const down = await download(out.file_qury_no);
    const rows = parseResult(Buffer.from(down.output.file_data, 'base64').toString('utf8'));
    const by = new Map(rows.map((r) => [r.setl_id, r]));
    expect(rows).toHaveLength(5);
    expect(by.get(A.setl_id)).toMatchObject({ stmt_rslt: '0', memo: '', psn_no: A.psn_no, refd_setl_flag: '0', medfee_sumamt: A.medfee_sumamt.toFixed(2) });
    expect(by.get(A.setl_id)!.msgid).toMatch(/^H44030000009/);
    expect(by.get(C.setl_id)!.stmt_rslt).toBe('1');
    expect(by.get(C.setl_id)!.memo).toBe(`line 3: fund_pay_sumamt hospital ${(C.fund_pay_sumamt - 1).toFixed(2)}, platform ${C.fund_pay_sumamt.toFixed(2)}`);
    expect(by.get(FAKE.setl_id)).toMatchObject({ stmt_rslt: '2', memo: 'line 4: not a settlement of this institution at the platform', msgid: '' });
    expect(by.get(C2.setl_id)!.stmt_rslt).toBe('2');
    expect(by.get(C2.setl_id)!.memo).toContain('outside this reconciliation');
    expect(by.get(C2.setl_id)!.memo).toContain('refd_setl_flag 1');
    expect(by.get(B.setl_id)).toMatchObject({ stmt_rslt: '3', medfee_sumamt: '300.00' });
    expect(by.has(L.setl_id)).toBe(false);
    expect(by.has(D.setl_id)).toBe(false);
  });

  it('is balanced for a zipped file of exactly the platform rows', async () => {
    const text = [A, C, B].map((r) => line(r)).join('\n');
    const up = await upload(zipOf('detail.txt', Buffer.from(text)), { filename: 'detail.zip' });
    const out = await w.ok('3202', detailInput(up.output.file_qury_no, [A, C, B]));
    expect(out).toMatchObject({ stmt_rslt: '0', match_cnt: 3, differ_cnt: 0, hosp_only_cnt: 0, platform_only_cnt: 0 });
    expect(out.stmt_rslt_dscr).toMatch(/^balanced/);
  });

  it("refuses a message whose totals are not its file's, writing nothing", async () => {
    const up = await upload(fileRows().map((x) => x.text).join('\n'));
    const [runs, files] = [await count('recon_run'), await count('recon_file')];
    const t = totalsOf(fileRows().map((x) => x.r));
    const res = await w.send('3202', detailInput(up.output.file_qury_no, [], { ...t, acct_pay: t.acct_pay + 1, fixmedins_setl_cnt: 3 }));
    expect(res.infcode).toBe(-2);
    expect(res.err_msg).toContain(`The totals of the message disagree with file ${up.output.file_qury_no}`);
    expect(res.err_msg).toContain('fixmedins_setl_cnt is 3 in the message but 4 in file');
    expect([await count('recon_run'), await count('recon_file')]).toEqual([runs, files]);
  });

  it('refuses a malformed file naming the line, writing nothing', async () => {
    const up = await upload([line(A), line(B), `${C.setl_id}\t${C.mdtrt_id}\t${C.psn_no}\t12.345\t1.00\t0.00\t0`].join('\n'));
    const [runs, files] = [await count('recon_run'), await count('recon_file')];
    const res = await w.send('3202', detailInput(up.output.file_qury_no, [A, B]));
    expect(res.infcode).toBe(-2);
    expect(res.err_msg).toContain(`file ${up.output.file_qury_no}, line 3: medfee_sumamt`);
    expect(res.err_msg).toContain('more than two decimals');
    const short = await upload(`${line(A)}\n\n${A.setl_id}\t${A.mdtrt_id}\n`);
    const res2 = await w.send('3202', detailInput(short.output.file_qury_no, [A]));
    expect(res2.err_msg).toContain('line 3: has 2 fields but 7 are expected');
    const twice = await upload(`${line(A)}\n${line(A)}\n`);
    const res3 = await w.send('3202', detailInput(twice.output.file_qury_no, [A, A]));
    expect(res3.err_msg).toContain(`line 2: setl_id ${A.setl_id} is already on line 1`);
    expect([await count('recon_run'), await count('recon_file')]).toEqual([runs, files + 2]);
  });

  it("refuses another institution's file", async () => {
    const up = await upload(line(D), { code: OTHER_HOSPITAL });
    const res = await w.send('3202', detailInput(up.output.file_qury_no, [D]));
    expect(res.infcode).toBe(-2);
    expect(res.err_msg).toContain('is not a file institution H44030000009 uploaded with 9101');
  });
});

describe('3260–3262 cross-provincial clearing detail', () => {
  const month = { trt_year: '2026', trt_month: '11' };

  it('pages the month with its totals, leaving out local patients and other institutions', async () => {
    const p1 = await w.ok('3260', { data: { ...month, page_num: 1, page_size: 3 } });
    expect(p1).toMatchObject({ pageNum: 1, pageSize: 3, size: 3, recordCounts: 4, pages: 2, firstPage: true, lastPage: false });
    const p2 = await w.ok('3260', { data: { trt_year: 2026, trt_month: 11, page_num: '2', page_size: 3 } });
    expect(p2).toMatchObject({ size: 1, lastPage: true });
    const ids = [...p1.data, ...p2.data].map((r: any) => r.setl_id);
    expect(new Set(ids)).toEqual(new Set([A.setl_id, B.setl_id, C.setl_id, C2.setl_id]));
    expect(p1.totals).toMatchObject({ setl_cnt: 4, medfee_sumamt: sum([A, B, C, C2], 'medfee_sumamt'), fund_pay_sumamt: sum([A, B, C, C2], 'fund_pay_sumamt'), uncnfm_cnt: 4 });
    const cancel = [...p1.data, ...p2.data].find((r: any) => r.setl_id === C2.setl_id);
    expect(cancel).toMatchObject({ refd_setl_flag: '1', cnfm_flag: null });

    const tooMany = await w.send('3260', { data: { ...month, page_size: 101 } });
    expect(tooMany.err_msg).toContain('input.data.page_size must be a whole number from 1 to 100');
    const badMonth = await w.send('3260', { data: { trt_year: '2026', trt_month: '13' } });
    expect(badMonth.err_msg).toContain('input.data.trt_month');
  });

  it('confirms only after the month has ended', async () => {
    const res = await w.send('3261', { data: month, detail: [{ setl_id: A.setl_id, cnfm_flag: '1' }] });
    expect(res.infcode).toBe(-2);
    expect(res.err_msg).toContain('2026-11 has not ended');
    w.clock.set('2026-12-02T02:00:00Z');
  });

  it('includes and excludes, idempotent by msgid', async () => {
    const input = { data: month, detail: [{ setl_id: A.setl_id, cnfm_flag: '1' }, { setl_id: C.setl_id, cnfm_flag: '0', memo: '费用有争议' }] };
    const msgid = w.msgid();
    const first = await w.send('3261', input, { msgid });
    expect(first.infcode).toBe(0);
    expect(first.output.result).toEqual({ trt_year: '2026', trt_month: '11', cnfm_cnt: 1, excl_cnt: 1 });
    expect(first.output.totals).toMatchObject({ cnfm_cnt: 1, excl_cnt: 1, uncnfm_cnt: 2, excl_fund_pay_sumamt: C.fund_pay_sumamt });

    const again = await w.send('3261', input, { msgid });
    expect(again.inf_refmsgid).toBe(first.inf_refmsgid);
    expect(again.output).toEqual(first.output);
    expect(again.warn_msg).toContain('nothing was done twice');
    const changed = await w.send('3261', { ...input, detail: [input.detail[0]] }, { msgid });
    expect(changed.infcode).toBe(-2);
    expect(changed.err_msg).toContain('input.detail[1] differs');
    expect(await count('hospital_clearing_event')).toBe(2);

    const page = await w.ok('3260', { data: month });
    const c = page.data.find((r: any) => r.setl_id === C.setl_id);
    expect(c).toMatchObject({ cnfm_flag: '0', memo: '费用有争议' });
    expect(await excludedByHospitals('2026-11')).toEqual([{ setl_id: C.setl_id, fixmedins_code: HOSPITAL, month: '2026-11', memo: '费用有争议' }]);
  });

  it('refuses an exclusion without a reason and settlements outside the detail', async () => {
    const before = await count('hospital_clearing_event');
    const noReason = await w.send('3261', { data: month, detail: [{ setl_id: B.setl_id, cnfm_flag: 0 }] });
    expect(noReason.err_msg).toContain('input.detail[0].memo is required when cnfm_flag is 0');
    const outside = await w.send('3261', { data: month, detail: [{ setl_id: A.setl_id, cnfm_flag: 1 }, { setl_id: L.setl_id, cnfm_flag: 1 }, { setl_id: D.setl_id, cnfm_flag: 1 }] });
    expect(outside.err_msg).toContain(`input.detail[1].setl_id ${L.setl_id} is not in this institution's cross-provincial clearing detail of 2026-11`);
    expect(outside.err_msg).toContain('input.detail[2].setl_id');
    expect(await count('hospital_clearing_event')).toBe(before);
  });

  it('rolls back by an event, after which the month may be confirmed again', async () => {
    const rolled = await w.ok('3262', { data: { ...month, memo: '重新核对' } });
    expect(rolled.result).toEqual({ trt_year: '2026', trt_month: '11', rollback_cnt: 2 });
    const page = await w.ok('3260', { data: month });
    expect(page.data.every((r: any) => r.cnfm_flag === null)).toBe(true);
    expect(page.totals.uncnfm_cnt).toBe(4);
    expect(await excludedByHospitals('2026-11')).toEqual([]);

    const nothing = await w.send('3262', { data: month });
    expect(nothing.infcode).toBe(-2);
    expect(nothing.err_msg).toContain('nothing to roll back');

    await w.ok('3261', { data: month, detail: [{ setl_id: C2.setl_id, cnfm_flag: '0', memo: '随原结算剔除' }] });
    expect((await excludedByHospitals('2026-11')).map((e) => e.setl_id)).toEqual([C2.setl_id]);
    // Append-only: two confirmations, the rollback, the new confirmation.
    expect(await count('hospital_clearing_event')).toBe(4);
    await expect(w.db.query('DELETE FROM hospital_clearing_event')).rejects.toThrow(/append-only/);
  });
});
