/**
 * A hospital information system (HIS) talking to Yidi the way a real one does:
 * it builds every request envelope by hand, signs it with the gateway headers,
 * and knows nothing of Yidi's code. It runs one outpatient visit and one
 * inpatient stay for a filed persona of the demo nation, printing each step's
 * infcode and the settlement figures.
 *
 *   node --import tsx examples/his-client.ts [path/to/demo-credentials.json]
 *
 * YIDI_URL (default http://localhost:8080) is the server; the credentials file
 * defaults to data/demo-credentials.json (or YIDI_CREDENTIALS).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';

const BASE = (process.env.YIDI_URL ?? 'http://localhost:8080').replace(/\/$/, '');
const CREDENTIALS = process.argv[2] ?? process.env.YIDI_CREDENTIALS ?? 'data/demo-credentials.json';

interface Institution {
  code: string;
  name: string;
  admdvs: string;
  services: string[];
  appId: string;
  secret: string;
}
interface Filing {
  kind: string;
  area: string;
  begin: string;
  end: string | null;
}
interface Persona {
  persona: string;
  certno: string;
  psn_no: string;
  name: string;
  insutype: string;
  insuplc_admdvs: string;
  filings: Filing[];
}
interface Credentials {
  institutions: Institution[];
  persons: Persona[];
}
interface Answer {
  infcode: number;
  err_msg: string;
  warn_msg: string;
  output: Record<string, any>;
}
type Row = Record<string, any>;

// ---------------------------------------------------------------- time, ids, signature

/** Beijing time parts of now: the interface writes every time in Asia/Shanghai. */
function beijing(at = new Date()) {
  const t = new Date(at.getTime() + 8 * 3600 * 1000).toISOString();
  return { date: t.slice(0, 10), time: `${t.slice(0, 10)} ${t.slice(11, 19)}`, stamp: t.slice(0, 19).replace(/\D/g, '') };
}

/** Minutes before now, as the HIS writes times. */
const minutesAgo = (n: number) => beijing(new Date(Date.now() - n * 60_000)).time;

let serial = 0;
/** msgid: institution code (12) + yyyyMMddHHmmss + a 4-digit serial. */
const msgid = (code: string) => `${code}${beijing().stamp}${String(++serial % 10000).padStart(4, '0')}`;

function signedHeaders(inst: Institution): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = crypto.randomBytes(12).toString('hex');
  const signature = crypto.createHash('sha256').update(timestamp + inst.secret + nonce + timestamp).digest('hex');
  return { 'x-tif-paasid': inst.appId, 'x-tif-timestamp': timestamp, 'x-tif-nonce': nonce, 'x-tif-signature': signature };
}

// ---------------------------------------------------------------- the wire

async function call(inst: Institution, infno: string, input: unknown, insuplc = ''): Promise<Answer> {
  const body = {
    infno,
    msgid: msgid(inst.code),
    mdtrtarea_admvs: inst.admdvs,
    insuplc_admdvs: insuplc,
    recer_sys_code: 'YBXT',
    dev_no: '',
    dev_safe_info: '',
    cainfo: '',
    signtype: '',
    infver: 'V1.0',
    opter_type: '1',
    opter: 'HIS001',
    opter_name: '收费员',
    inf_time: beijing().time,
    fixmedins_code: inst.code,
    fixmedins_name: inst.name,
    sign_no: '',
    input,
  };
  const res = await fetch(`${BASE}/fsi/api/rsfComIfsService/callService`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', ...signedHeaders(inst) },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as Answer;
  console.log(`  ${infno}  infcode ${answer.infcode}${answer.err_msg ? `  ${answer.err_msg}` : ''}`);
  return answer;
}

async function must(inst: Institution, infno: string, input: unknown, insuplc = ''): Promise<Row> {
  const a = await call(inst, infno, input, insuplc);
  if (a.infcode !== 0) throw new Error(`${infno} failed: ${a.err_msg}`);
  return a.output;
}

// ---------------------------------------------------------------- choosing who and where

function covers(area: string, place: string): boolean {
  if (area.endsWith('0000')) return area.slice(0, 2) === place.slice(0, 2);
  return area === place;
}

function choose(c: Credentials): { inst: Institution; person: Persona } {
  const today = beijing().date;
  for (const person of c.persons) {
    const live = person.filings.filter((f) => f.begin <= today && (f.end === null || f.end >= today));
    for (const inst of c.institutions) {
      if (!inst.services.includes('inpatient') || !inst.services.includes('outpatient')) continue;
      if (live.some((f) => covers(f.area, inst.admdvs))) return { inst, person };
    }
  }
  throw new Error('no persona in the credentials has a filing covering a hospital with inpatient and outpatient services');
}

/** A few catalogue items to bill: a class A service item, class B and class C drugs, priced within their caps. */
async function billable(inst: Institution): Promise<{ code: string; price: number; level: string }[]> {
  const services = (await must(inst, '1305', { data: { page_num: 1, page_size: 200 } })).data as Row[];
  const drugs = (await must(inst, '1301', { data: { page_num: 1, page_size: 500 } })).data as Row[];
  const today = beijing().date;
  const inForce = (r: Row) => r.begndate <= today && (r.enddate === null || r.enddate >= today);
  const priced = (r: Row, wanted: number) => ({ code: r.hilist_code as string, price: r.pric_uplmt_amt === null ? wanted : Math.min(wanted, r.pric_uplmt_amt), level: r.chrgitm_lv as string });
  const picks: { code: string; price: number; level: string }[] = [];
  const a = services.find((r) => inForce(r) && r.chrgitm_lv === '01');
  const b = drugs.find((r) => inForce(r) && r.chrgitm_lv === '02');
  const cItem = drugs.find((r) => inForce(r) && r.chrgitm_lv === '03');
  if (a) picks.push(priced(a, 120));
  if (b) picks.push(priced(b, 35.5));
  if (cItem) picks.push(priced(cItem, 18));
  if (picks.length === 0) throw new Error('the catalogue download answered no items in force');
  return picks;
}

/** Fee lines of `items`, `cnt` each: the amount is price × count, to the fen. */
function lines(mdtrt_id: string, psn_no: string, items: { code: string; price: number }[], cnt: number, medType: string, prefix: string) {
  return items.map((it, i) => ({
    feedetl_sn: `${prefix}${String(i + 1).padStart(4, '0')}`,
    mdtrt_id,
    psn_no,
    med_type: medType,
    fee_ocur_time: minutesAgo(5),
    med_list_codg: it.code,
    medins_list_codg: '',
    det_item_fee_sumamt: Math.round(it.price * cnt * 100) / 100,
    cnt,
    pric: it.price,
    bilg_dept_codg: 'A03',
    bilg_dept_name: '内科',
    bilg_dr_codg: 'D001',
    bilg_dr_name: '李医生',
    hosp_appr_flag: '',
    memo: '',
  }));
}

const sum = (rows: Row[], field: string) => Math.round(rows.reduce((s, r) => s + Math.round(Number(r[field]) * 100), 0)) / 100;

function show(title: string, out: Row) {
  const s = out.setlinfo;
  console.log(`  ${title}: setl_id ${s.setl_id ?? '(pre-settlement)'}`);
  console.log(`    bill ${s.medfee_sumamt} = fully self-paid ${s.fulamt_ownpay_amt} + over caps ${s.overlmt_selfpay} + class-B share ${s.preselfpay_amt} + in scope ${s.inscp_scp_amt}`);
  console.log(`    deductible ${s.act_pay_dedc}; funds ${s.fund_pay_sumamt} (pooled ${s.hifp_pay}, large-amount ${s.hifob_pay}, serious illness ${s.hifmi_pay}, civil servant ${s.cvlserv_pay}, assistance ${s.maf_pay})`);
  console.log(`    person ${s.psn_part_amt} = account ${s.acct_pay} + cash ${s.psn_cash_pay}; account balance after ${s.balc}`);
  for (const d of out.setldetail as Row[]) console.log(`    ${d.fund_pay_type} ${d.fund_pay_type_name}: ${d.fund_payamt}  (${d.setl_proc_info})`);
}

// ---------------------------------------------------------------- the flows

async function main() {
  const credentials = JSON.parse(fs.readFileSync(CREDENTIALS, 'utf8')) as Credentials;
  const { inst, person } = choose(credentials);
  console.log(`${inst.name} (${inst.code}, ${inst.admdvs}) treats ${person.name} (${person.persona}, insured in ${person.insuplc_admdvs})`);

  console.log('\nSign-in and identification');
  const signIn = await must(inst, '9001', { signIn: { opter_no: 'HIS001', mac: '00-16-3E-00-00-01', ip: '10.0.0.8' } });
  const info = await must(inst, '1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: person.certno, card_sn: '', begntime: '', psn_cert_type: '01', certno: person.certno, psn_name: person.name } });
  const psn_no = info.baseinfo.psn_no as string;
  const insu = (info.insuinfo as Row[]).find((e) => e.insutype === person.insutype) ?? (info.insuinfo as Row[])[0]!;
  const insuplc = insu.insuplc_admdvs as string;
  console.log(`  psn_no ${psn_no}, insutype ${insu.insutype}, account balance ${insu.balc}; filing covers this area: ${info.yidi_filing?.covered ? 'yes' : 'no'}`);
  const items = await billable(inst);
  const useAccount = insu.insutype === '310' ? '1' : '0';

  console.log('\nOutpatient visit');
  const reg = await must(inst, '2201', { data: { psn_no, insutype: insu.insutype, begntime: minutesAgo(20), mdtrt_cert_type: '02', mdtrt_cert_no: person.certno, ipt_otp_no: `MZ${Date.now()}`, atddr_no: 'D001', dr_name: '李医生', dept_code: 'A03', dept_name: '内科', caty: 'A03' } }, insuplc);
  const visit = reg.data.mdtrt_id as string;
  await must(inst, '2203', {
    mdtrtinfo: { mdtrt_id: visit, psn_no, med_type: '11', begntime: minutesAgo(20), main_cond_dscr: '咳嗽三天', dise_codg: 'J20.9', dise_name: '急性支气管炎' },
    diseinfo: [{ psn_no, diag_type: '1', maindiag_flag: '1', diag_srt_no: 1, diag_code: 'J20.9', diag_name: '急性支气管炎', diag_dept: '内科', dise_dor_no: 'D001', dise_dor_name: '李医生', diag_time: minutesAgo(15) }],
  }, insuplc);
  const uploaded = (await must(inst, '2204', { feedetail: lines(visit, psn_no, items, 5, '11', 'MZ').map((l) => ({ ...l, chrg_bchno: 'B0001', rxno: 'RX0001' })) }, insuplc)).result as Row[];
  const outTotals = { medfee_sumamt: sum(uploaded, 'det_item_fee_sumamt'), fulamt_ownpay_amt: sum(uploaded, 'fulamt_ownpay_amt'), overlmt_selfpay: sum(uploaded, 'overlmt_amt'), preselfpay_amt: sum(uploaded, 'preselfpay_amt'), inscp_scp_amt: sum(uploaded, 'inscp_scp_amt') };
  const outSettle = { psn_no, mdtrt_cert_type: '02', mdtrt_cert_no: person.certno, med_type: '11', psn_setlway: '01', mdtrt_id: visit, chrg_bchno: 'B0001', insutype: insu.insutype, acct_used_flag: useAccount, ...outTotals };
  show('pre-settlement 2206', await must(inst, '2206', { data: outSettle }, insuplc));
  show('settlement 2207', await must(inst, '2207', { data: outSettle }, insuplc));

  console.log('\nInpatient stay');
  const admitted = await must(inst, '2401', {
    mdtrtinfo: { psn_no, insutype: insu.insutype, coner_name: '家属', tel: '13800000000', begntime: minutesAgo(60), mdtrt_cert_type: '02', mdtrt_cert_no: person.certno, med_type: '21', ipt_no: `ZY${Date.now()}`, medrcdno: 'BA0001', atddr_no: 'D002', chfpdr_name: '王主任', adm_diag_dscr: '肺炎', adm_dept_codg: 'A03.01', adm_dept_name: '呼吸内科', adm_bed: '12', main_cond_dscr: '发热', dise_codg: 'J18.9', dise_name: '肺炎' },
    diseinfo: [{ psn_no, diag_type: '1', maindiag_flag: '1', diag_srt_no: 1, diag_code: 'J18.9', diag_name: '肺炎', adm_cond: '1', diag_dept: '呼吸内科', dise_dor_no: 'D002', dise_dor_name: '王主任', diag_time: minutesAgo(55) }],
  }, insuplc);
  const stay = admitted.result.mdtrt_id as string;
  const fees = (await must(inst, '2301', { feedetail: lines(stay, psn_no, items, 20, '21', 'ZY').map((l, i) => ({ ...l, drord_no: `DO${i + 1}` })) }, insuplc)).result as Row[];
  await must(inst, '2402', { dscginfo: { mdtrt_id: stay, psn_no, insutype: insu.insutype, endtime: minutesAgo(1), dise_codg: 'J18.9', dise_name: '肺炎', dscg_way: '1' }, diseinfo: [] }, insuplc);
  const inSettle = { psn_no, mdtrt_cert_type: '02', mdtrt_cert_no: person.certno, medfee_sumamt: sum(fees, 'det_item_fee_sumamt'), psn_setlway: '01', mdtrt_id: stay, insutype: insu.insutype, acct_used_flag: '0', invono: `INV${Date.now()}`, mid_setl_flag: '0' };
  show('pre-settlement 2303', await must(inst, '2303', { data: inSettle }, insuplc));
  show('settlement 2304', await must(inst, '2304', { data: inSettle }, insuplc));

  console.log('\nSign-out');
  await must(inst, '9002', { signOut: { sign_no: signIn.signinoutb.sign_no, opter_no: 'HIS001' } });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
