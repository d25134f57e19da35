import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fen } from '../src/core/money.ts';
import { balance } from '../src/ledger/service.ts';
import { estimate } from '../src/settlement/service.ts';
import { personActor, system } from './support/fixtures.ts';
import {
  admittedAndBilled,
  CLASS_A,
  CLASS_B,
  DRUG_A,
  expectIdentities,
  harbinEmployee,
  HOSPITAL,
  OTHER_HOSPITAL,
  PHARMACY,
  settleInput,
  settlementWorld,
  SHENZHEN,
  TODAY,
  visitedAndBilled,
  WORKED_EXAMPLE,
  type World,
} from './settlement-harness.ts';

const resident = harbinEmployee();
const traveller = harbinEmployee();
const twice = harbinEmployee();
const canceller = harbinEmployee();
const payer = harbinEmployee();
const capped = harbinEmployee();
const checked = harbinEmployee();
const estimated = harbinEmployee();
const reversed = harbinEmployee();
const buyer = harbinEmployee();
const unfiled = harbinEmployee();
const busy = harbinEmployee();
const retried = harbinEmployee();

let w: World;

beforeAll(async () => {
  w = await settlementWorld([
    ...[resident, twice, canceller, payer, capped, checked, estimated, reversed, buyer, busy, retried].map((person) => ({ person, kind: 'long_term_resident' as const })),
    { person: traveller, kind: 'other_temporary' },
    { person: unfiled, kind: null },
  ]);
});
afterAll(async () => w?.close());
afterEach(async () => {
  expect(await w.ledgerTotal()).toBe(0);
});

const yearRow = async (psnNo: string, capGroup = 'pooled') =>
  (await w.db.query('SELECT deductible_paid_fen::int AS d, pooled_paid_fen::int AS p FROM year_total WHERE psn_no = $1 AND cap_group = $2', [psnNo, capGroup])).rows[0] ?? { d: 0, p: 0 };
const accountOf = async (psnNo: string) => Number((await w.db.query('SELECT balance_fen FROM personal_account WHERE psn_no = $1', [psnNo])).rows[0].balance_fen);
const bal = async (account: string) => (await balance(w.db, system, account)).balance_fen;

describe('inpatient settlement through the signed HIS envelope', () => {
  let mdtrt_id: string;
  let setl_id: string;
  const msgid = () => w.msgid();

  it("reproduces policy.md's worked example to the fen", async () => {
    mdtrt_id = await admittedAndBilled(w, resident, WORKED_EXAMPLE);
    const pre = await w.ok('2303', settleInput(mdtrt_id, resident.psn_no, 30000));
    expect(pre.setlinfo.setl_id).toBeNull();
    const m = msgid();
    const out = await w.ok('2304', settleInput(mdtrt_id, resident.psn_no, 30000, { fulamt_ownpay_amt: 2000, preselfpay_amt: 800, inscp_scp_amt: 27200, overlmt_selfpay: 0, invono: 'INV001' }), { msgid: m });
    expectIdentities(out as never);
    setl_id = out.setlinfo.setl_id;
    expect(setl_id).toMatch(/^A440300261123\d{10}$/);
    expect(out.setlinfo).toMatchObject({
      mdtrt_id,
      psn_no: resident.psn_no,
      psn_name: resident.name,
      certno: resident.certno,
      insutype: '310',
      psn_type: '1201',
      med_type: '21',
      setl_time: '2026-11-23 10:00:00',
      medfee_sumamt: 30000,
      fulamt_ownpay_amt: 2000,
      overlmt_selfpay: 0,
      preselfpay_amt: 800,
      inscp_scp_amt: 27200,
      act_pay_dedc: 1200,
      hifp_pay: 20800,
      pool_prop_selfpay: 5200,
      cvlserv_pay: 0,
      hifmi_pay: 0,
      hifob_pay: 0,
      maf_pay: 0,
      fund_pay_sumamt: 20800,
      psn_part_amt: 9200,
      acct_pay: 0,
      psn_cash_pay: 9200,
      hosp_part_amt: 0,
      balc: 5000,
      acct_mulaid_pay: 0,
      medins_setl_id: m,
      clr_optins: SHENZHEN,
      clr_type: '21',
    });
    expect(out.setldetail).toEqual([
      { fund_pay_type: '310100', inscp_scp_amt: 26000, crt_payb_lmt_amt: 300000, fund_payamt: 20800, fund_pay_type_name: '职工基本医疗保险统筹基金', setl_proc_info: expect.stringContaining('80% × 26000.00 = 20800.00') },
    ]);
    // The pre-settlement answered the same figures.
    expect({ ...pre.setlinfo, setl_id, medins_setl_id: m }).toEqual(out.setlinfo);
    expect(await yearRow(resident.psn_no)).toEqual({ d: 120000, p: 2080000 });
    expect(await bal(`payable:${SHENZHEN}:${HOSPITAL}`)).toBeGreaterThanOrEqual(2080000);
    const lines = (await w.db.query('SELECT DISTINCT status, setl_id FROM fee_line WHERE mdtrt_id = $1', [mdtrt_id])).rows;
    expect(lines).toEqual([{ status: 'settled', setl_id }]);
  });

  it('refuses to settle the visit twice, naming the settlement and what to do', async () => {
    const res = await w.send('2304', settleInput(mdtrt_id, resident.psn_no, 30000));
    expect(res.infcode).toBe(-2);
    expect(res.err_msg).toContain(`already settled as setl_id ${setl_id}; cancel it with 2305 first`);
  });

  it('applies the other-temporary reduction of 10 points: fund 18 200, personal 11 800', async () => {
    const id = await admittedAndBilled(w, traveller, WORKED_EXAMPLE);
    const out = await w.ok('2304', settleInput(id, traveller.psn_no, 30000));
    expectIdentities(out as never);
    expect(out.setlinfo).toMatchObject({ hifp_pay: 18200, psn_part_amt: 11800, fund_pay_sumamt: 18200 });
  });
});

describe('HIS totals must match the uploaded lines', () => {
  let mdtrt_id: string;
  beforeAll(async () => {
    mdtrt_id = await admittedAndBilled(w, checked, WORKED_EXAMPLE);
  });

  it('refuses a different medfee_sumamt, naming the field and both values in yuan; nothing is written', async () => {
    const res = await w.send('2304', settleInput(mdtrt_id, checked.psn_no, 30000.5));
    expect(res.infcode).toBe(-2);
    expect(res.err_msg).toMatch(/^input\.data\.medfee_sumamt is 30000\.50 yuan but the uploaded fee lines give 30000\.00 yuan/);
    expect(await yearRow(checked.psn_no)).toEqual({ d: 0, p: 0 });
  });

  it('refuses a different part sent beside the total', async () => {
    const res = await w.send('2304', settleInput(mdtrt_id, checked.psn_no, 30000, { inscp_scp_amt: '27000.00' }));
    expect(res.err_msg).toMatch(/^input\.data\.inscp_scp_amt is 27000\.00 yuan but the uploaded fee lines give 27200\.00 yuan/);
  });

  it('refuses an amount with three decimals', async () => {
    const res = await w.send('2304', settleInput(mdtrt_id, checked.psn_no, '30000.001'));
    expect(res).toMatchObject({ infcode: -2, err_msg: expect.stringMatching(/^input\.data\.medfee_sumamt has more than two decimals/) });
  });

  it("refuses another person's psn_no and another institution's visit", async () => {
    expect((await w.send('2304', settleInput(mdtrt_id, resident.psn_no, 30000))).err_msg).toMatch(/^input\.data\.psn_no is not the person of visit/);
    const other = await w.send('2304', settleInput(mdtrt_id, checked.psn_no, 30000), { code: OTHER_HOSPITAL });
    expect(other).toMatchObject({ infcode: -2, err_msg: expect.stringMatching(/registered by another institution/) });
  });

  it('refuses an unknown mdtrt_id with a clear message', async () => {
    const res = await w.send('2304', settleInput('S4403002611239999999999', checked.psn_no, 10));
    expect(res).toMatchObject({ infcode: -2, err_msg: expect.stringMatching(/there is no visit S4403002611239999999999/) });
  });

  it('refuses an unfiled person at admission, so nothing can be settled', async () => {
    const res = await w.send('2401', { mdtrtinfo: { psn_no: unfiled.psn_no, insutype: '310', begntime: '2026-11-23 08:00:00', med_type: '21' } });
    expect(res.infcode).toBe(-2);
    expect(res.err_msg).toMatch(/filing|filed/);
  });
});

describe('cancel and settle again', () => {
  let mdtrt_id: string;
  let original: Record<string, any>;

  it('cancels with a negative settlement pointing at the original; totals, account and ledger restored', async () => {
    mdtrt_id = await admittedAndBilled(w, canceller, WORKED_EXAMPLE);
    const accountBefore = await accountOf(canceller.psn_no);
    const claimBefore = await bal('claim:440000:230000');
    original = (await w.ok('2304', settleInput(mdtrt_id, canceller.psn_no, 30000, { acct_used_flag: '1' }))).setlinfo;
    expect(original).toMatchObject({ acct_pay: 5000, psn_cash_pay: 4200, balc: 0 });
    expect(await accountOf(canceller.psn_no)).toBe(0);
    expect(await bal('claim:440000:230000')).toBe(claimBefore + 2080000 + 500000);

    const out = await w.ok('2305', { data: { mdtrt_id, setl_id: original.setl_id, psn_no: canceller.psn_no } });
    expectIdentities(out as never);
    expect(out.setlinfo.setl_id).not.toBe(original.setl_id);
    expect(out.setlinfo).toMatchObject({ medfee_sumamt: -30000, hifp_pay: -20800, fund_pay_sumamt: -20800, acct_pay: -5000, psn_cash_pay: -4200, act_pay_dedc: -1200, balc: 5000 });
    expect(out.setldetail[0]).toMatchObject({ fund_payamt: -20800, inscp_scp_amt: -26000 });
    const row = (await w.db.query('SELECT kind, reverses FROM settlement WHERE setl_id = $1', [out.setlinfo.setl_id])).rows[0];
    expect(row).toEqual({ kind: 'cancel', reverses: original.setl_id });
    expect(await yearRow(canceller.psn_no)).toEqual({ d: 0, p: 0 });
    expect(await accountOf(canceller.psn_no)).toBe(accountBefore);
    expect(await bal('claim:440000:230000')).toBe(claimBefore);
    expect((await w.db.query('SELECT DISTINCT status FROM fee_line WHERE mdtrt_id = $1', [mdtrt_id])).rows).toEqual([{ status: 'uploaded' }]);
  });

  it('refuses to cancel twice and refuses to edit a settlement in place', async () => {
    const res = await w.send('2305', { data: { mdtrt_id, setl_id: original.setl_id, psn_no: canceller.psn_no } });
    expect(res).toMatchObject({ infcode: -2, err_msg: expect.stringMatching(/was already cancelled/) });
    await expect(w.db.query('UPDATE settlement SET hifp_pay_fen = 0 WHERE setl_id = $1', [original.setl_id])).rejects.toThrow(/append-only/);
    await expect(w.db.query('DELETE FROM settlement WHERE setl_id = $1', [original.setl_id])).rejects.toThrow(/append-only/);
  });

  it('settles the visit again after the cancellation, with the same figures', async () => {
    const again = await w.ok('2304', settleInput(mdtrt_id, canceller.psn_no, 30000, { acct_used_flag: '1' }));
    expect(again.setlinfo).toMatchObject({ hifp_pay: 20800, act_pay_dedc: 1200, acct_pay: 5000 });
    expect(await yearRow(canceller.psn_no)).toEqual({ d: 120000, p: 2080000 });
  });

  it('refuses, in the database too, a row that breaks an identity', async () => {
    const broken = w.db.tx(async (tx) => {
      // The append-only trigger is lifted inside this rolled-back transaction to reach the checks.
      await tx.query('ALTER TABLE settlement DISABLE TRIGGER settlement_no_change');
      await tx.query('UPDATE settlement SET hifp_pay_fen = hifp_pay_fen + 1 WHERE setl_id = $1', [original.setl_id]);
    });
    await expect(broken).rejects.toThrow(/check constraint/);
  });
});

describe('deductibles and caps across settlements', () => {
  it('charges the lower deductible on the second admission of the year', async () => {
    const first = await admittedAndBilled(w, twice, WORKED_EXAMPLE);
    await w.ok('2304', settleInput(first, twice.psn_no, 30000));
    const second = await admittedAndBilled(w, twice, WORKED_EXAMPLE);
    const out = await w.ok('2304', settleInput(second, twice.psn_no, 30000));
    expect(out.setlinfo).toMatchObject({ act_pay_dedc: 600, hifp_pay: 21280 }); // (27 200 − 600) × 80 %
    expect(await yearRow(twice.psn_no)).toEqual({ d: 180000, p: 2080000 + 2128000 });
  });

  it('reaches the annual cap in the middle of the second bill', async () => {
    // Outpatient: annual deductible 100, 50 %, cap 1 000.
    const a = await visitedAndBilled(w, capped, [{ code: CLASS_A, pric: 1500, cnt: 1, amount: 1500 }]);
    const first = await w.ok('2207', settleInput(a, capped.psn_no, 1500, { med_type: '11' }));
    expect(first.setlinfo).toMatchObject({ act_pay_dedc: 100, hifp_pay: 700, clr_type: '11' });
    const b = await visitedAndBilled(w, capped, [{ code: CLASS_A, pric: 1000, cnt: 1, amount: 1000 }]);
    const second = await w.ok('2207', settleInput(b, capped.psn_no, 1000));
    expectIdentities(second as never);
    expect(second.setlinfo).toMatchObject({ act_pay_dedc: 0, hifp_pay: 300, psn_part_amt: 700 });
    expect(second.setldetail[0]).toMatchObject({ crt_payb_lmt_amt: 300, fund_payamt: 300, setl_proc_info: expect.stringContaining('年度最高支付限额剩余 300.00 元') });
    expect(await yearRow(capped.psn_no, 'outpatient')).toEqual({ d: 10000, p: 100000 });
  });

  it('settles an emergency admission without a filing at the emergency reduction', async () => {
    const id = await admittedAndBilled(w, unfiled, WORKED_EXAMPLE, { medType: '24' });
    const out = await w.ok('2304', settleInput(id, unfiled.psn_no, 30000));
    expect(out.setlinfo).toMatchObject({ med_type: '24', hifp_pay: 18200, psn_part_amt: 11800 });
    const row = (await w.db.query('SELECT emergency, filing_kind, reduction_bp FROM settlement WHERE setl_id = $1', [out.setlinfo.setl_id])).rows[0];
    expect(row).toEqual({ emergency: true, filing_kind: null, reduction_bp: 1000 });
  });

  it('pre-settles, settles and cancels an outpatient visit (2206, 2207, 2208)', async () => {
    const v = await visitedAndBilled(w, capped, [{ code: CLASS_A, pric: 10, cnt: 1, amount: 10 }]);
    const before = await yearRow(capped.psn_no, 'outpatient');
    const pre = await w.ok('2206', settleInput(v, capped.psn_no, 10));
    const out = await w.ok('2207', settleInput(v, capped.psn_no, 10));
    expect(out.setlinfo.psn_part_amt).toBe(pre.setlinfo.psn_part_amt);
    const cancelled = await w.ok('2208', { data: { setl_id: out.setlinfo.setl_id, mdtrt_id: v, psn_no: capped.psn_no } });
    expect(cancelled.setlinfo.medfee_sumamt).toBe(-10);
    expect(await yearRow(capped.psn_no, 'outpatient')).toEqual(before);
    const wrong = await w.send('2305', { data: { setl_id: out.setlinfo.setl_id, mdtrt_id: v, psn_no: capped.psn_no } });
    expect(wrong.err_msg).toMatch(/is of an outpatient visit: cancel it with 2208/);
    await w.ok('2205', { data: { mdtrt_id: v, chrg_bchno: '0000', psn_no: capped.psn_no } });
  });

  it('refuses an outpatient visit at the inpatient transaction', async () => {
    const v = await visitedAndBilled(w, capped, [{ code: CLASS_A, pric: 10, cnt: 1, amount: 10 }]);
    const res = await w.send('2304', settleInput(v, capped.psn_no, 10));
    expect(res.err_msg).toMatch(/is an outpatient visit, not an admission/);
    await w.ok('2205', { data: { mdtrt_id: v, chrg_bchno: '0000', psn_no: capped.psn_no } });
  });
});

describe('the estimate and the settlement are the same engine', () => {
  it('prices the same bill to the same fen', async () => {
    const e = await estimate(
      w.db,
      personActor(estimated),
      { psn_no: estimated.psn_no, area: SHENZHEN, level: 3, med_kind: 'inpatient', total_fen: fen(3000000), split: { classA_fen: fen(2000000), classB_fen: fen(800000), classC_fen: fen(200000) } },
      TODAY,
    );
    const id = await admittedAndBilled(w, estimated, WORKED_EXAMPLE);
    const rows = (await w.db.query('SELECT setl_id FROM settlement WHERE mdtrt_id = $1', [id])).rows;
    expect(rows).toEqual([]);
    await w.ok('2304', settleInput(id, estimated.psn_no, 30000));
    const stored = (await w.db.query("SELECT medfee_sumamt_fen, act_pay_dedc_fen, hifp_pay_fen, fund_pay_sumamt_fen, psn_part_amt_fen FROM settlement WHERE mdtrt_id = $1 AND kind = 'settle'", [id])).rows[0];
    const s = e.result.setlinfo;
    expect(Object.values(stored).map(Number)).toEqual([s.medfee_sumamt, s.act_pay_dedc, s.hifp_pay, s.fund_pay_sumamt, s.psn_part_amt]);
  });
});

describe('2601 reversal of a previous message', () => {
  let mdtrt_id: string;
  let settleMsg: string;
  let setl_id: string;

  it('reverses a 2304: the settlement is cancelled', async () => {
    mdtrt_id = await admittedAndBilled(w, reversed, WORKED_EXAMPLE);
    settleMsg = w.msgid();
    setl_id = (await w.ok('2304', settleInput(mdtrt_id, reversed.psn_no, 30000), { msgid: settleMsg })).setlinfo.setl_id;
    const out = await w.ok('2601', { data: { psn_no: reversed.psn_no, omsgid: settleMsg, oinfno: '2304' } });
    expect(out.result).toMatchObject({ omsgid: settleMsg, oinfno: '2304', reversed: '1' });
    expect(out.setlinfo).toMatchObject({ hifp_pay: -20800 });
    const rows = (await w.db.query('SELECT kind, reverses FROM settlement WHERE mdtrt_id = $1 ORDER BY created_at, setl_id', [mdtrt_id])).rows;
    expect(rows).toEqual([{ kind: 'settle', reverses: null }, { kind: 'cancel', reverses: setl_id }]);
    expect(await yearRow(reversed.psn_no)).toEqual({ d: 0, p: 0 });
    // Reversing again does nothing and says so.
    const again = await w.ok('2601', { data: { psn_no: reversed.psn_no, omsgid: settleMsg, oinfno: '2304' } });
    expect(again.result).toMatchObject({ reversed: '0', memo: expect.stringMatching(/already cancelled/) });
  });

  it('reverses a 2305: the cancelled settlement is in force again with its own figures', async () => {
    const again = await w.ok('2304', settleInput(mdtrt_id, reversed.psn_no, 30000));
    const cancelMsg = w.msgid();
    await w.ok('2305', { data: { mdtrt_id, setl_id: again.setlinfo.setl_id, psn_no: reversed.psn_no } }, { msgid: cancelMsg });
    expect(await yearRow(reversed.psn_no)).toEqual({ d: 0, p: 0 });
    const out = await w.ok('2601', { data: { psn_no: reversed.psn_no, omsgid: cancelMsg, oinfno: '2305' } });
    expect(out.result.reversed).toBe('1');
    expect(out.setlinfo).toMatchObject({ hifp_pay: 20800, medfee_sumamt: 30000 });
    expect(await yearRow(reversed.psn_no)).toEqual({ d: 120000, p: 2080000 });
    const live = (await w.db.query('SELECT settled_setl_id FROM encounter WHERE mdtrt_id = $1', [mdtrt_id])).rows[0].settled_setl_id;
    expect(live).toBe(out.setlinfo.setl_id);
    // The original setl_id cancels the settlement in force.
    const cancelled = await w.ok('2305', { data: { mdtrt_id, setl_id: again.setlinfo.setl_id, psn_no: reversed.psn_no } });
    expect(cancelled.setlinfo.hifp_pay).toBe(-20800);
    expect(await yearRow(reversed.psn_no)).toEqual({ d: 0, p: 0 });
  });

  it('closes a message that never arrived, so a late arrival is refused', async () => {
    const lost = w.msgid();
    const out = await w.ok('2601', { data: { psn_no: reversed.psn_no, omsgid: lost, oinfno: '2304' } });
    expect(out.result).toMatchObject({ reversed: '0', memo: expect.stringMatching(/never carried out/) });
    const late = await w.send('2304', settleInput(mdtrt_id, reversed.psn_no, 30000), { msgid: lost });
    expect(late.infcode).toBe(-2);
    expect((await w.db.query("SELECT count(*)::int AS n FROM settlement WHERE mdtrt_id = $1", [mdtrt_id])).rows[0].n).toBe(6);
  });

  it('reverses a 2401: the admission is cancelled', async () => {
    const m = w.msgid();
    const admitted = await w.ok('2401', { mdtrtinfo: { psn_no: reversed.psn_no, insutype: '310', begntime: '2026-11-23 08:00:00', med_type: '21' } }, { msgid: m });
    const out = await w.ok('2601', { data: { psn_no: reversed.psn_no, omsgid: m, oinfno: '2401' } });
    expect(out.result).toMatchObject({ reversed: '1', memo: `admission ${admitted.result.mdtrt_id} cancelled.` });
    expect((await w.db.query('SELECT status FROM encounter WHERE mdtrt_id = $1', [admitted.result.mdtrt_id])).rows[0].status).toBe('cancelled');
  });

  it('refuses a transaction 2601 does not reverse and a mismatched oinfno', async () => {
    expect((await w.send('2601', { data: { psn_no: reversed.psn_no, omsgid: settleMsg, oinfno: '2301' } })).err_msg).toMatch(/^input\.data\.oinfno must be 2207, 2208, 2304, 2305 or 2401/);
    expect((await w.send('2601', { data: { psn_no: reversed.psn_no, omsgid: settleMsg, oinfno: '2207' } })).err_msg).toMatch(/was a 2304/);
  });
});

describe('pharmacy purchase', () => {
  const purchase = (acct: string) => ({
    druginfo: { psn_no: buyer.psn_no, insutype: '310', mdtrt_cert_type: '02', mdtrt_cert_no: buyer.certno, begntime: '2026-11-23 09:50:00', medfee_sumamt: 300, acct_used_flag: acct, med_type: '41' },
    drugdetail: [
      { feedetl_sn: '1', rxno: 'RX1', fee_ocur_time: '2026-11-23 09:50:00', med_list_codg: DRUG_A, det_item_fee_sumamt: 200, cnt: 4, pric: 50 },
      { feedetl_sn: '2', rxno: 'RX1', fee_ocur_time: '2026-11-23 09:50:00', med_list_codg: CLASS_B, det_item_fee_sumamt: 100, cnt: 2, pric: 50 },
    ],
  });

  it('prices (2101), settles from the personal account (2102) and cancels (2103)', async () => {
    const before = await accountOf(buyer.psn_no);
    const pre = await w.ok('2101', purchase('1'), { code: PHARMACY });
    expect(pre.detlcutinfo.map((l: Record<string, unknown>) => [l.feedetl_sn, l.chrgitm_lv, l.preselfpay_amt])).toEqual([['1', '01', 0], ['2', '02', 10]]);
    expect(await accountOf(buyer.psn_no)).toBe(before);

    const out = await w.ok('2102', purchase('1'), { code: PHARMACY });
    expectIdentities(out as never);
    // Outpatient year: deductible 100, then 50 % of 290 − 100 = 95; the rest from the account.
    expect(out.setlinfo).toMatchObject({ med_type: '41', clr_type: '41', inscp_scp_amt: 290, act_pay_dedc: 100, hifp_pay: 95, psn_part_amt: 205, acct_pay: 205, psn_cash_pay: 0, balc: (before - 20500) / 100 });
    expect({ ...pre.setlinfo, setl_id: null, mdtrt_id: null, medins_setl_id: null }).toEqual({ ...out.setlinfo, setl_id: null, mdtrt_id: null, medins_setl_id: null });
    expect(out.detlcutinfo).toHaveLength(2);
    expect(await accountOf(buyer.psn_no)).toBe(before - 20500);

    const cancelled = await w.ok('2103', { data: { setl_id: out.setlinfo.setl_id, mdtrt_id: out.setlinfo.mdtrt_id, psn_no: buyer.psn_no } }, { code: PHARMACY });
    expect(cancelled.setlinfo).toMatchObject({ acct_pay: -205, balc: before / 100 });
    expect(await accountOf(buyer.psn_no)).toBe(before);
    expect((await w.db.query('SELECT status FROM encounter WHERE mdtrt_id = $1', [out.setlinfo.mdtrt_id])).rows[0].status).toBe('cancelled');
  });

  it('refuses a purchase at a hospital without the pharmacy service', async () => {
    const res = await w.send('2102', purchase('0'));
    expect(res).toMatchObject({ infcode: -2, err_msg: expect.stringMatching(/no cross-regional pharmacy purchase service/) });
  });

  it('names the line or the total at fault as the pharmacy sent it; nothing is recorded', async () => {
    const bad = purchase('1');
    bad.drugdetail[1]!.det_item_fee_sumamt = 99;
    expect((await w.send('2102', bad, { code: PHARMACY })).err_msg).toMatch(/^input\.drugdetail\[1\]\.det_item_fee_sumamt must be pric × cnt/);
    const total = purchase('1');
    total.druginfo.medfee_sumamt = 301;
    expect((await w.send('2102', total, { code: PHARMACY })).err_msg).toMatch(/^input\.druginfo\.medfee_sumamt is 301\.00 yuan but the uploaded fee lines give 300\.00 yuan/);
    expect((await w.db.query("SELECT count(*)::int AS n FROM encounter WHERE psn_no = $1 AND status <> 'cancelled'", [buyer.psn_no])).rows[0].n).toBe(0);
  });
});

describe('concurrency', () => {
  it('never loses a year-total update when 100 visits of one person settle at once', async () => {
    const visits: string[] = [];
    for (let i = 0; i < 100; i++) visits.push(await visitedAndBilled(w, busy, [{ code: CLASS_A, pric: 10, cnt: 1, amount: 10 }]));
    const answers = await Promise.all(visits.map((id) => w.send('2207', settleInput(id, busy.psn_no, 10))));
    expect(answers.filter((a) => a.infcode !== 0).map((a) => a.err_msg)).toEqual([]);
    const sums = (await w.db.query("SELECT sum(act_pay_dedc_fen)::int AS d, sum(hifp_pay_fen)::int AS p, count(*)::int AS n FROM settlement WHERE psn_no = $1", [busy.psn_no])).rows[0];
    // 1 000 yuan: the annual deductible of 100, then 50 % of 900.
    expect(sums).toEqual({ d: 10000, p: 45000, n: 100 });
    expect(await yearRow(busy.psn_no, 'outpatient')).toEqual({ d: 10000, p: 45000 });
  });

  it('settles once when one settlement is retried 100 times at once', async () => {
    const id = await admittedAndBilled(w, retried, WORKED_EXAMPLE);
    const m = w.msgid();
    const answers = await Promise.all(Array.from({ length: 100 }, () => w.send('2304', settleInput(id, retried.psn_no, 30000), { msgid: m })));
    expect(new Set(answers.map((a) => a.infcode))).toEqual(new Set([0]));
    expect(new Set(answers.map((a) => a.output.setlinfo.setl_id)).size).toBe(1);
    expect(answers.filter((a) => a.warn_msg === '')).toHaveLength(1);
    expect((await w.db.query('SELECT count(*)::int AS n FROM settlement WHERE mdtrt_id = $1', [id])).rows[0].n).toBe(1);
    expect(await yearRow(retried.psn_no)).toEqual({ d: 120000, p: 2080000 });
  });
});
