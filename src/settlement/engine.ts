import type { CatalogItem } from '../catalog/model.ts';
import { DomainError, invalidMany, type FieldIssue } from '../core/errors.ts';
import { BP_WHOLE, ZERO, add, applyBp, bp, divRoundHalfUp, fen, formatYuan, max, min, mulQty, sub, type Fen } from '../core/money.ts';
import type { Band, Deductible, Fund, TopUp } from '../policy/model.ts';
import {
  FUND_PAY_TYPE_NAMES,
  POOLED_FUND_PAY_TYPE,
  TOPUP_FUND_PAY_TYPE,
  type Bill,
  type ClassSplit,
  type Eligibility,
  type ExplanationLine,
  type FeeLineInput,
  type FeeParts,
  type FundPayType,
  type LineClassification,
  type Scheme,
  type SetlDetail,
  type SetlInfoAmounts,
  type SettlementInput,
  type SettlementResult,
  type TopUpYear,
  type YearTotals,
} from './model.ts';

/**
 * The settlement calculation of policy.md, "The settlement calculation (our
 * model)". Pure: no I/O, no clock. Fee lines are classified against the
 * treatment-place catalogue; a visit's totals are then paid under the
 * insured-place benefit: deductible, banded pooled fund up to its annual cap,
 * top-up funds in a fixed order, and the personal share from the account or cash.
 */

/** Each bill part is at most 100 billion yuan, so every sum and product below stays exact. */
const MAX_AMOUNT = 10_000_000_000_000;
const WHOLE = BigInt(BP_WHOLE);
const FULL_SHARE = bp(BP_WHOLE);

/** Negation that never yields -0, so a reversed zero equals zero. */
const neg = (x: Fen): Fen => fen(0 - x);
/** What is left of an annual amount after `used` (never below zero). */
const leftOf = (whole: number, used: Fen): Fen => max(ZERO, sub(fen(whole), used));

const isAmount = (v: unknown, minimum: number): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= minimum && v <= MAX_AMOUNT;
const isRatio = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= BP_WHOLE;

const yuan = (x: number) => formatYuan(fen(x));
/** 8000 → "80%", 8550 → "85.5%". */
function percent(ratio: number): string {
  const whole = Math.trunc(ratio / 100);
  const rest = ratio % 100;
  return rest === 0 ? `${whole}%` : `${whole}.${String(rest).padStart(2, '0').replace(/0$/, '')}%`;
}

// ---------------------------------------------------------------- fee lines

/**
 * Classifies one fee line (policy.md, per fee line, steps 1-4). A refund line
 * (negative amount and quantity) classifies as the sign-flipped original, so a
 * refund cancels its line exactly when the catalogue entry has not changed.
 */
export function classifyLine(line: FeeLineInput, item: CatalogItem | null): LineClassification {
  const issues: FieldIssue[] = [];
  if (!Number.isSafeInteger(line.amount_fen) || Math.abs(line.amount_fen) > MAX_AMOUNT) {
    issues.push({ path: 'amount_fen', message: `must be a whole number of fen up to ${MAX_AMOUNT} in size (det_item_fee_sumamt)` });
  }
  if (!Number.isSafeInteger(line.qty_e4)) issues.push({ path: 'qty_e4', message: 'must be a whole number of ten-thousandths (cnt × 10000)' });
  if (!isAmount(line.price_fen, 0)) issues.push({ path: 'price_fen', message: 'must be a non-negative whole number of fen (pric)' });
  if (issues.length === 0 && Math.sign(line.amount_fen) * Math.sign(line.qty_e4) < 0) {
    issues.push({ path: 'amount_fen', message: 'must have the sign of the quantity: a refund line has a negative amount and a negative quantity' });
  }
  if (issues.length > 0) throw invalidMany(issues, 'the fee line has errors');

  const negative = line.amount_fen < 0 || line.qty_e4 < 0;
  const parts = classifyPositive(fen(Math.abs(line.amount_fen)), Math.abs(line.qty_e4), line.price_fen, item);
  if (!negative) return parts;
  return {
    ...parts,
    fulamt_ownpay_fen: neg(parts.fulamt_ownpay_fen),
    overlmt_fen: neg(parts.overlmt_fen),
    preselfpay_fen: neg(parts.preselfpay_fen),
    inscp_scp_fen: neg(parts.inscp_scp_fen),
  };
}

function classifyPositive(amount: Fen, qty: number, price: Fen, item: CatalogItem | null): LineClassification {
  const cap = item?.pric_uplmt_fen ?? null;
  if (item === null || item.chrgitm_lv === '03') {
    return {
      listed: item !== null,
      chrgitm_lv: '03',
      selfpay_prop_bp: FULL_SHARE,
      pric_uplmt_fen: cap,
      fulamt_ownpay_fen: amount,
      overlmt_fen: ZERO,
      preselfpay_fen: ZERO,
      inscp_scp_fen: ZERO,
    };
  }
  // A line billed below price × quantity cannot be over the cap by more than its own amount.
  const overlimit = cap !== null && price > cap ? min(mulQty(sub(price, cap), qty), amount) : ZERO;
  const share = item.chrgitm_lv === '02' ? item.selfpay_prop_bp : bp(0);
  const preselfpay = applyBp(sub(amount, overlimit), share);
  return {
    listed: true,
    chrgitm_lv: item.chrgitm_lv,
    selfpay_prop_bp: share,
    pric_uplmt_fen: cap,
    fulamt_ownpay_fen: ZERO,
    overlmt_fen: overlimit,
    preselfpay_fen: preselfpay,
    inscp_scp_fen: sub(amount, add(overlimit, preselfpay)),
  };
}

/** The totals of classified lines (what a settlement request's four amounts must agree with). */
export function sumParts(lines: readonly FeeParts[]): FeeParts {
  const sum = (pick: (l: FeeParts) => number) => fen(Number(lines.reduce((s, l) => s + BigInt(pick(l)), 0n)));
  return {
    fulamt_ownpay_fen: sum((l) => l.fulamt_ownpay_fen),
    overlmt_fen: sum((l) => l.overlmt_fen),
    preselfpay_fen: sum((l) => l.preselfpay_fen),
    inscp_scp_fen: sum((l) => l.inscp_scp_fen),
  };
}

/**
 * Three synthetic lines (class A, B, C) for a bill known only by class totals,
 * as an estimate knows it: A is in scope, B pays its share first, C is self-paid.
 */
export function linesFromClassSplit(split: ClassSplit): FeeParts[] {
  const issues: FieldIssue[] = [];
  for (const field of ['classA_fen', 'classB_fen', 'classC_fen'] as const) {
    if (!isAmount(split[field], 0)) issues.push({ path: field, message: `must be a whole number of fen from 0 to ${MAX_AMOUNT}` });
  }
  if (!isRatio(split.classB_share_bp)) issues.push({ path: 'classB_share_bp', message: 'must be basis points from 0 to 10000' });
  if (issues.length > 0) throw invalidMany(issues, 'the class split has errors');
  const preselfpay = applyBp(split.classB_fen, split.classB_share_bp);
  return [
    { fulamt_ownpay_fen: ZERO, overlmt_fen: ZERO, preselfpay_fen: ZERO, inscp_scp_fen: split.classA_fen },
    { fulamt_ownpay_fen: ZERO, overlmt_fen: ZERO, preselfpay_fen: preselfpay, inscp_scp_fen: sub(split.classB_fen, preselfpay) },
    { fulamt_ownpay_fen: split.classC_fen, overlmt_fen: ZERO, preselfpay_fen: ZERO, inscp_scp_fen: ZERO },
  ];
}

// ---------------------------------------------------------------- bands

/** A band as a segment [start, end) of the amount it is measured on, with the ratio in force. */
interface Segment {
  start: number;
  end: number | null;
  ratio: number;
}

function segments(bands: readonly Band[], reduction: number): Segment[] {
  let start = 0;
  return bands.map((b) => {
    const s = { start, end: b.up_to_fen, ratio: Math.max(0, b.ratio_bp - reduction) };
    start = b.up_to_fen ?? start;
    return s;
  });
}

function covered(s: Segment, amount: number): number {
  const top = s.end === null ? amount : Math.min(amount, s.end);
  return Math.max(0, top - s.start);
}

/**
 * What the bands pay on the first `amount` of their base, rounded once, half up.
 * Rounding the sum (not each band) keeps the slope at most 1 fen per fen, which
 * is what makes the personal share grow with the bill.
 */
function bandedPay(segs: readonly Segment[], amount: number): Fen {
  let numerator = 0n;
  for (const s of segs) numerator += BigInt(covered(s, amount)) * BigInt(s.ratio);
  return fen(Number(divRoundHalfUp(numerator, WHOLE)));
}

/** The largest base amount on which the bands pay at most `limit` (null: they never pay more). */
function amountPayingAtMost(segs: readonly Segment[], limit: number): number | null {
  // round(n / 10000) ≤ limit exactly when n ≤ limit × 10000 + 4999.
  const ceiling = BigInt(limit) * WHOLE + WHOLE / 2n - 1n;
  let numerator = 0n;
  for (const s of segs) {
    if (s.ratio > 0) {
      const steps = (ceiling - numerator) / BigInt(s.ratio);
      if (s.end === null || steps < BigInt(s.end - s.start)) return s.start + Number(steps);
    }
    if (s.end === null) return null;
    numerator += BigInt(s.end - s.start) * BigInt(s.ratio);
  }
  return null;
}

/** "80% × 26000.00" for each band the range [from, to) of the base touches. */
function describeBands(segs: readonly Segment[], from: number, to: number): string[] {
  return segs
    .map((s) => ({ ratio: s.ratio, width: covered(s, to) - covered(s, from) }))
    .filter((p) => p.width > 0)
    .map((p) => `${percent(p.ratio)} × ${yuan(p.width)}`);
}

// ---------------------------------------------------------------- validation

const FUND_ORDER: readonly Fund[] = ['hifob', 'hifmi', 'cvlserv', 'maf'];
const FUND_SCHEME: Record<Fund, Scheme | null> = { hifob: 'employee', cvlserv: 'employee', hifmi: 'resident', maf: null };
const PART_FIELDS = ['fulamt_ownpay_fen', 'overlmt_fen', 'preselfpay_fen', 'inscp_scp_fen'] as const;

function amountIssue(issues: FieldIssue[], path: string, v: unknown) {
  if (!isAmount(v, 0)) issues.push({ path, message: `must be a whole number of fen from 0 to ${MAX_AMOUNT}` });
}

function bandIssues(issues: FieldIssue[], path: string, bands: readonly Band[]) {
  if (!Array.isArray(bands) || bands.length === 0) {
    issues.push({ path, message: 'must have at least one band' });
    return;
  }
  let previous = 0;
  bands.forEach((b, i) => {
    if (!isRatio(b.ratio_bp)) issues.push({ path: `${path}[${i}].ratio_bp`, message: 'must be basis points from 0 to 10000' });
    const last = i === bands.length - 1;
    if (b.up_to_fen === null) {
      if (!last) issues.push({ path: `${path}[${i}].up_to_fen`, message: 'only the last band may be open-ended (null)' });
      return;
    }
    if (last) issues.push({ path: `${path}[${i}].up_to_fen`, message: 'the last band must be open-ended (null)' });
    if (!isAmount(b.up_to_fen, previous + 1)) {
      issues.push({ path: `${path}[${i}].up_to_fen`, message: `must be a whole number of fen above the previous band's end (${previous})` });
    } else previous = b.up_to_fen;
  });
}

function deductibleIssues(issues: FieldIssue[], d: Deductible, ordinal: number | undefined) {
  const path = 'benefit.deductible';
  if (d.per === 'admission') {
    amountIssue(issues, `${path}.first_fen`, d.first_fen);
    amountIssue(issues, `${path}.later_fen`, d.later_fen);
    if (ordinal === undefined || !Number.isSafeInteger(ordinal) || ordinal < 1) {
      issues.push({ path: 'admissionOrdinal', message: 'must be 1 for the first admission of the year, 2 or more for later ones (the deductible is per admission)' });
    }
  } else if (d.per === 'year') amountIssue(issues, `${path}.amount_fen`, d.amount_fen);
}

function billTotals(bill: Bill, issues: FieldIssue[]): FeeParts | null {
  if ('lines' in bill) {
    bill.lines.forEach((line, i) => {
      for (const f of PART_FIELDS) {
        const v = line[f];
        if (!Number.isSafeInteger(v) || Math.abs(v) > MAX_AMOUNT) {
          issues.push({ path: `bill.lines[${i}].${f}`, message: `must be a whole number of fen up to ${MAX_AMOUNT} in size` });
        }
      }
    });
    if (issues.length > 0) return null;
    const totals = sumParts(bill.lines);
    for (const f of PART_FIELDS) {
      if (totals[f] < 0) issues.push({ path: `bill.lines`, message: `the lines' ${f} sums to ${totals[f]}: only a reversal may be negative` });
      else if (totals[f] > MAX_AMOUNT) issues.push({ path: `bill.lines`, message: `the lines' ${f} sums to more than ${MAX_AMOUNT}` });
    }
    return totals;
  }
  for (const f of PART_FIELDS) {
    const v = bill.totals[f];
    if (typeof v === 'number' && Number.isSafeInteger(v) && v < 0) {
      issues.push({ path: `bill.totals.${f}`, message: `is ${v}: only a reversal may be negative (reverse the settlement instead)` });
    } else amountIssue(issues, `bill.totals.${f}`, v);
  }
  return bill.totals;
}

function inputIssues(input: SettlementInput): { issues: FieldIssue[]; totals: FeeParts | null } {
  const issues: FieldIssue[] = [];
  const totals = billTotals(input.bill, issues);
  const { benefit, yearTotals, eligibility, account } = input;
  bandIssues(issues, 'benefit.bands', benefit.bands);
  deductibleIssues(issues, benefit.deductible, input.admissionOrdinal);
  amountIssue(issues, 'benefit.annual_cap_fen', benefit.annual_cap_fen);
  if (!isRatio(input.reduction_bp)) issues.push({ path: 'reduction_bp', message: 'must be basis points from 0 to 10000' });
  amountIssue(issues, 'yearTotals.deductible_paid_fen', yearTotals.deductible_paid_fen);
  amountIssue(issues, 'yearTotals.pooled_paid_fen', yearTotals.pooled_paid_fen);
  for (const f of FUND_ORDER) {
    amountIssue(issues, `yearTotals.topups.${f}.paid_fen`, yearTotals.topups[f]?.paid_fen);
    amountIssue(issues, `yearTotals.topups.${f}.base_fen`, yearTotals.topups[f]?.base_fen);
  }
  const seen = new Set<Fund>();
  input.topups.forEach((t, i) => {
    const path = `topups[${i}]`;
    const scheme = FUND_SCHEME[t.fund];
    if (scheme === undefined) issues.push({ path: `${path}.fund`, message: `is not a top-up fund: "${t.fund}"` });
    else if (scheme !== null && scheme !== eligibility.scheme) {
      issues.push({ path: `${path}.fund`, message: `${t.fund} belongs to the ${scheme} scheme, not to the person's ${eligibility.scheme} scheme` });
    }
    if (seen.has(t.fund)) issues.push({ path: `${path}.fund`, message: `${t.fund} is given twice` });
    seen.add(t.fund);
    amountIssue(issues, `${path}.threshold_fen`, t.threshold_fen);
    amountIssue(issues, `${path}.annual_cap_fen`, t.annual_cap_fen);
    bandIssues(issues, `${path}.bands`, t.bands);
  });
  if (eligibility.scheme !== 'employee' && eligibility.scheme !== 'resident') {
    issues.push({ path: 'eligibility.scheme', message: 'must be employee or resident' });
  }
  amountIssue(issues, 'account.balance_fen', account.balance_fen);
  if (account.use && eligibility.scheme !== 'employee') {
    issues.push({ path: 'account.use', message: 'only employees have a personal account to pay from' });
  }
  return { issues, totals };
}

// ---------------------------------------------------------------- settlement

function deductibleDue(d: Deductible, ordinal: number | undefined, paid: Fen): { due: Fen; zh: string; en: string } {
  switch (d.per) {
    case 'admission': {
      const first = ordinal === 1;
      const due = first ? d.first_fen : d.later_fen;
      return {
        due: fen(due),
        zh: `本年第 ${ordinal} 次住院起付标准 ${yuan(due)} 元`,
        en: `${first ? 'first admission' : `admission no. ${ordinal}`} of the year: deductible ${yuan(due)} yuan`,
      };
    }
    case 'year': {
      const due = leftOf(d.amount_fen, paid);
      return {
        due,
        zh: `年度起付标准 ${yuan(d.amount_fen)} 元，本年已付 ${yuan(paid)} 元`,
        en: `annual deductible ${yuan(d.amount_fen)} yuan, ${yuan(paid)} yuan already paid this year`,
      };
    }
    case 'none':
      return { due: ZERO, zh: '无起付标准', en: 'no deductible' };
  }
}

const BURDEN = { baseZh: '个人负担的政策范围内费用', baseEn: 'in-scope costs the person bears' };
const FUND_LABEL: Record<Fund, { zh: string; en: string; baseZh: string; baseEn: string }> = {
  hifob: { zh: '大额医疗费用补助', en: 'Large-amount subsidy', baseZh: '统筹基金最高支付限额以上费用', baseEn: "costs above the pooled fund's cap" },
  hifmi: { zh: '大病保险', en: 'Serious illness insurance', ...BURDEN },
  cvlserv: { zh: '公务员医疗补助', en: 'Civil servant subsidy', ...BURDEN },
  maf: { zh: '医疗救助', en: 'Medical assistance', ...BURDEN },
};

function eligible(fund: Fund, e: Eligibility): boolean {
  switch (fund) {
    case 'hifob':
      return e.scheme === 'employee';
    case 'hifmi':
      return e.scheme === 'resident';
    case 'cvlserv':
      return e.scheme === 'employee' && e.civil_servant;
    case 'maf':
      return e.assistance;
  }
}

interface TopUpOutcome {
  pay: Fen;
  capLeft: Fen;
  /** null when the visit adds nothing to the fund's base: nothing to tell */
  line: ExplanationLine | null;
}

/**
 * A top-up's payment on this visit's `base`: its bands apply to the year's base
 * above the threshold, so the visit pays on the slice from the base before to
 * the base after (the year pays the same however it is split into visits),
 * limited by the annual cap left and by what the person still bears.
 */
function payTopUp(t: TopUp, year: TopUpYear, base: Fen, burden: Fen): TopUpOutcome {
  const segs = segments(t.bands, 0);
  const from = Math.max(0, year.base_fen - t.threshold_fen);
  const to = Math.max(0, year.base_fen + base - t.threshold_fen);
  const banded = sub(bandedPay(segs, to), bandedPay(segs, from));
  const capLeft = leftOf(t.annual_cap_fen, year.paid_fen);
  const pay = min(min(banded, capLeft), burden);
  const label = FUND_LABEL[t.fund];
  const yearBase = yuan(year.base_fen + base);
  if (base === 0) return { pay, capLeft, line: null };
  if (to === 0) {
    return {
      pay,
      capLeft,
      line: {
        zh: `${label.zh}：本年累计 ${yearBase} 元，未超过起付标准 ${yuan(t.threshold_fen)} 元，不支付`,
        en: `${label.en}: ${yearBase} yuan this year, not above its threshold of ${yuan(t.threshold_fen)} yuan: nothing paid`,
      },
    };
  }
  const bands = describeBands(segs, from, to).join(' + ');
  const zhThreshold = t.threshold_fen > 0 ? `，本年累计 ${yearBase} 元，起付标准 ${yuan(t.threshold_fen)} 元` : '';
  const enThreshold = t.threshold_fen > 0 ? `, ${yearBase} yuan this year against a threshold of ${yuan(t.threshold_fen)} yuan` : '';
  const capped = pay < banded ? (pay === capLeft ? 'cap' : 'burden') : null;
  const zhCap = capped === 'cap' ? `，受年度限额剩余 ${yuan(capLeft)} 元所限` : capped === 'burden' ? '，以个人负担为限' : '';
  const enCap = capped === 'cap' ? `, limited by its annual cap left (${yuan(capLeft)} yuan)` : capped === 'burden' ? ', limited to what the person bears' : '';
  return {
    pay,
    capLeft,
    line: {
      zh: `${label.zh}（${label.baseZh} ${yuan(base)} 元${zhThreshold}）${bands} = ${yuan(banded)} 元${zhCap}，支付 ${yuan(pay)} 元`,
      en: `${label.en} (${label.baseEn}: ${yuan(base)} yuan${enThreshold}) ${bands} = ${yuan(banded)} yuan${enCap}: pays ${yuan(pay)} yuan`,
    },
  };
}

function detail(type: FundPayType, base: Fen, capLeft: Fen, pay: Fen, info: string): SetlDetail {
  return {
    fund_pay_type: type,
    inscp_scp_amt: base,
    crt_payb_lmt_amt: capLeft,
    fund_payamt: pay,
    fund_pay_type_name: FUND_PAY_TYPE_NAMES[type].zh,
    setl_proc_info: info,
  };
}

function copyYear(y: YearTotals): YearTotals {
  const topups = {} as Record<Fund, TopUpYear>;
  for (const f of FUND_ORDER) topups[f] = { paid_fen: y.topups[f].paid_fen, base_fen: y.topups[f].base_fen };
  return { deductible_paid_fen: y.deductible_paid_fen, pooled_paid_fen: y.pooled_paid_fen, topups };
}

/**
 * Settles a visit (policy.md, per visit, steps 1-6). Throws a validation
 * DomainError naming each bad input field; a negative bill is refused, since a
 * cancellation is `reverse` of the settlement it cancels.
 */
export function settle(input: SettlementInput): SettlementResult {
  const { issues, totals } = inputIssues(input);
  if (issues.length > 0 || totals === null) throw invalidMany(issues, 'the settlement input has errors');
  const { benefit, yearTotals: before, eligibility, account } = input;
  const explanation: ExplanationLine[] = [];

  const medfee = add(totals.fulamt_ownpay_fen, totals.overlmt_fen, totals.preselfpay_fen, totals.inscp_scp_fen);
  const inscp = totals.inscp_scp_fen;
  explanation.push({
    zh: `医疗费总额 ${yuan(medfee)} 元：全自费 ${yuan(totals.fulamt_ownpay_fen)} 元，超限价自费 ${yuan(totals.overlmt_fen)} 元，乙类先行自付 ${yuan(totals.preselfpay_fen)} 元，政策范围内 ${yuan(inscp)} 元`,
    en: `Total ${yuan(medfee)} yuan: fully self-paid ${yuan(totals.fulamt_ownpay_fen)}, above price caps ${yuan(totals.overlmt_fen)}, class-B first share ${yuan(totals.preselfpay_fen)}, in scope ${yuan(inscp)}`,
  });

  const deductible = deductibleDue(benefit.deductible, input.admissionOrdinal, before.deductible_paid_fen);
  const dedc = min(inscp, deductible.due);
  explanation.push({ zh: `起付线 ${yuan(dedc)} 元（${deductible.zh}）`, en: `Deductible ${yuan(dedc)} yuan (${deductible.en})` });

  const pooledType = POOLED_FUND_PAY_TYPE[eligibility.scheme];
  const eligibleAmount = sub(inscp, dedc);
  const segs = segments(benefit.bands, input.reduction_bp);
  const banded = bandedPay(segs, eligibleAmount);
  const poolCapLeft = leftOf(benefit.annual_cap_fen, before.pooled_paid_fen);
  const hifp = min(banded, poolCapLeft);
  // The eligible amount past the point where the pooled fund reached its cap: the large-amount subsidy's base.
  const withinCap = banded > poolCapLeft ? (amountPayingAtMost(segs, poolCapLeft) ?? eligibleAmount) : eligibleAmount;
  const beyondCap = sub(eligibleAmount, min(fen(withinCap), eligibleAmount));
  const poolSelf = sub(eligibleAmount, hifp);
  const points = percent(input.reduction_bp).slice(0, -1);
  const reduced =
    input.reduction_bp > 0 ? { zh: `（比例降低 ${points} 个百分点）`, en: ` (ratios ${points} percentage points lower)` } : { zh: '', en: '' };
  const capNote =
    hifp < banded
      ? { zh: `，年度最高支付限额剩余 ${yuan(poolCapLeft)} 元`, en: `, limited by the annual cap left (${yuan(poolCapLeft)} yuan)` }
      : { zh: '', en: '' };
  const bandText = describeBands(segs, 0, eligibleAmount).join(' + ');
  const pooledLine =
    eligibleAmount === 0
      ? { zh: '统筹基金：政策范围内费用未超过起付线，不支付', en: 'Pooled fund: nothing in scope above the deductible, nothing paid' }
      : {
          zh: `统筹基金 ${bandText} = ${yuan(banded)} 元${reduced.zh}${capNote.zh}，支付 ${yuan(hifp)} 元`,
          en: `Pooled fund ${bandText} = ${yuan(banded)} yuan${reduced.en}${capNote.en}: pays ${yuan(hifp)} yuan`,
        };
  explanation.push(pooledLine);
  const setldetail: SetlDetail[] = [detail(pooledType, eligibleAmount, poolCapLeft, hifp, pooledLine.zh)];

  const after = copyYear(before);
  after.deductible_paid_fen = add(before.deductible_paid_fen, dedc);
  after.pooled_paid_fen = add(before.pooled_paid_fen, hifp);

  const paid: Record<Fund, Fen> = { hifob: ZERO, hifmi: ZERO, cvlserv: ZERO, maf: ZERO };
  let burden = sub(inscp, hifp);
  for (const fund of FUND_ORDER) {
    const t = input.topups.find((x) => x.fund === fund);
    if (t === undefined || !eligible(fund, eligibility)) continue;
    const base = fund === 'hifob' ? min(beyondCap, burden) : burden;
    const year = before.topups[fund];
    const outcome = payTopUp(t, year, base, burden);
    if (outcome.line !== null) explanation.push(outcome.line);
    paid[fund] = outcome.pay;
    burden = sub(burden, outcome.pay);
    after.topups[fund] = { paid_fen: add(year.paid_fen, outcome.pay), base_fen: add(year.base_fen, base) };
    if (outcome.pay > 0) setldetail.push(detail(TOPUP_FUND_PAY_TYPE[fund], base, outcome.capLeft, outcome.pay, outcome.line!.zh));
  }

  const fundSum = add(hifp, paid.hifob, paid.hifmi, paid.cvlserv, paid.maf);
  const hospPart = ZERO;
  const psnPart = sub(medfee, add(fundSum, hospPart));
  const acctPay = account.use ? min(psnPart, account.balance_fen) : ZERO;
  const cash = sub(psnPart, acctPay);
  const balc = sub(account.balance_fen, acctPay);
  explanation.push(
    account.use
      ? {
          zh: `个人负担 ${yuan(psnPart)} 元：个人账户支付 ${yuan(acctPay)} 元（余额 ${yuan(balc)} 元），现金支付 ${yuan(cash)} 元`,
          en: `Personal share ${yuan(psnPart)} yuan: ${yuan(acctPay)} from the personal account (balance left ${yuan(balc)}), ${yuan(cash)} in cash`,
        }
      : { zh: `个人负担 ${yuan(psnPart)} 元，现金支付 ${yuan(cash)} 元`, en: `Personal share ${yuan(psnPart)} yuan, paid in cash` },
  );

  const setlinfo: SetlInfoAmounts = {
    medfee_sumamt: medfee,
    fulamt_ownpay_amt: totals.fulamt_ownpay_fen,
    overlmt_selfpay: totals.overlmt_fen,
    preselfpay_amt: totals.preselfpay_fen,
    inscp_scp_amt: inscp,
    act_pay_dedc: dedc,
    hifp_pay: hifp,
    pool_prop_selfpay: poolSelf,
    cvlserv_pay: paid.cvlserv,
    hifes_pay: ZERO,
    hifmi_pay: paid.hifmi,
    hifob_pay: paid.hifob,
    maf_pay: paid.maf,
    oth_pay: ZERO,
    fund_pay_sumamt: fundSum,
    psn_part_amt: psnPart,
    acct_pay: acctPay,
    psn_cash_pay: cash,
    hosp_part_amt: hospPart,
    balc,
  };
  return { setlinfo, setldetail, yearTotalsBefore: copyYear(before), yearTotalsAfter: after, explanation, reversal: false };
}

// ---------------------------------------------------------------- reversal

/**
 * The settlement that cancels `r`: every flow negated, the year totals swapped
 * back, the balance restored. `reverse(reverse(r))` is `r` again.
 */
export function reverse(r: SettlementResult): SettlementResult {
  const info = {} as SetlInfoAmounts;
  for (const key of Object.keys(r.setlinfo) as (keyof SetlInfoAmounts)[]) info[key] = neg(r.setlinfo[key]);
  // balc is a balance, not a flow: after the cancellation it is the balance before the original.
  info.balc = add(r.setlinfo.balc, r.setlinfo.acct_pay);
  return {
    setlinfo: info,
    setldetail: r.setldetail.map((d) => ({
      ...d,
      inscp_scp_amt: neg(d.inscp_scp_amt),
      fund_payamt: neg(d.fund_payamt),
      // what the fund could pay before the cancellation: its cap left after the original
      crt_payb_lmt_amt: sub(d.crt_payb_lmt_amt, d.fund_payamt),
    })),
    yearTotalsBefore: copyYear(r.yearTotalsAfter),
    yearTotalsAfter: copyYear(r.yearTotalsBefore),
    explanation: r.explanation.map((l) => ({ ...l })),
    reversal: !r.reversal,
  };
}

/**
 * The person's year totals after applying settlement `r`'s change to `current`.
 * A settlement computed on `current` gives its own `yearTotalsAfter`; a
 * cancellation of an older settlement, with later ones since, takes back only
 * its own share. Totals that would go negative mean the stored totals and the
 * settlement disagree: refused rather than clamped.
 */
export function applyYearDelta(current: YearTotals, r: SettlementResult): YearTotals {
  const { yearTotalsBefore: b, yearTotalsAfter: a } = r;
  const issues: FieldIssue[] = [];
  const step = (path: string, now: Fen, from: Fen, to: Fen): Fen => {
    const v = now + (to - from);
    if (v < 0) issues.push({ path, message: `would become ${v}: the stored year totals are below what this settlement takes back` });
    return fen(Math.max(0, v));
  };
  const next = copyYear(current);
  next.deductible_paid_fen = step('deductible_paid_fen', current.deductible_paid_fen, b.deductible_paid_fen, a.deductible_paid_fen);
  next.pooled_paid_fen = step('pooled_paid_fen', current.pooled_paid_fen, b.pooled_paid_fen, a.pooled_paid_fen);
  for (const f of FUND_ORDER) {
    next.topups[f] = {
      paid_fen: step(`topups.${f}.paid_fen`, current.topups[f].paid_fen, b.topups[f].paid_fen, a.topups[f].paid_fen),
      base_fen: step(`topups.${f}.base_fen`, current.topups[f].base_fen, b.topups[f].base_fen, a.topups[f].base_fen),
    };
  }
  if (issues.length > 0) throw new DomainError('conflict', `the year totals cannot take this settlement: ${issues[0]!.path} ${issues[0]!.message}`, issues);
  return next;
}

/** Year totals of a person with nothing settled yet this year. */
export function emptyYearTotals(): YearTotals {
  const none = (): TopUpYear => ({ paid_fen: ZERO, base_fen: ZERO });
  return { deductible_paid_fen: ZERO, pooled_paid_fen: ZERO, topups: { hifob: none(), hifmi: none(), cvlserv: none(), maf: none() } };
}
