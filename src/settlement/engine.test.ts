import { describe, expect, it } from 'vitest';
import type { CatalogItem, ItemClass } from '../catalog/model.ts';
import { DomainError } from '../core/errors.ts';
import { bp, fen, type Fen } from '../core/money.ts';
import type { Benefit, TopUp } from '../policy/model.ts';
import { applyYearDelta, classifyLine, emptyYearTotals, linesFromClassSplit, reverse, settle, sumParts } from './engine.ts';
import type { FeeParts, SettlementInput, YearTotals } from './model.ts';

const y = (yuan: number) => fen(Math.round(yuan * 100));

function item(lv: ItemClass, share = 0, cap: number | null = null): CatalogItem {
  return {
    province: '110000',
    hilist_code: `X${lv}`,
    hilist_name: 'test item',
    list_type: '101',
    med_chrgitm_type: '09',
    chrgitm_lv: lv,
    selfpay_prop_bp: bp(share),
    pric_uplmt_fen: cap === null ? null : fen(cap),
    begndate: '2024-01-01',
    enddate: null,
  };
}

function benefit(over: Partial<Benefit> = {}): Benefit {
  return {
    person_class: 'resident',
    med_kind: 'inpatient',
    levels: [3],
    deductible: { per: 'admission', first_fen: y(1200), later_fen: y(600) },
    bands: [{ up_to_fen: null, ratio_bp: 8000 }],
    cap_group: 'pooled',
    annual_cap_fen: y(300_000),
    ...over,
  };
}

const totals = (inscp: number, other: Partial<Record<keyof FeeParts, number>> = {}): { totals: FeeParts } => ({
  totals: {
    fulamt_ownpay_fen: fen(other.fulamt_ownpay_fen ?? 0),
    overlmt_fen: fen(other.overlmt_fen ?? 0),
    preselfpay_fen: fen(other.preselfpay_fen ?? 0),
    inscp_scp_fen: fen(inscp),
  },
});

function input(over: Partial<SettlementInput> = {}): SettlementInput {
  return {
    bill: totals(0),
    benefit: benefit(),
    reduction_bp: bp(0),
    admissionOrdinal: 1,
    yearTotals: emptyYearTotals(),
    topups: [],
    eligibility: { scheme: 'resident', civil_servant: false, assistance: false },
    account: { use: false, balance_fen: fen(0) },
    ...over,
  };
}

function year(over: { deductible?: Fen; pooled?: Fen; hifmiBase?: Fen; hifobPaid?: Fen } = {}): YearTotals {
  const t = emptyYearTotals();
  t.deductible_paid_fen = over.deductible ?? t.deductible_paid_fen;
  t.pooled_paid_fen = over.pooled ?? t.pooled_paid_fen;
  t.topups.hifmi.base_fen = over.hifmiBase ?? t.topups.hifmi.base_fen;
  t.topups.hifob.paid_fen = over.hifobPaid ?? t.topups.hifob.paid_fen;
  return t;
}

const flat = (ratio: number) => [{ up_to_fen: null, ratio_bp: ratio }];
const hifob: TopUp = { fund: 'hifob', threshold_fen: fen(0), bands: flat(9000), annual_cap_fen: y(400_000) };
const hifmi: TopUp = {
  fund: 'hifmi',
  threshold_fen: y(15_000),
  bands: [
    { up_to_fen: y(100_000), ratio_bp: 6000 },
    { up_to_fen: null, ratio_bp: 7000 },
  ],
  annual_cap_fen: y(400_000),
};
const cvlserv: TopUp = { fund: 'cvlserv', threshold_fen: fen(0), bands: flat(4000), annual_cap_fen: y(50_000) };
const maf: TopUp = { fund: 'maf', threshold_fen: fen(0), bands: flat(7000), annual_cap_fen: y(30_000) };

function expectField(fn: () => unknown, path: string) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).issues.map((i) => i.path)).toContain(path);
    return;
  }
  throw new Error(`expected a DomainError naming ${path}`);
}

describe('the worked example of policy.md', () => {
  const split = { classA_fen: y(20_000), classB_fen: y(8_000), classC_fen: y(2_000), classB_share_bp: bp(1000) };

  it('settles exactly: fund 20 800, personal 9 200', () => {
    const r = settle(input({ bill: { lines: linesFromClassSplit(split) } }));
    expect(r.setlinfo).toMatchObject({
      medfee_sumamt: y(30_000),
      fulamt_ownpay_amt: y(2_000),
      overlmt_selfpay: 0,
      preselfpay_amt: y(800),
      inscp_scp_amt: y(27_200),
      act_pay_dedc: y(1_200),
      hifp_pay: y(20_800),
      pool_prop_selfpay: y(5_200),
      fund_pay_sumamt: y(20_800),
      psn_part_amt: y(9_200),
      psn_cash_pay: y(9_200),
      acct_pay: 0,
      hosp_part_amt: 0,
    });
    expect(r.setldetail).toEqual([
      expect.objectContaining({ fund_pay_type: '390100', fund_payamt: y(20_800), inscp_scp_amt: y(26_000), crt_payb_lmt_amt: y(300_000) }),
    ]);
    expect(r.explanation.map((l) => l.zh)).toEqual(
      expect.arrayContaining([expect.stringContaining('起付线 1200.00 元'), expect.stringContaining('统筹基金 80% × 26000.00 = 20800.00 元')]),
    );
    expect(r.yearTotalsAfter.deductible_paid_fen).toBe(y(1_200));
    expect(r.yearTotalsAfter.pooled_paid_fen).toBe(y(20_800));
  });

  it('settles the same from classified fee lines', () => {
    const lines = [
      classifyLine({ amount_fen: y(20_000), qty_e4: 10000, price_fen: y(20_000) }, item('01')),
      classifyLine({ amount_fen: y(8_000), qty_e4: 40000, price_fen: y(2_000) }, item('02', 1000)),
      classifyLine({ amount_fen: y(2_000), qty_e4: 10000, price_fen: y(2_000) }, item('03')),
    ];
    expect(sumParts(lines)).toEqual({ fulamt_ownpay_fen: y(2_000), overlmt_fen: 0, preselfpay_fen: y(800), inscp_scp_fen: y(27_200) });
    expect(settle(input({ bill: { lines } })).setlinfo.hifp_pay).toBe(y(20_800));
  });

  it('with a 10-point reduction: fund 18 200, personal 11 800', () => {
    const r = settle(input({ bill: { lines: linesFromClassSplit(split) }, reduction_bp: bp(1000) }));
    expect(r.setlinfo.hifp_pay).toBe(y(18_200));
    expect(r.setlinfo.psn_part_amt).toBe(y(11_800));
    expect(r.explanation[2]!.zh).toContain('70% × 26000.00 = 18200.00 元（比例降低 10 个百分点）');
  });
});

describe('settle', () => {
  it('applies banded ratios across a band boundary', () => {
    const bands = [
      { up_to_fen: y(30_000), ratio_bp: 8500 },
      { up_to_fen: null, ratio_bp: 9000 },
    ];
    const r = settle(input({ bill: totals(y(51_200)), benefit: benefit({ bands }) }));
    // 50 000 above the deductible: 85 % of 30 000 + 90 % of 20 000
    expect(r.setlinfo.hifp_pay).toBe(y(25_500 + 18_000));
    expect(r.explanation[2]!.en).toContain('85% × 30000.00 + 90% × 20000.00 = 43500.00');
  });

  it('reduces every band and floors a ratio at 0', () => {
    const bands = [
      { up_to_fen: y(10_000), ratio_bp: 500 },
      { up_to_fen: null, ratio_bp: 9000 },
    ];
    const r = settle(input({ bill: totals(y(21_200)), benefit: benefit({ bands }), reduction_bp: bp(2000) }));
    expect(r.setlinfo.hifp_pay).toBe(y(7_000)); // 0 % of 10 000 + 70 % of 10 000
    const none = settle(input({ bill: totals(y(21_200)), benefit: benefit({ bands: flat(1500) }), reduction_bp: bp(2000) }));
    expect(none.setlinfo.hifp_pay).toBe(0);
    expect(none.setlinfo.psn_part_amt).toBe(y(21_200));
  });

  it('charges the lower deductible on a second admission', () => {
    const r = settle(input({ bill: totals(y(10_000)), admissionOrdinal: 2 }));
    expect(r.setlinfo.act_pay_dedc).toBe(y(600));
    expect(r.setlinfo.hifp_pay).toBe(y(7_520));
    expectField(() => settle(input({ bill: totals(y(10_000)), admissionOrdinal: undefined })), 'admissionOrdinal');
  });

  it('charges only what is left of an annual outpatient deductible', () => {
    const outpatient = benefit({ med_kind: 'outpatient', deductible: { per: 'year', amount_fen: y(300) }, bands: flat(6000) });
    const r = settle(input({ bill: totals(y(500)), benefit: outpatient, yearTotals: year({ deductible: y(200) }) }));
    expect(r.setlinfo.act_pay_dedc).toBe(y(100));
    expect(r.setlinfo.hifp_pay).toBe(y(240));
    expect(r.yearTotalsAfter.deductible_paid_fen).toBe(y(300));
    const spent = settle(input({ bill: totals(y(500)), benefit: outpatient, yearTotals: year({ deductible: y(450) }) }));
    expect(spent.setlinfo.act_pay_dedc).toBe(0);
    const small = settle(input({ bill: totals(y(50)), benefit: outpatient }));
    expect(small.setlinfo.act_pay_dedc).toBe(y(50));
    expect(small.setlinfo.hifp_pay).toBe(0);
  });

  it('pays only the rest of the cap when it is reached mid-bill, and the large-amount subsidy above it', () => {
    const r = settle(
      input({
        bill: totals(y(30_000)),
        benefit: benefit({ deductible: { per: 'none' } }),
        yearTotals: year({ pooled: y(290_000) }),
        eligibility: { scheme: 'employee', civil_servant: false, assistance: false },
        topups: [hifob],
      }),
    );
    // the pooled fund reaches its last 10 000 at 12 500 of eligible expense; 17 500 lie above the cap
    expect(r.setlinfo.hifp_pay).toBe(y(10_000));
    expect(r.setlinfo.pool_prop_selfpay).toBe(y(20_000));
    expect(r.setlinfo.hifob_pay).toBe(y(15_750));
    expect(r.setlinfo.psn_part_amt).toBe(y(4_250));
    expect(r.setldetail.map((d) => [d.fund_pay_type, d.inscp_scp_amt, d.crt_payb_lmt_amt, d.fund_payamt])).toEqual([
      ['310100', y(30_000), y(10_000), y(10_000)],
      ['330100', y(17_500), y(400_000), y(15_750)],
    ]);
    expect(r.yearTotalsAfter.pooled_paid_fen).toBe(y(300_000));
    expect(r.yearTotalsAfter.topups.hifob).toEqual({ paid_fen: y(15_750), base_fen: y(17_500) });

    const nearlySpent = settle(
      input({
        bill: totals(y(30_000)),
        benefit: benefit({ deductible: { per: 'none' } }),
        yearTotals: year({ pooled: y(300_000), hifobPaid: y(395_000) }),
        eligibility: { scheme: 'employee', civil_servant: false, assistance: false },
        topups: [hifob],
      }),
    );
    expect(nearlySpent.setlinfo.hifp_pay).toBe(0);
    expect(nearlySpent.setlinfo.hifob_pay).toBe(y(5_000));
    expect(nearlySpent.setlinfo.psn_part_amt).toBe(y(25_000));
  });

  it('pays serious illness insurance above its threshold, counting the base accumulated earlier', () => {
    const r = settle(
      input({
        bill: totals(y(20_000), { fulamt_ownpay_fen: y(500) }),
        benefit: benefit({ deductible: { per: 'admission', first_fen: y(1_000), later_fen: y(500) }, bands: flat(6000) }),
        yearTotals: year({ hifmiBase: y(12_000) }),
        topups: [hifmi],
      }),
    );
    // in scope 20 000: pooled 60 % of 19 000 = 11 400; burden 8 600, of which 5 600 lie above 15 000
    expect(r.setlinfo.hifp_pay).toBe(y(11_400));
    expect(r.setlinfo.hifmi_pay).toBe(y(3_360));
    expect(r.setlinfo.psn_part_amt).toBe(y(500 + 5_240));
    expect(r.yearTotalsAfter.topups.hifmi).toEqual({ paid_fen: y(3_360), base_fen: y(20_600) });
    expect(r.setldetail[1]).toMatchObject({ fund_pay_type: '390200', inscp_scp_amt: y(8_600), fund_payamt: y(3_360) });

    const below = settle(input({ bill: totals(y(5_000)), benefit: benefit({ deductible: { per: 'none' }, bands: flat(6000) }), topups: [hifmi] }));
    expect(below.setlinfo.hifmi_pay).toBe(0);
    expect(below.yearTotalsAfter.topups.hifmi.base_fen).toBe(y(2_000));
    expect(below.setldetail).toHaveLength(1);
    expect(below.explanation.some((l) => l.zh.includes('未超过起付标准 15000.00 元'))).toBe(true);
  });

  it("crosses the serious illness bands, counted from the fund's threshold", () => {
    const r = settle(
      input({
        bill: totals(y(10_000)),
        benefit: benefit({ deductible: { per: 'none' }, bands: flat(0) }),
        yearTotals: year({ hifmiBase: y(110_000) }),
        topups: [hifmi],
      }),
    );
    // base 95 000 → 105 000 above the threshold: 60 % of 5 000 + 70 % of 5 000
    expect(r.setlinfo.hifmi_pay).toBe(y(6_500));
  });

  it('pays the civil servant subsidy on the remaining in-scope burden, only to civil servants', () => {
    const employee = { scheme: 'employee', civil_servant: true, assistance: false } as const;
    const bill = totals(y(11_200), { preselfpay_fen: y(300) });
    const r = settle(input({ bill, eligibility: employee, topups: [hifob, cvlserv] }));
    // pooled 80 % of 10 000 = 8 000; burden 3 200 (1 200 deductible + 2 000); subsidy 40 %
    expect(r.setlinfo.hifob_pay).toBe(0);
    expect(r.setlinfo.cvlserv_pay).toBe(y(1_280));
    expect(r.setlinfo.psn_part_amt).toBe(y(300 + 1_920));
    expect(r.setldetail.map((d) => d.fund_pay_type)).toEqual(['310100', '320100']);
    const plain = settle(input({ bill, eligibility: { ...employee, civil_servant: false }, topups: [hifob, cvlserv] }));
    expect(plain.setlinfo.cvlserv_pay).toBe(0);
    expect(plain.yearTotalsAfter.topups.cvlserv).toEqual({ paid_fen: 0, base_fen: 0 });
  });

  it('pays medical assistance last, on what the person still bears, to assistance identities only', () => {
    const bill = totals(y(41_000), { fulamt_ownpay_fen: y(1_000) });
    const b = benefit({ deductible: { per: 'admission', first_fen: y(1_000), later_fen: y(1_000) }, bands: flat(6000) });
    const r = settle(input({ bill, benefit: b, topups: [maf, hifmi], eligibility: { scheme: 'resident', civil_servant: false, assistance: true } }));
    // pooled 24 000; burden 17 000: serious illness 60 % of 2 000 = 1 200; assistance 70 % of 15 800 = 11 060
    expect(r.setlinfo.hifmi_pay).toBe(y(1_200));
    expect(r.setlinfo.maf_pay).toBe(y(11_060));
    expect(r.setlinfo.fund_pay_sumamt).toBe(y(24_000 + 1_200 + 11_060));
    expect(r.setlinfo.psn_part_amt).toBe(y(1_000 + 4_740));
    expect(r.setldetail.map((d) => d.fund_pay_type)).toEqual(['390100', '390200', '610100']);
    const capped = settle(
      input({ bill, benefit: b, topups: [maf], eligibility: { scheme: 'resident', civil_servant: false, assistance: true }, yearTotals: { ...year(), topups: { ...year().topups, maf: { paid_fen: y(29_000), base_fen: y(40_000) } } } }),
    );
    expect(capped.setlinfo.maf_pay).toBe(y(1_000));
    const none = settle(input({ bill, benefit: b, topups: [maf] }));
    expect(none.setlinfo.maf_pay).toBe(0);
  });

  it('pays the personal share from the account up to the balance, or not at all', () => {
    const employee = { scheme: 'employee', civil_servant: false, assistance: false } as const;
    const bill = totals(y(11_200), { fulamt_ownpay_fen: y(800) });
    const partial = settle(input({ bill, eligibility: employee, account: { use: true, balance_fen: y(1_500) } }));
    // 800 self-paid + 1 200 deductible + 20 % of 10 000
    expect(partial.setlinfo.psn_part_amt).toBe(y(4_000));
    expect(partial.setlinfo.acct_pay).toBe(y(1_500));
    expect(partial.setlinfo.psn_cash_pay).toBe(y(2_500));
    expect(partial.setlinfo.balc).toBe(0);
    const rich = settle(input({ bill, eligibility: employee, account: { use: true, balance_fen: y(5_000) } }));
    expect(rich.setlinfo).toMatchObject({ acct_pay: y(4_000), psn_cash_pay: 0, balc: y(1_000) });
    const unused = settle(input({ bill, eligibility: employee, account: { use: false, balance_fen: y(5_000) } }));
    expect(unused.setlinfo).toMatchObject({ acct_pay: 0, psn_cash_pay: y(4_000), balc: y(5_000) });
    expectField(() => settle(input({ bill, account: { use: true, balance_fen: y(5_000) } })), 'account.use');
  });

  it('settles a zero bill to zeros', () => {
    const r = settle(input());
    for (const [k, v] of Object.entries(r.setlinfo)) expect([k, v]).toEqual([k, 0]);
    expect(r.setldetail).toEqual([expect.objectContaining({ fund_pay_type: '390100', fund_payamt: 0 })]);
    expect(r.yearTotalsAfter).toEqual(emptyYearTotals());
  });

  it('refuses negative bills, bad bands and top-ups of the other scheme, naming the field', () => {
    expectField(() => settle(input({ bill: totals(-1) })), 'bill.totals.inscp_scp_fen');
    const refundOnly = classifyLine({ amount_fen: fen(-100), qty_e4: -10000, price_fen: fen(100) }, item('01'));
    expectField(() => settle(input({ bill: { lines: [refundOnly] } })), 'bill.lines');
    expectField(() => settle(input({ benefit: benefit({ bands: [{ up_to_fen: y(100), ratio_bp: 8000 }] }) })), 'benefit.bands[0].up_to_fen');
    expectField(() => settle(input({ topups: [hifob] })), 'topups[0].fund');
    expectField(() => settle(input({ topups: [hifmi, hifmi] })), 'topups[1].fund');
    expectField(() => settle(input({ reduction_bp: 10001 as never })), 'reduction_bp');
  });

  it('accepts refund lines that leave the bill positive', () => {
    const a = item('02', 1000);
    const lines = [
      classifyLine({ amount_fen: fen(3000), qty_e4: 30000, price_fen: fen(1000) }, a),
      classifyLine({ amount_fen: fen(-1000), qty_e4: -10000, price_fen: fen(1000) }, a),
    ];
    expect(settle(input({ bill: { lines }, benefit: benefit({ deductible: { per: 'none' } }) })).setlinfo).toMatchObject({
      medfee_sumamt: 2000,
      preselfpay_amt: 200,
      inscp_scp_amt: 1800,
    });
  });
});

describe('reverse and year totals', () => {
  const r = settle(
    input({
      bill: totals(y(30_000), { fulamt_ownpay_fen: y(100) }),
      eligibility: { scheme: 'employee', civil_servant: true, assistance: false },
      topups: [hifob, cvlserv],
      account: { use: true, balance_fen: y(2_000) },
      yearTotals: year({ pooled: y(100) }),
    }),
  );

  it('negates every flow, restores the balance and swaps the year totals', () => {
    const x = reverse(r);
    expect(x.reversal).toBe(true);
    expect(x.setlinfo.medfee_sumamt).toBe(-r.setlinfo.medfee_sumamt);
    expect(x.setlinfo.acct_pay).toBe(-y(2_000));
    expect(x.setlinfo.balc).toBe(y(2_000));
    expect(x.setldetail.map((d) => d.fund_payamt)).toEqual(r.setldetail.map((d) => 0 - d.fund_payamt));
    expect(x.yearTotalsAfter).toEqual(r.yearTotalsBefore);
    expect(reverse(x)).toEqual(r);
  });

  it('applies its change to the stored totals, and a later cancellation takes back only its own part', () => {
    expect(applyYearDelta(r.yearTotalsBefore, r)).toEqual(r.yearTotalsAfter);
    const later = { ...r.yearTotalsAfter, pooled_paid_fen: fen(r.yearTotalsAfter.pooled_paid_fen + y(5_000)) };
    const back = applyYearDelta(later, reverse(r));
    expect(back.pooled_paid_fen).toBe(y(100 + 5_000));
    expectField(() => applyYearDelta(emptyYearTotals(), reverse(r)), 'pooled_paid_fen');
  });
});

describe('classifyLine', () => {
  const line = (amount: number, qty: number, price: number) => ({ amount_fen: fen(amount), qty_e4: qty, price_fen: fen(price) });

  it('puts class A in scope, class C and unlisted items fully self-paid', () => {
    expect(classifyLine(line(5000, 20000, 2500), item('01'))).toEqual({
      listed: true,
      chrgitm_lv: '01',
      selfpay_prop_bp: 0,
      pric_uplmt_fen: null,
      fulamt_ownpay_fen: 0,
      overlmt_fen: 0,
      preselfpay_fen: 0,
      inscp_scp_fen: 5000,
    });
    expect(classifyLine(line(5000, 20000, 2500), item('03', 0, 1000))).toMatchObject({
      listed: true,
      chrgitm_lv: '03',
      selfpay_prop_bp: 10000,
      fulamt_ownpay_fen: 5000,
      overlmt_fen: 0,
      inscp_scp_fen: 0,
    });
    expect(classifyLine(line(5000, 20000, 2500), null)).toMatchObject({ listed: false, chrgitm_lv: '03', fulamt_ownpay_fen: 5000, pric_uplmt_fen: null });
  });

  it('rounds the class-B share half up', () => {
    expect(classifyLine(line(105, 10000, 105), item('02', 1000))).toMatchObject({ preselfpay_fen: 11, inscp_scp_fen: 94, selfpay_prop_bp: 1000 });
    expect(classifyLine(line(104, 10000, 104), item('02', 1000))).toMatchObject({ preselfpay_fen: 10, inscp_scp_fen: 94 });
  });

  it('makes the part of the price above the cap over-limit, before the class-B share', () => {
    expect(classifyLine(line(3600, 30000, 1200), item('02', 1000, 1000))).toMatchObject({
      pric_uplmt_fen: 1000,
      overlmt_fen: 600,
      preselfpay_fen: 300,
      inscp_scp_fen: 2700,
    });
    // 2.5 units 1 fen over the cap: 2.5 fen, half up
    expect(classifyLine(line(2503, 25000, 1001), item('01', 0, 1000))).toMatchObject({ overlmt_fen: 3, inscp_scp_fen: 2500 });
    // a discounted line is never over the cap by more than its amount
    expect(classifyLine(line(100, 10000, 5000), item('01', 0, 1000))).toMatchObject({ overlmt_fen: 100, inscp_scp_fen: 0 });
  });

  it('classifies a refund line as the negated original', () => {
    const b = item('02', 1500, 1000);
    const original = classifyLine(line(3605, 30000, 1201), b);
    const refund = classifyLine(line(-3605, -30000, 1201), b);
    expect(refund).toEqual({
      ...original,
      fulamt_ownpay_fen: 0 - original.fulamt_ownpay_fen,
      overlmt_fen: 0 - original.overlmt_fen,
      preselfpay_fen: 0 - original.preselfpay_fen,
      inscp_scp_fen: 0 - original.inscp_scp_fen,
    });
    expect(sumParts([original, refund])).toEqual({ fulamt_ownpay_fen: 0, overlmt_fen: 0, preselfpay_fen: 0, inscp_scp_fen: 0 });
  });

  it('refuses a line whose amount and quantity disagree in sign, or a negative price', () => {
    expectField(() => classifyLine(line(-100, 10000, 100), item('01')), 'amount_fen');
    expectField(() => classifyLine(line(100, 10000, -100), item('01')), 'price_fen');
    expectField(() => classifyLine({ amount_fen: 1.5 as Fen, qty_e4: 10000, price_fen: fen(1) }, item('01')), 'amount_fen');
  });
});

describe('linesFromClassSplit', () => {
  it('gives one line per class whose totals are the split', () => {
    const lines = linesFromClassSplit({ classA_fen: fen(1000), classB_fen: fen(1005), classC_fen: fen(7), classB_share_bp: bp(1000) });
    expect(sumParts(lines)).toEqual({ fulamt_ownpay_fen: 7, overlmt_fen: 0, preselfpay_fen: 101, inscp_scp_fen: 1904 });
    expectField(() => linesFromClassSplit({ classA_fen: fen(-1), classB_fen: fen(0), classC_fen: fen(0), classB_share_bp: bp(0) }), 'classA_fen');
  });
});
