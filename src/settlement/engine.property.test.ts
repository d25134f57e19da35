import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { CatalogItem } from '../catalog/model.ts';
import { bp, fen, type Fen } from '../core/money.ts';
import type { Band, Benefit, Deductible, Fund, TopUp } from '../policy/model.ts';
import { applyYearDelta, classifyLine, reverse, settle, sumParts } from './engine.ts';
import type { FeeParts, SetlInfoAmounts, SettlementInput, SettlementResult, YearTotals } from './model.ts';

const RUNS = { numRuns: 600 };

/** Amounts from nothing to a very large bill, with the edges (0, tiny) often. */
const amount = (max = 2_000_000_000) =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constant(0) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 100_000 }) },
    { weight: 4, arbitrary: fc.integer({ min: 0, max }) },
  ).map((n) => fen(n));
const ratio = fc.oneof(fc.constantFrom(0, 5000, 8000, 10000), fc.integer({ min: 0, max: 10000 }));

const bands: fc.Arbitrary<Band[]> = fc
  .tuple(fc.uniqueArray(fc.integer({ min: 1, max: 500_000_000 }), { maxLength: 3 }), fc.array(ratio, { minLength: 4, maxLength: 4 }))
  .map(([ends, ratios]) => {
    const sorted = [...ends].sort((a, b) => a - b);
    return [...sorted.map((e, i) => ({ up_to_fen: fen(e), ratio_bp: ratios[i]! })), { up_to_fen: null, ratio_bp: ratios[sorted.length]! }];
  });

const deductible: fc.Arbitrary<Deductible> = fc.oneof(
  fc.tuple(amount(500_000), amount(500_000)).map(([a, b]) => ({ per: 'admission' as const, first_fen: fen(Math.max(a, b)), later_fen: fen(Math.min(a, b)) })),
  amount(500_000).map((a) => ({ per: 'year' as const, amount_fen: a })),
  fc.constant({ per: 'none' as const }),
);

const benefit: fc.Arbitrary<Benefit> = fc.record({ deductible, bands, cap: amount(100_000_000) }).map(({ deductible, bands, cap }) => ({
  person_class: 'resident',
  med_kind: 'inpatient',
  levels: [1, 2, 3],
  deductible,
  bands,
  cap_group: 'pooled',
  annual_cap_fen: cap,
}));

const topUp = (fund: Fund): fc.Arbitrary<TopUp> =>
  fc.record({ threshold: amount(5_000_000), bands, cap: amount(100_000_000) }).map(({ threshold, bands, cap }) => ({
    fund,
    threshold_fen: threshold,
    bands,
    annual_cap_fen: cap,
  }));

const yearTotals: fc.Arbitrary<YearTotals> = fc
  .record({
    deductible: amount(500_000),
    pooled: amount(100_000_000),
    topups: fc.array(fc.record({ paid_fen: amount(100_000_000), base_fen: amount(100_000_000) }), { minLength: 4, maxLength: 4 }),
  })
  .map(({ deductible, pooled, topups: [hifob, hifmi, cvlserv, maf] }) => ({
    deductible_paid_fen: deductible,
    pooled_paid_fen: pooled,
    topups: { hifob: hifob!, hifmi: hifmi!, cvlserv: cvlserv!, maf: maf! },
  }));

const parts: fc.Arbitrary<FeeParts> = fc
  .record({ fulamt_ownpay_fen: amount(), overlmt_fen: amount(), preselfpay_fen: amount(), inscp_scp_fen: amount() })
  .map((p) => p);

/** Everything but the bill, for a scheme: top-ups drawn among that scheme's funds. */
const context = fc.constantFrom('employee' as const, 'resident' as const).chain((scheme) =>
  fc.record({
    benefit,
    reduction_bp: fc.oneof(fc.constantFrom(0, 1000, 2000), fc.integer({ min: 0, max: 10000 })).map((n) => bp(n)),
    admissionOrdinal: fc.integer({ min: 1, max: 4 }),
    yearTotals,
    topups: fc
      .record({
        own: fc.option(topUp(scheme === 'employee' ? 'hifob' : 'hifmi')),
        cvlserv: fc.option(scheme === 'employee' ? topUp('cvlserv') : fc.constant(null)),
        maf: fc.option(topUp('maf')),
      })
      .map((t) => [t.maf, t.cvlserv, t.own].filter((x): x is TopUp => x !== null)),
    eligibility: fc.record({ scheme: fc.constant(scheme), civil_servant: fc.boolean(), assistance: fc.boolean() }),
    account: fc.record({ use: scheme === 'employee' ? fc.boolean() : fc.constant(false), balance_fen: amount(10_000_000) }),
  }),
);

type Context = Omit<SettlementInput, 'bill'>;
const arbitraryInput = fc.record({ ctx: context, bill: parts }).map(({ ctx, bill }) => ({ ...ctx, bill: { totals: bill } }) as SettlementInput);

const MONEY_KEYS = (r: SettlementResult) => Object.keys(r.setlinfo) as (keyof SetlInfoAmounts)[];
const FUNDS: readonly { fund: Fund; key: 'hifob_pay' | 'hifmi_pay' | 'cvlserv_pay' | 'maf_pay' }[] = [
  { fund: 'hifob', key: 'hifob_pay' },
  { fund: 'hifmi', key: 'hifmi_pay' },
  { fund: 'cvlserv', key: 'cvlserv_pay' },
  { fund: 'maf', key: 'maf_pay' },
];

describe('settlement identities (policy.md)', () => {
  it('the four identities hold to the fen, and nothing is negative', () => {
    fc.assert(
      fc.property(arbitraryInput, (input) => {
        const r = settle(input);
        const s = r.setlinfo;
        expect(s.medfee_sumamt).toBe(s.fulamt_ownpay_amt + s.overlmt_selfpay + s.preselfpay_amt + s.inscp_scp_amt);
        expect(s.medfee_sumamt).toBe(s.fund_pay_sumamt + s.psn_part_amt + s.hosp_part_amt);
        expect(s.psn_part_amt).toBe(s.acct_pay + s.psn_cash_pay);
        expect(s.fund_pay_sumamt).toBe(r.setldetail.reduce((sum, d) => sum + d.fund_payamt, 0));
        expect(s.fund_pay_sumamt).toBe(s.hifp_pay + s.hifob_pay + s.hifmi_pay + s.cvlserv_pay + s.maf_pay + s.hifes_pay + s.oth_pay);
        // the in-scope amount is split into deductible, pooled fund and the pooled fund's self-paid share
        expect(s.inscp_scp_amt).toBe(s.act_pay_dedc + s.hifp_pay + s.pool_prop_selfpay);
        for (const k of MONEY_KEYS(r)) expect(s[k], k).toBeGreaterThanOrEqual(0);
        for (const d of r.setldetail) {
          expect(d.fund_payamt).toBeGreaterThanOrEqual(0);
          expect(d.inscp_scp_amt).toBeGreaterThanOrEqual(0);
          expect(d.crt_payb_lmt_amt).toBeGreaterThanOrEqual(d.fund_payamt);
        }
        // funds pay only in-scope costs; the account pays no more than the balance
        expect(s.fund_pay_sumamt).toBeLessThanOrEqual(s.inscp_scp_amt);
        expect(s.acct_pay).toBeLessThanOrEqual(input.account.balance_fen);
        expect(s.balc).toBe(input.account.balance_fen - s.acct_pay);
      }),
      RUNS,
    );
  });

  it('no fund pays past what is left of its annual cap, and the year totals move by exactly what was paid', () => {
    fc.assert(
      fc.property(arbitraryInput, (input) => {
        const r = settle(input);
        const before = input.yearTotals;
        const after = r.yearTotalsAfter;
        expect(r.setlinfo.hifp_pay).toBeLessThanOrEqual(Math.max(0, input.benefit.annual_cap_fen - before.pooled_paid_fen));
        expect(after.pooled_paid_fen).toBe(before.pooled_paid_fen + r.setlinfo.hifp_pay);
        expect(after.deductible_paid_fen).toBe(before.deductible_paid_fen + r.setlinfo.act_pay_dedc);
        for (const { fund, key } of FUNDS) {
          const t = input.topups.find((x) => x.fund === fund);
          const pay = r.setlinfo[key];
          if (t === undefined) expect(pay).toBe(0);
          else expect(pay).toBeLessThanOrEqual(Math.max(0, t.annual_cap_fen - before.topups[fund].paid_fen));
          expect(after.topups[fund].paid_fen).toBe(before.topups[fund].paid_fen + pay);
          expect(after.topups[fund].base_fen).toBeGreaterThanOrEqual(before.topups[fund].base_fen);
        }
        expect(r.yearTotalsBefore).toEqual(before);
      }),
      RUNS,
    );
  });

  it('settling the lines or their totals gives the same settlement', () => {
    fc.assert(
      fc.property(context, fc.array(parts, { minLength: 1, maxLength: 6 }), (ctx: Context, lines) => {
        expect(settle({ ...ctx, bill: { lines } })).toEqual(settle({ ...ctx, bill: { totals: sumParts(lines) } }));
      }),
      RUNS,
    );
  });
});

describe('monotonicity', () => {
  const part = fc.constantFrom<keyof FeeParts>('fulamt_ownpay_fen', 'overlmt_fen', 'preselfpay_fen', 'inscp_scp_fen');

  it('adding to any part of the bill lowers no fund payment, no deductible and no personal share', () => {
    fc.assert(
      fc.property(arbitraryInput, part, amount(50_000_000), (input, which, extra) => {
        const totals = (input.bill as { totals: FeeParts }).totals;
        const more = { ...input, bill: { totals: { ...totals, [which]: fen(totals[which] + extra) } } };
        const a = settle(input).setlinfo;
        const b = settle(more).setlinfo;
        for (const k of ['act_pay_dedc', 'hifp_pay', 'hifob_pay', 'hifmi_pay', 'cvlserv_pay', 'maf_pay', 'fund_pay_sumamt', 'psn_part_amt'] as const) {
          expect(b[k], k).toBeGreaterThanOrEqual(a[k]);
        }
        // what the bill grew by is shared between the funds and the person, the person's share growing by no more
        expect(b.psn_part_amt - a.psn_part_amt).toBeLessThanOrEqual(extra);
        if (which !== 'inscp_scp_fen') {
          // self-paid parts are no fund's business: the person bears them in full
          expect(b.fund_pay_sumamt).toBe(a.fund_pay_sumamt);
          expect(b.psn_part_amt).toBe(a.psn_part_amt + extra);
        }
      }),
      RUNS,
    );
  });

  it('more pooled fund paid earlier in the year, or a larger reduction, never raises the pooled fund payment', () => {
    fc.assert(
      fc.property(arbitraryInput, amount(50_000_000), fc.integer({ min: 0, max: 10000 }), (input, earlier, reduction) => {
        const base = settle(input).setlinfo.hifp_pay;
        const later = settle({ ...input, yearTotals: { ...input.yearTotals, pooled_paid_fen: fen(input.yearTotals.pooled_paid_fen + earlier) } });
        expect(later.setlinfo.hifp_pay).toBeLessThanOrEqual(base);
        const reduced = settle({ ...input, reduction_bp: bp(Math.max(input.reduction_bp, reduction)) });
        expect(reduced.setlinfo.hifp_pay).toBeLessThanOrEqual(base);
      }),
      RUNS,
    );
  });

  it('a larger account balance pays more from the account and less in cash, the funds unchanged', () => {
    fc.assert(
      fc.property(arbitraryInput, amount(10_000_000), (input, extra) => {
        const a = settle(input).setlinfo;
        const b = settle({ ...input, account: { ...input.account, balance_fen: fen(input.account.balance_fen + extra) } }).setlinfo;
        expect(b.acct_pay).toBeGreaterThanOrEqual(a.acct_pay);
        expect(b.psn_cash_pay).toBeLessThanOrEqual(a.psn_cash_pay);
        expect(b.fund_pay_sumamt).toBe(a.fund_pay_sumamt);
      }),
      RUNS,
    );
  });
});

describe('reversal', () => {
  it('reverse(reverse(r)) is r, and a settlement plus its reversal sums to zero', () => {
    fc.assert(
      fc.property(arbitraryInput, (input) => {
        const r = settle(input);
        const x = reverse(r);
        expect(reverse(x)).toEqual(r);
        for (const k of MONEY_KEYS(r)) {
          if (k !== 'balc') expect(r.setlinfo[k] + x.setlinfo[k], k).toBe(0);
        }
        expect(x.setlinfo.balc).toBe(input.account.balance_fen);
        expect(r.setldetail.map((d, i) => d.fund_payamt + x.setldetail[i]!.fund_payamt)).toEqual(r.setldetail.map(() => 0));
        expect(applyYearDelta(r.yearTotalsAfter, x)).toEqual(input.yearTotals);
        expect(applyYearDelta(input.yearTotals, r)).toEqual(r.yearTotalsAfter);
      }),
      RUNS,
    );
  });
});

describe('line classification', () => {
  const item: fc.Arbitrary<CatalogItem | null> = fc.option(
    fc.record({
      lv: fc.constantFrom('01' as const, '02' as const, '03' as const),
      share: fc.integer({ min: 0, max: 10000 }),
      cap: fc.option(fc.integer({ min: 0, max: 1_000_000 })),
    }).map(({ lv, share, cap }) => ({
      province: '110000',
      hilist_code: 'X',
      hilist_name: 'x',
      list_type: '101',
      med_chrgitm_type: '09',
      chrgitm_lv: lv,
      selfpay_prop_bp: bp(lv === '02' ? share : 0),
      pric_uplmt_fen: cap === null ? null : fen(cap),
      begndate: '2024-01-01',
      enddate: null,
    })),
  );
  const line = fc
    .record({ price: fc.integer({ min: 0, max: 2_000_000 }), qty: fc.integer({ min: 1, max: 10_000_000 }), discount: fc.integer({ min: 0, max: 1000 }) })
    .map(({ price, qty, discount }) => {
      const full = Math.round((price * qty) / 10000);
      return { amount_fen: fen(Math.max(0, full - discount)), qty_e4: qty, price_fen: fen(price) };
    });

  it('the parts sum to the line amount, each with its sign, and a refund line is the negated original', () => {
    fc.assert(
      fc.property(line, item, (l, it) => {
        const c = classifyLine(l, it);
        const ps = [c.fulamt_ownpay_fen, c.overlmt_fen, c.preselfpay_fen, c.inscp_scp_fen];
        expect(ps.reduce((a, b) => a + b, 0)).toBe(l.amount_fen);
        for (const p of ps) expect(p).toBeGreaterThanOrEqual(0);
        const refund = classifyLine({ ...l, amount_fen: fen(0 - l.amount_fen), qty_e4: -l.qty_e4 }, it);
        expect(sumParts([c, refund])).toEqual({ fulamt_ownpay_fen: 0, overlmt_fen: 0, preselfpay_fen: 0, inscp_scp_fen: 0 });
        expect(refund.chrgitm_lv).toBe(c.chrgitm_lv);
        if (it === null || it.chrgitm_lv === '03') expect(c.fulamt_ownpay_fen).toBe(l.amount_fen as Fen);
        else expect(c.fulamt_ownpay_fen).toBe(0);
      }),
      RUNS,
    );
  });
});
