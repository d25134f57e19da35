import { shanghaiInstant } from '../core/clock.ts';
import { DomainError, invalid } from '../core/errors.ts';
import { fen, formatYuan, mulQty, type Fen } from '../core/money.ts';
import type { Coverage, FilingKind } from '../filing/model.ts';
import type { ChronicDisease } from '../reference/model.ts';
import { CHRONIC_MED_TYPE, EMERGENCY_MED_TYPES, type Diagnosis, type DiagnosisInput, type FeeParts, type VisitKind } from './model.ts';

/** Pure decisions about visits and fee lines: no I/O, no clock. */

const TIME = /^(\d{4})-?(\d{2})-?(\d{2})(?:[ T]?(\d{2}):?(\d{2})(?::?(\d{2}))?)?$/;

/**
 * A time the HIS writes in Beijing time: `yyyy-MM-dd HH:mm:ss` (also
 * `yyyy-MM-ddTHH:mm:ss`, `yyyyMMddHHmmss`, or a date alone for midnight).
 */
export function parseHisTime(v: string, path: string): Date {
  const m = TIME.exec(v.trim());
  const at = m && shanghaiInstant(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  if (!at) throw invalid(path, `must be a time written yyyy-MM-dd HH:mm:ss (got "${v.slice(0, 25)}")`);
  return at;
}

const QTY = /^(-)?(\d{1,9})(?:\.(\d{1,4}))?$/;

/** cnt as ten-thousandths, read exactly from a JSON number or string (at most 4 decimals). */
export function parseQty(v: number | string, path: string): number {
  const text = typeof v === 'number' ? (Number.isFinite(v) ? (String(v).includes('e') ? v.toFixed(10).replace(/0+$/, '') : String(v)) : '') : v.trim();
  const m = QTY.exec(text);
  if (!m) {
    if (/^-?\d+\.\d{5,}$/.test(text)) throw invalid(path, `has more than 4 decimals: "${text}"`);
    throw invalid(path, `must be a quantity such as 2 or 0.5 (negative on a refund line), got "${String(v).slice(0, 20)}"`);
  }
  const n = Number(m[2]) * 10000 + Number((m[3] ?? '').padEnd(4, '0'));
  if (n === 0) throw invalid(path, 'must not be 0');
  return m[1] ? -n : n;
}

/** The line amount must be pric × cnt, half-up to the fen: what the HIS billed is what is classified. */
export function lineAmountProblem(amount: Fen, price: Fen, qtyE4: number): string | null {
  const expected = mulQty(price, qtyE4);
  return expected === amount ? null : `must be pric × cnt rounded to the fen: ${formatYuan(expected)} (got ${formatYuan(amount)})`;
}

/** The visit kind a med_type belongs to: 2x and 52 are admissions, 4x pharmacy purchases, the rest outpatient. */
export function visitKindOf(medType: string): VisitKind {
  if (medType.startsWith('2') || medType === '52') return 'inpatient';
  if (medType.startsWith('4')) return 'pharmacy';
  return 'outpatient';
}

/** The med_type a visit starts with when the HIS sends none (2201 has none: 2203 sets it). */
export function defaultMedType(kind: VisitKind): string | null {
  return kind === 'outpatient' ? '11' : kind === 'pharmacy' ? '41' : null;
}

export function isEmergency(medType: string, declared: boolean): boolean {
  return declared || EMERGENCY_MED_TYPES.includes(medType);
}

/** The chronic disease of a med_type 14 visit: opsp_dise_code, or dise_codg when the HIS puts the disease code there. */
export function chronicCodeOf(v: { opsp_dise_code?: string | null; dise_codg?: string | null }, known: ReadonlySet<string>): string | null {
  if (v.opsp_dise_code) return v.opsp_dise_code;
  return v.dise_codg && known.has(v.dise_codg) ? v.dise_codg : null;
}

export interface EligibilityFacts {
  visitKind: VisitKind;
  medType: string;
  declaredEmergency: boolean;
  /** the institution's pooling area */
  area: string;
  date: string;
  institution: { name: string; status: string; services: readonly string[]; chronic_diseases: readonly string[] };
  coverage: Coverage;
  /** for med_type 14: the disease and whether the person holds a qualification for it on the date */
  chronic?: { code: string; disease: ChronicDisease | null; qualified: boolean };
}

export interface Eligibility {
  filing_no: string | null;
  filing_kind: FilingKind | null;
  emergency: boolean;
}

const SERVICE_NAMES: Record<VisitKind, string> = { inpatient: 'inpatient', outpatient: 'general outpatient', pharmacy: 'pharmacy purchase' };

const refuse = (message: string) => new DomainError('business_rule', message);

/**
 * May this visit be settled directly here? The institution must have the
 * service open, the visit must be covered (a filing, an emergency, or the
 * insured place itself), and an outpatient chronic disease visit must be for a
 * directly settled disease the institution treats and the person is qualified
 * for. Each refusal tells the desk what to do instead.
 */
export function decideEligibility(f: EligibilityFacts): Eligibility {
  if (f.institution.status !== 'active') {
    throw refuse(`${f.institution.name} is suspended from cross-regional direct settlement: settle in full and the person claims at home.`);
  }
  if (!f.institution.services.includes(f.visitKind)) {
    throw refuse(`${f.institution.name} has no cross-regional ${SERVICE_NAMES[f.visitKind]} service open: settle in full and the person claims at home.`);
  }
  if (f.medType === CHRONIC_MED_TYPE) {
    const c = f.chronic;
    if (!c) throw invalid('opsp_dise_code', 'is required for med_type 14: the chronic or special disease code, e.g. M03900');
    if (!c.disease) throw invalid('opsp_dise_code', `${c.code} is not a known chronic or special disease code`);
    const name = `${c.code} ${c.disease.name_zh}`;
    if (!c.disease.cross_province) {
      throw refuse(`${name} is not a chronic disease settled directly across regions: settle this visit in full for manual reimbursement at the insured place (not as general outpatient).`);
    }
    if (!f.institution.chronic_diseases.includes(c.code)) {
      throw refuse(`${f.institution.name} does not settle ${name} directly: settle in full for manual reimbursement, or send the patient to an institution that does.`);
    }
    if (!c.qualified) {
      throw refuse(`the person holds no qualification for ${name} from the insured place on ${f.date}: settle in full for manual reimbursement until the insured place grants it.`);
    }
  }
  const emergency = f.medType !== CHRONIC_MED_TYPE && isEmergency(f.medType, f.declaredEmergency);
  if (f.coverage.covered) return { filing_no: f.coverage.filing?.filing_no ?? null, filing_kind: f.coverage.filing?.kind ?? null, emergency: false };
  if (emergency && f.coverage.emergency_only) return { filing_no: null, filing_kind: null, emergency: true };
  if (!f.coverage.emergency_only) throw refuse(`${f.coverage.reason}.`);
  throw refuse(`no filing covers ${f.area} for this person: settle in full and the person claims at home, or file late before discharge.`);
}

/** Diagnoses as stored: the main flag and the order number default from the order sent. */
export function normaliseDiagnoses(list: readonly DiagnosisInput[], path: string, parseTime: (v: string, p: string) => Date) {
  return list.map((d, i): Omit<Diagnosis, 'diag_time'> & { diag_time: Date | null } => {
    const flag = d.maindiag_flag ?? (i === 0 ? '1' : '0');
    if (flag !== '0' && flag !== '1') throw invalid(`${path}[${i}].maindiag_flag`, 'must be 1 (main diagnosis) or 0');
    return {
      diag_type: d.diag_type,
      maindiag_flag: flag,
      diag_srt_no: d.diag_srt_no ?? i + 1,
      diag_code: d.diag_code,
      diag_name: d.diag_name,
      adm_cond: d.adm_cond ?? null,
      diag_dept: d.diag_dept ?? null,
      dise_dor_no: d.dise_dor_no ?? null,
      dise_dor_name: d.dise_dor_name ?? null,
      diag_time: d.diag_time ? parseTime(d.diag_time, `${path}[${i}].diag_time`) : null,
    };
  });
}

/** What is left of a line after its refunds: quantity, amount and each part. */
export interface Remainder extends FeeParts {
  qty_e4: number;
  amount_fen: Fen;
}

export function remainderAfter(original: FeeParts & { qty_e4: number; det_item_fee_sumamt_fen: Fen }, refunds: readonly (FeeParts & { qty_e4: number; det_item_fee_sumamt_fen: Fen })[]): Remainder {
  const r: Remainder = {
    qty_e4: original.qty_e4,
    amount_fen: original.det_item_fee_sumamt_fen,
    fulamt_ownpay_fen: original.fulamt_ownpay_fen,
    overlmt_fen: original.overlmt_fen,
    preselfpay_fen: original.preselfpay_fen,
    inscp_scp_fen: original.inscp_scp_fen,
  };
  for (const x of refunds) applyRefund(r, x);
  return r;
}

export function applyRefund(r: Remainder, x: FeeParts & { qty_e4: number; det_item_fee_sumamt_fen: Fen }): void {
  r.qty_e4 += x.qty_e4;
  r.amount_fen = fen(r.amount_fen + x.det_item_fee_sumamt_fen);
  r.fulamt_ownpay_fen = fen(r.fulamt_ownpay_fen + x.fulamt_ownpay_fen);
  r.overlmt_fen = fen(r.overlmt_fen + x.overlmt_fen);
  r.preselfpay_fen = fen(r.preselfpay_fen + x.preselfpay_fen);
  r.inscp_scp_fen = fen(r.inscp_scp_fen + x.inscp_scp_fen);
}

/** Why a refund of `qty_e4`/`amount` (both ≤ 0) cannot come off `left`, or null. */
export function refundProblem(left: Remainder, qtyE4: number, amount: Fen): { field: 'cnt' | 'det_item_fee_sumamt'; message: string } | null {
  if (qtyE4 >= 0) return { field: 'cnt', message: 'must be negative on a refund line (init_feedetl_sn is given)' };
  if (-qtyE4 > left.qty_e4) return { field: 'cnt', message: `refunds more than is left of the original line (${left.qty_e4 / 10000})` };
  if (-amount > left.amount_fen) return { field: 'det_item_fee_sumamt', message: `refunds more than is left of the original line (${formatYuan(left.amount_fen)})` };
  return null;
}

/** A refund that takes everything left of its line takes exactly its remaining parts, so the line nets to zero in each. */
export function takesAll(left: Remainder, qtyE4: number, amount: Fen): boolean {
  return -qtyE4 === left.qty_e4 && -amount === left.amount_fen;
}
