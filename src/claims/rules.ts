import { addDays, addMonths } from '../core/clock.ts';
import { DomainError, invalid, invalidMany, type FieldIssue } from '../core/errors.ts';
import { formatYuan, mulQty, type Fen } from '../core/money.ts';
import type { ClaimRules, FilingKind, MedKind } from '../policy/model.ts';
import type { ExplanationLine } from '../settlement/model.ts';
import type {
  Checklist,
  ClaimAction,
  ClaimBasis,
  ClaimDocumentType,
  ClaimReason,
  ClaimStatus,
  MediaType,
  ProcessingClock,
  RequiredDocument,
} from './model.ts';

/** Pure decisions of manual reimbursement: no I/O, no clock (today is an argument). */

// ---------------------------------------------------------------- documents a case needs

export const DOCUMENT_LABELS: Record<ClaimDocumentType, ExplanationLine> = {
  invoice: { zh: '医疗费用发票', en: 'invoice' },
  fee_list: { zh: '费用明细清单', en: 'itemised fee list' },
  discharge_summary: { zh: '出院小结或病历', en: 'discharge summary or medical record' },
  diagnosis_certificate: { zh: '诊断证明书', en: 'diagnosis certificate' },
  emergency_certificate: { zh: '急诊抢救证明', en: 'emergency certificate' },
  referral_certificate: { zh: '转诊证明', en: 'referral certificate' },
  residence_proof: { zh: '异地居住（工作）证明', en: 'proof of residence (or work) in the treatment place' },
  bank_account: { zh: '本人银行账户（银行卡）', en: "the person's bank account (bank card)" },
  agent_id: { zh: '代办人身份证件', en: "the agent's ID" },
  other: { zh: '其他材料', en: 'other material' },
};

/**
 * What each reason needs when the insured place's policy says nothing
 * (`claims.documents`). A discharge summary is asked of inpatient claims only.
 */
export const DEFAULT_DOCUMENTS: Record<ClaimReason, readonly ClaimDocumentType[]> = {
  non_networked: ['invoice', 'fee_list', 'discharge_summary', 'diagnosis_certificate', 'bank_account'],
  not_filed: ['invoice', 'fee_list', 'discharge_summary', 'diagnosis_certificate', 'residence_proof', 'bank_account'],
  emergency_non_networked: ['invoice', 'fee_list', 'discharge_summary', 'diagnosis_certificate', 'emergency_certificate', 'bank_account'],
  chronic_outside_list: ['invoice', 'fee_list', 'diagnosis_certificate', 'bank_account'],
  system_failure: ['invoice', 'fee_list', 'discharge_summary', 'bank_account'],
};

export const REASON_LABELS: Record<ClaimReason, ExplanationLine> = {
  non_networked: { zh: '非联网定点医疗机构就医', en: 'treated at an institution without cross-regional settlement' },
  not_filed: { zh: '就医时未办理异地备案', en: 'not filed for the treatment place at the time' },
  emergency_non_networked: { zh: '在非联网医院急诊抢救', en: 'emergency at a hospital without cross-regional settlement' },
  chronic_outside_list: { zh: '门诊慢特病不在直接结算病种范围内', en: 'an outpatient chronic disease outside the directly settled list' },
  system_failure: { zh: '就医地系统故障未能直接结算', en: 'the desk could not settle because of a system failure' },
};

export interface DocumentCase {
  reason: ClaimReason;
  med_kind: MedKind;
  filing_kind: FilingKind | null;
  has_agent: boolean;
}

/**
 * The documents a case needs, each with why: the reason's list under the
 * insured place's rules (or the default), a discharge summary only for an
 * inpatient claim, a referral certificate for a referral filing, an emergency
 * certificate for an emergency, and the agent's ID when an agent files.
 */
export function requiredDocuments(c: DocumentCase, rules: ClaimRules | undefined): RequiredDocument[] {
  const configured = rules?.documents?.[c.reason];
  const listed = configured ?? DEFAULT_DOCUMENTS[c.reason];
  const source: ExplanationLine = configured
    ? { zh: `参保地对"${REASON_LABELS[c.reason].zh}"的报销要求`, en: `the insured place's list for "${REASON_LABELS[c.reason].en}"` }
    : { zh: `"${REASON_LABELS[c.reason].zh}"报销所需`, en: `needed for "${REASON_LABELS[c.reason].en}"` };
  const out: RequiredDocument[] = [];
  const add = (type: ClaimDocumentType, why: ExplanationLine) => {
    if (!out.some((d) => d.type === type)) out.push({ type, why });
  };
  for (const type of listed) {
    if (type === 'agent_id') continue;
    if (type === 'discharge_summary' && c.med_kind !== 'inpatient') continue;
    add(type, source);
  }
  if (c.filing_kind === 'referral') add('referral_certificate', { zh: '按转诊备案就医', en: 'treated under a referral filing' });
  if (c.reason === 'emergency_non_networked') add('emergency_certificate', { zh: '急诊抢救', en: 'an emergency' });
  if (c.has_agent) add('agent_id', { zh: '由他人代办', en: 'an agent files for the person' });
  return out;
}

/** The checklist: each required document, whether one of that type is uploaded, and the deadline. */
export function checklistOf(
  required: readonly RequiredDocument[],
  uploaded: readonly { id: number; doc_type: ClaimDocumentType }[],
  submitDeadline: string,
  today: string,
): Checklist {
  const items = required.map((r) => {
    const ids = uploaded.filter((d) => d.doc_type === r.type).map((d) => d.id);
    return { ...r, label: DOCUMENT_LABELS[r.type], provided: ids.length > 0, document_ids: ids };
  });
  const missing = items.filter((i) => !i.provided).map((i) => i.type);
  return { items, complete: missing.length === 0, missing, submit_deadline: submitDeadline, deadline_passed: today > submitDeadline };
}

/** The last day to submit: `months` after discharge (the insured place's `claim_submit_months`). */
export function submitDeadline(endDate: string, months: number): string {
  return addMonths(endDate, months);
}

/** The refusal of a submission after the deadline: the date it passed and whom to contact. */
export function deadlineRefusal(deadline: string, today: string, contact: ExplanationLine): DomainError | null {
  if (today <= deadline) return null;
  return new DomainError(
    'business_rule',
    `The deadline to submit this claim was ${deadline}; it passed on ${addDays(deadline, 1)}. A late claim can only be considered by the insured place's agency: contact ${contact.en}.`,
    [{ path: 'submit_deadline', message: `passed on ${addDays(deadline, 1)}` }],
    { submit_deadline: deadline, contact },
  );
}

/** Whom a person contacts about a claim: the medical insurance agency of their insured place. */
export function contactOf(insuredArea: string, areaName: string | null): ExplanationLine {
  const name = areaName ?? insuredArea;
  return { zh: `${name}医疗保障经办机构（${insuredArea}）`, en: `the medical insurance agency of ${name} (${insuredArea})` };
}

// ---------------------------------------------------------------- document content

const SIGNATURES: { type: MediaType; bytes: readonly number[] }[] = [
  { type: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
];

/** The type of a file from its first bytes (its name and declared type are not trusted), or null when it is none we take. */
export function detectMediaType(content: Uint8Array): MediaType | null {
  return SIGNATURES.find((s) => content.length >= s.bytes.length && s.bytes.every((b, i) => content[i] === b))?.type ?? null;
}

const sizeText = (bytes: number) => (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`);

/** Checks an upload: not empty, not over the limit (named), a PDF, JPEG or PNG by content, a usable name. */
export function checkDocument(d: { content: Uint8Array; file_name: string }, maxBytes: number): MediaType {
  if (d.content.length === 0) throw invalid('content', 'is empty: upload the scanned or photographed document');
  if (d.content.length > maxBytes) {
    throw new DomainError('validation', `content: the file is ${sizeText(d.content.length)}, over the limit of ${sizeText(maxBytes)} per document`, [
      { path: 'content', message: `is over the limit of ${sizeText(maxBytes)} (${maxBytes} bytes)` },
    ], { max_bytes: maxBytes });
  }
  const name = d.file_name.trim();
  if (name === '' || name.length > 200 || /[\u0000-\u001f/\\]/.test(name)) {
    throw invalid('file_name', 'must be a file name of 1–200 characters without slashes or control characters');
  }
  const type = detectMediaType(d.content);
  if (!type) throw invalid('content', 'is not a PDF, JPEG or PNG file (read from its content, not its name): scan or photograph the document as one of these');
  return type;
}

// ---------------------------------------------------------------- the case

export interface CoverageFacts {
  covered: boolean;
  filing: { kind: FilingKind; filing_no: string } | null;
}

/**
 * How direct settlement would have treated the case, from the person's
 * coverage on the admission day: a covering filing's kind, an emergency, the
 * insured place itself, or not filed (the reduced ratio for unfiled claims).
 * A "not filed" claim while a filing covered the day is refused: the reason
 * that applies is another one.
 */
export function basisOf(
  reason: ClaimReason,
  coverage: CoverageFacts,
  places: { insured: string; treatment: string; date: string },
): { basis: ClaimBasis; filing_kind: FilingKind | null; filing_no: string | null } {
  if (coverage.filing) {
    if (reason === 'not_filed') {
      throw invalid(
        'reason',
        `filing ${coverage.filing.filing_no} (${coverage.filing.kind}) covered ${places.treatment} on ${places.date}: choose the reason that kept the bill from being settled directly (non-networked institution, system failure, …)`,
      );
    }
    return { basis: 'filing', filing_kind: coverage.filing.kind, filing_no: coverage.filing.filing_no };
  }
  if (reason === 'emergency_non_networked') return { basis: 'emergency', filing_kind: null, filing_no: null };
  if (places.insured === places.treatment) return { basis: 'home', filing_kind: null, filing_no: null };
  return { basis: 'unfiled', filing_kind: null, filing_no: null };
}

/** "INV 0012-a" → "INV0012-A": one invoice is one number however it is typed. */
export function normaliseInvoice(s: string): string {
  return s.replace(/\s+/g, '').toUpperCase();
}

// ---------------------------------------------------------------- states

const TRANSITIONS: Record<ClaimAction, { from: readonly ClaimStatus[]; to: ClaimStatus }> = {
  submit: { from: ['draft'], to: 'submitted' },
  answer: { from: ['more_documents_requested'], to: 'submitted' },
  request_documents: { from: ['submitted'], to: 'more_documents_requested' },
  approve: { from: ['submitted'], to: 'approved' },
  partly_approve: { from: ['submitted'], to: 'partly_approved' },
  reject: { from: ['submitted'], to: 'rejected' },
  pay: { from: ['approved', 'partly_approved'], to: 'paid' },
};

const ACTION_WORDS: Record<ClaimAction, string> = {
  submit: 'submitted',
  answer: 'answered',
  request_documents: 'asked for more documents',
  approve: 'approved',
  partly_approve: 'partly approved',
  reject: 'rejected',
  pay: 'paid',
};

/** The status after `action`, or a business-rule refusal saying what the claim's status allows. */
export function nextStatus(from: ClaimStatus, action: ClaimAction, claimId: number): ClaimStatus {
  const t = TRANSITIONS[action];
  if (t.from.includes(from)) return t.to;
  const allowed = (Object.keys(TRANSITIONS) as ClaimAction[]).filter((a) => TRANSITIONS[a].from.includes(from)).map((a) => ACTION_WORDS[a]);
  throw new DomainError(
    'business_rule',
    `claim ${claimId} is ${from.replaceAll('_', ' ')}: it cannot be ${ACTION_WORDS[action]} now${allowed.length > 0 ? ` (it can be ${allowed.join(', ')})` : ''}.`,
  );
}

/** Draft and more-documents claims are the person's to change; the rest are with the agency or done. */
export function editable(status: ClaimStatus): boolean {
  return status === 'draft' || status === 'more_documents_requested';
}

// ---------------------------------------------------------------- the review clock

const isWeekend = (date: string) => {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 || day === 6;
};

/** Working days (Monday to Friday) after `from` up to and including `to`; 0 when `to` is not after `from`. */
export function workingDaysBetween(from: string, to: string): number {
  let n = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (!isWeekend(d)) n++;
  return n;
}

/** The `n`th working day after `date` (`date` itself when n is 0). */
export function addWorkingDays(date: string, n: number): string {
  let d = date;
  for (let left = n; left > 0; ) {
    d = addDays(d, 1);
    if (!isWeekend(d)) left--;
  }
  return d;
}

/**
 * The clock when the agency gets the claim (submitted or answered): it runs
 * from today with what is left of the limit; a request for documents stops it.
 */
export function clockStarts(usedDays: number, limitDays: number, today: string): { clock_since: string; due_date: string } {
  return { clock_since: today, due_date: addWorkingDays(today, Math.max(0, limitDays - usedDays)) };
}

/** The working days used once the agency's turn ends today. */
export function clockStops(usedDays: number, since: string, today: string): number {
  return usedDays + workingDaysBetween(since, today);
}

export function processingClock(
  c: { process_limit_days: number | null; clock_used_days: number; clock_since: string | null; due_date: string | null },
  today: string,
): ProcessingClock | null {
  if (c.process_limit_days === null) return null;
  const running = c.clock_since !== null;
  const used = running ? clockStops(c.clock_used_days, c.clock_since!, today) : c.clock_used_days;
  return { limit_days: c.process_limit_days, used_days: used, due_date: c.due_date, overdue: used > c.process_limit_days, running };
}

// ---------------------------------------------------------------- fee lines

const QTY = /^(\d{1,9})(?:\.(\d{1,4}))?$/;

/** A positive quantity with up to 4 decimals, as ten-thousandths. */
export function parseQty(v: number | string, path: string): number {
  const text = typeof v === 'number' ? (Number.isFinite(v) ? (String(v).includes('e') ? v.toFixed(10).replace(/\.?0+$/, '') : String(v)) : '') : v.trim();
  const m = QTY.exec(text);
  if (!m) {
    if (/^\d+\.\d{5,}$/.test(text)) return fail(path, `has more than 4 decimals: "${text}"`);
    return fail(path, `must be a positive quantity such as 2 or 0.5, got "${String(v).slice(0, 20)}"`);
  }
  const n = Number(m[1]) * 10000 + Number((m[2] ?? '').padEnd(4, '0'));
  if (n === 0) return fail(path, 'must not be 0');
  return n;
}

function fail(path: string, message: string): never {
  throw invalid(path, message);
}

/** Every problem with fee lines a person entered: each amount must be price × quantity, as the itemised list shows it. */
export function lineIssues(lines: readonly { price_fen: Fen; qty: number | string; amount_fen: Fen; name: string; hilist_code?: string }[]): { issues: FieldIssue[]; qty_e4: number[] } {
  const issues: FieldIssue[] = [];
  const qtys: number[] = [];
  if (lines.length === 0) issues.push({ path: 'lines', message: 'must hold at least one fee line (or enter the totals by class)' });
  lines.forEach((l, i) => {
    const path = `lines[${i}]`;
    if (l.name.trim() === '') issues.push({ path: `${path}.name`, message: 'must name the item as the fee list does' });
    if (l.hilist_code !== undefined && !/^[A-Za-z0-9.-]{1,50}$/.test(l.hilist_code)) issues.push({ path: `${path}.hilist_code`, message: 'must be a catalogue code of letters and digits' });
    let qty: number | null = null;
    try {
      qty = parseQty(l.qty, `${path}.qty`);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      issues.push(...err.issues);
    }
    qtys.push(qty ?? 0);
    if (qty !== null && Number.isSafeInteger(l.price_fen) && Number.isSafeInteger(l.amount_fen)) {
      const expected = mulQty(l.price_fen, qty);
      if (expected !== l.amount_fen) {
        issues.push({ path: `${path}.amount_fen`, message: `must be price × quantity rounded to the fen: ${formatYuan(expected)} yuan (got ${formatYuan(l.amount_fen)})` });
      }
    }
    if (l.amount_fen <= 0) issues.push({ path: `${path}.amount_fen`, message: 'must be more than 0' });
  });
  return { issues, qty_e4: qtys };
}

/** The class totals must bill something. */
export function classTotalsIssues(c: { classA_fen: Fen; classB_fen: Fen; classC_fen: Fen }): FieldIssue[] {
  return c.classA_fen + c.classB_fen + c.classC_fen > 0 ? [] : [{ path: 'classes', message: 'must bill more than 0 in total' }];
}

export function requireNoIssues(issues: FieldIssue[], summary: string): void {
  if (issues.length > 0) throw invalidMany(issues, summary);
}
