import { expect } from 'vitest';
import { buildApp } from '../src/app.ts';
import { gatewayHeaders, hisEnvelope } from './support/his.ts';
import { createInstitutionKey } from '../src/auth/service.ts';
import { importCatalog } from '../src/catalog/service.ts';
import { loadConfig } from '../src/config.ts';
import { fixedClock } from '../src/core/clock.ts';
import type { Db } from '../src/db/pool.ts';
import { generatePolicies } from '../src/demo/policies.ts';
import { Rng } from '../src/demo/rng.ts';
import type { FilingKind } from '../src/filing/model.ts';
import * as filing from '../src/filing/service.ts';
import type { App } from '../src/http/types.ts';
import { importInstitutions } from '../src/institutions/service.ts';
import { trialBalance } from '../src/ledger/service.ts';
import type { PersonRecord } from '../src/people/model.ts';
import { importPolicies } from '../src/policy/service.ts';
import { seedReference } from '../src/reference/service.ts';
import { testDb } from './support/db.ts';
import { addPersons, personActor, personOf, system } from './support/fixtures.ts';

/**
 * A settlement world shared by the settlement tests: Harbin insures, Shenzhen
 * treats, with policy.md's worked example as the inpatient policy (deductible
 * 1 200 for the first admission of the year and 600 after, 80 %, cap 300 000)
 * and a small outpatient year (deductible 100, 50 %, cap 1 000) so caps are
 * reached in a few visits. No top-up funds, so the figures are the example's.
 * Requests go through the signed HIS envelope, as a hospital sends them.
 */

export const HARBIN = '230100';
export const SHENZHEN = '440300';
export const HOSPITAL = 'H44030000009';
export const OTHER_HOSPITAL = 'H44030000017';
export const PHARMACY = 'P44030000011';
export const TODAY = '2026-11-23';

export const CLASS_A = '001101000010000';
export const CLASS_B = 'XA01ABD075A002010100483';
export const CLASS_C = 'XC99ZZZ001A001010100001';
export const DRUG_A = 'XA02BCA010A001010101234';

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

export interface World {
  db: Db;
  app: App;
  clock: ReturnType<typeof fixedClock>;
  /** sends one request as `code`, answering the response envelope (HTTP 200 always) */
  send(infno: string, input: unknown, o?: { code?: string; msgid?: string }): Promise<HisAnswer>;
  /** `send`, expecting success: the output */
  ok(infno: string, input: unknown, o?: { code?: string; msgid?: string }): Promise<Record<string, any>>;
  msgid(code?: string): string;
  /** the sum of every ledger account: zero, or the ledger is broken */
  ledgerTotal(): Promise<number>;
  close(): Promise<void>;
}

export interface HisAnswer {
  infcode: number;
  err_msg: string;
  warn_msg: string;
  inf_refmsgid: string;
  output: Record<string, any>;
}

export async function settlementWorld(persons: { person: PersonRecord; kind: FilingKind | null }[]): Promise<World> {
  const db = await testDb();
  const clock = fixedClock('2026-11-23T02:00:00Z'); // 10:00 in Shanghai
  const keys = new Map<string, { appId: string; secret: string }>();
  await db.tx(async (tx) => {
    await seedReference(tx);
    const rng = new Rng(3);
    const policies = [HARBIN, SHENZHEN].flatMap((area) => generatePolicies(rng, area, `${area.slice(0, 2)}0000`, '2026-01-01'));
    for (const doc of policies) {
      doc.topups = [];
      doc.settings.review_filing_kinds = [];
      doc.settings.temporary_validity_months = 6;
      doc.reductions = { referral_bp: 1000, emergency_bp: 1000, other_temporary_bp: 1000, unfiled_manual_bp: 2000 };
      for (const b of doc.benefits) {
        if (b.med_kind === 'inpatient') {
          b.deductible = { per: 'admission', first_fen: 120000, later_fen: 60000 };
          b.bands = [{ up_to_fen: null, ratio_bp: 8000 }];
        }
        if (b.cap_group === 'pooled') b.annual_cap_fen = 30000000;
        if (b.med_kind === 'outpatient' || b.med_kind === 'pharmacy') {
          b.deductible = { per: 'year', amount_fen: 10000 };
          b.bands = [{ up_to_fen: null, ratio_bp: 5000 }];
          b.annual_cap_fen = 100000;
        }
      }
    }
    await importPolicies(tx, system, { policies });
    const institution = (code: string, name: string, kind: string, services: string[]) => ({
      code, name, admdvs: SHENZHEN, kind, level: 3, services, chronic_diseases: [], status: 'active', address: null, phone: null,
    });
    await importInstitutions(tx, system, {
      institutions: [
        institution(HOSPITAL, '深圳市第二人民医院', 'hospital', ['inpatient', 'outpatient']),
        institution(OTHER_HOSPITAL, '深圳市第三人民医院', 'hospital', ['inpatient', 'outpatient']),
        institution(PHARMACY, '深圳市大药房', 'pharmacy', ['pharmacy']),
      ],
    });
    for (const code of [HOSPITAL, OTHER_HOSPITAL, PHARMACY]) keys.set(code, await createInstitutionKey(tx, system, code));
    await importCatalog(tx, system, {
      items: [
        item({ hilist_code: CLASS_A, hilist_name: '诊疗项目（甲类）' }),
        item({ hilist_code: CLASS_B, hilist_name: '阿莫西林胶囊', list_type: '101', med_chrgitm_type: '09', chrgitm_lv: '02', selfpay_prop_bp: 1000 }),
        item({ hilist_code: CLASS_C, hilist_name: '某丙类药品', list_type: '101', med_chrgitm_type: '09', chrgitm_lv: '03' }),
        item({ hilist_code: DRUG_A, hilist_name: '奥美拉唑肠溶胶囊', list_type: '101', med_chrgitm_type: '09' }),
      ],
    });
    await addPersons(tx, persons.map((p) => p.person));
    for (const { person, kind } of persons) {
      if (kind === null) continue;
      await filing.file(
        tx,
        personActor(person),
        { psn_no: person.psn_no, insutype: person.enrolments[0]!.insutype, kind, area: SHENZHEN, begin_date: TODAY, channel: 'national_app', proof: { type: 'commitment', signed: true } },
        TODAY,
      );
    }
  });
  const app = await buildApp({ db, clock, config: loadConfig({}) }, { logger: false, webDir: null });

  let nonce = 0;
  const serials = new Map<string, number>();
  const msgid = (code = HOSPITAL) => {
    const n = (serials.get(code) ?? 0) + 1;
    serials.set(code, n);
    // The time part moves on every 10 000 messages so ids never repeat.
    return `${code}2026112310${String(Math.floor(n / 10000)).padStart(4, '0')}${String(n % 10000).padStart(4, '0')}`;
  };
  const send = async (infno: string, input: unknown, o: { code?: string; msgid?: string } = {}): Promise<HisAnswer> => {
    const code = o.code ?? HOSPITAL;
    const body = hisEnvelope(infno, input, { msgid: o.msgid ?? msgid(code), fixmedins_code: code, mdtrtarea_admvs: SHENZHEN, insuplc_admdvs: HARBIN });
    const res = await app.inject({
      method: 'POST',
      url: `/fsi/api/${infno}`,
      headers: { 'content-type': 'text/plain', ...gatewayHeaders(keys.get(code)!, clock.now(), `setlnonce${++nonce}`) },
      payload: JSON.stringify(body),
    });
    expect(res.statusCode).toBe(200);
    return res.json();
  };
  return {
    db,
    app,
    clock,
    send,
    msgid,
    async ok(infno, input, o) {
      const res = await send(infno, input, o);
      expect(res.err_msg, `${infno}: ${res.err_msg}`).toBe('');
      expect(res.infcode).toBe(0);
      // policy.md's identities hold on every settlement answer.
      if (res.output.setlinfo) expectIdentities(res.output as never);
      return res.output;
    },
    async ledgerTotal() {
      return (await trialBalance(db, system)).total_fen;
    },
    async close() {
      await app.close();
      await db.close();
    },
  };
}

/** An employee of Harbin (retired, 1201) with 5 000 yuan in the personal account. */
export const harbinEmployee = () => personOf(HARBIN, { psnType: '1201' });

export interface Line {
  code: string;
  pric: number | string;
  cnt: number | string;
  amount: number | string;
}

/** policy.md's worked example: class A 20 000 + class B 8 000 (10 % first share) + class C 2 000. */
export const WORKED_EXAMPLE: Line[] = [
  { code: CLASS_A, pric: 20000, cnt: 1, amount: 20000 },
  { code: CLASS_B, pric: 2000, cnt: 4, amount: 8000 },
  { code: CLASS_C, pric: 2000, cnt: 1, amount: 2000 },
];

let feeSerial = 0;

export function feedetail(mdtrt_id: string, psn_no: string, lines: Line[], medType = '21') {
  return lines.map((l) => ({
    feedetl_sn: `F${++feeSerial}`,
    mdtrt_id,
    psn_no,
    med_type: medType,
    fee_ocur_time: '2026-11-23 09:00:00',
    med_list_codg: l.code,
    medins_list_codg: '',
    det_item_fee_sumamt: l.amount,
    cnt: l.cnt,
    pric: l.pric,
    bilg_dept_codg: 'A03',
    bilg_dept_name: '内科',
    bilg_dr_codg: 'D01',
    bilg_dr_name: '李医生',
  }));
}

/** Admits, uploads the lines and discharges: the stay is ready to settle. */
export async function admittedAndBilled(w: World, person: PersonRecord, lines: Line[], o: { code?: string; medType?: string } = {}): Promise<string> {
  const admitted = await w.ok(
    '2401',
    { mdtrtinfo: { psn_no: person.psn_no, insutype: person.enrolments[0]!.insutype, begntime: '2026-11-23 08:00:00', med_type: o.medType ?? '21', ipt_no: 'ZY001', mdtrt_cert_type: '02', mdtrt_cert_no: person.certno } },
    o,
  );
  const mdtrt_id = admitted.result.mdtrt_id as string;
  await w.ok('2301', { feedetail: feedetail(mdtrt_id, person.psn_no, lines, o.medType ?? '21') }, o);
  await w.ok('2402', { dscginfo: { mdtrt_id, psn_no: person.psn_no, endtime: '2026-11-23 09:30:00', dscg_way: '1' } }, o);
  return mdtrt_id;
}

/** Registers an outpatient visit and uploads the lines. */
export async function visitedAndBilled(w: World, person: PersonRecord, lines: Line[], o: { code?: string } = {}): Promise<string> {
  const registered = await w.ok('2201', { data: { psn_no: person.psn_no, insutype: person.enrolments[0]!.insutype, begntime: '2026-11-23 09:00:00', mdtrt_cert_type: '02', mdtrt_cert_no: person.certno } }, o);
  const mdtrt_id = registered.data.mdtrt_id as string;
  await w.ok('2204', { feedetail: feedetail(mdtrt_id, person.psn_no, lines, '11') }, o);
  return mdtrt_id;
}

const yuanSum = (xs: number[]) => xs.reduce((s, x) => s + Math.round(x * 100), 0);

/** policy.md's identities, checked on an answer's setlinfo and setldetail (in fen, to dodge float sums). */
export function expectIdentities(out: { setlinfo: Record<string, any>; setldetail: Record<string, any>[] }) {
  const s = out.setlinfo;
  const f = (k: string) => Math.round(Number(s[k]) * 100);
  expect(f('medfee_sumamt')).toBe(f('fulamt_ownpay_amt') + f('overlmt_selfpay') + f('preselfpay_amt') + f('inscp_scp_amt'));
  expect(f('medfee_sumamt')).toBe(f('fund_pay_sumamt') + f('psn_part_amt') + f('hosp_part_amt'));
  expect(f('psn_part_amt')).toBe(f('acct_pay') + f('psn_cash_pay'));
  expect(f('fund_pay_sumamt')).toBe(yuanSum(out.setldetail.map((d) => Number(d.fund_payamt))));
  // Money is yuan with at most two decimals.
  for (const [k, v] of Object.entries(s)) {
    if (typeof v === 'number' && k !== 'age') expect(Math.abs(v * 100 - Math.round(v * 100)), k).toBeLessThan(1e-6);
  }
}

/** Settles a visit with the HIS's totals taken from its pre-settlement. */
export function settleInput(mdtrt_id: string, psn_no: string, medfee: number | string, extra: Record<string, unknown> = {}) {
  return { data: { mdtrt_id, psn_no, mdtrt_cert_type: '02', medfee_sumamt: medfee, psn_setlway: '01', insutype: '310', acct_used_flag: '0', mid_setl_flag: '0', ...extra } };
}
