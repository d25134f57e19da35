import type { Fen } from '../core/money.ts';
import type { ClaimDocumentType, ClaimReason, FilingKind, MedKind } from '../policy/model.ts';
import type { ExplanationLine, FeeParts, SetlDetail, SetlInfoAmounts, SettlementTerms, YearTotals } from '../settlement/model.ts';

/**
 * Manual reimbursement (手工报销): a treatment that was not settled directly,
 * claimed from the insured place. The person (or their agent) enters the case,
 * uploads the papers the checklist asks for and the bill, sees the engine's
 * estimate and submits; the insured place's agency reviews, decides and pays.
 */

export type { ClaimDocumentType, ClaimReason };

export const CLAIM_REASONS = ['non_networked', 'not_filed', 'emergency_non_networked', 'chronic_outside_list', 'system_failure'] as const satisfies readonly ClaimReason[];

export const DOCUMENT_TYPES = [
  'invoice',
  'fee_list',
  'discharge_summary',
  'diagnosis_certificate',
  'emergency_certificate',
  'referral_certificate',
  'residence_proof',
  'bank_account',
  'agent_id',
  'other',
] as const satisfies readonly ClaimDocumentType[];

export const CLAIM_STATUSES = ['draft', 'submitted', 'more_documents_requested', 'approved', 'partly_approved', 'rejected', 'paid'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

/** What moves a claim from one status to another, and who may do it (rules.ts `nextStatus`). */
export type ClaimAction = 'submit' | 'answer' | 'request_documents' | 'approve' | 'partly_approve' | 'reject' | 'pay';

/** How direct settlement would have treated the case, which decides the ratio reduction (as a settlement's basis). */
export type ClaimBasis = 'filing' | 'emergency' | 'home' | 'unfiled';

export const MEDIA_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

/** Someone filing for the person. With `psn_no` (their own Yidi account) they may act on the claim. */
export interface ClaimAgent {
  name: string;
  certno: string;
  relation: string;
  psn_no: string | null;
}

/** The case as the person describes it: what a new claim or a changed draft sends. */
export interface ClaimInput {
  psn_no: string;
  /** the scheme; the person's basic scheme of their main insured area when absent */
  insutype?: string;
  reason: ClaimReason;
  med_kind: MedKind;
  /** required for med_kind chronic */
  disease_code?: string;
  /** the treatment pooling area */
  mdtrtarea_admvs: string;
  /** when the institution is a designated one Yidi knows */
  institution_code?: string;
  institution_name: string;
  /** the institution's level; taken from Yidi's record when institution_code is known */
  level?: 1 | 2 | 3;
  begin_date: string;
  end_date: string;
  invoice_no: string;
  agent?: { name: string; certno: string; relation: string; psn_no?: string };
}

export interface Claim {
  id: number;
  psn_no: string;
  psn_name: string;
  insutype: string;
  insuplc_admdvs: string;
  reason: ClaimReason;
  med_kind: MedKind;
  disease_code: string | null;
  mdtrtarea_admvs: string;
  institution_code: string | null;
  institution_name: string;
  level: 1 | 2 | 3;
  begin_date: string;
  end_date: string;
  invoice_no: string;
  basis: ClaimBasis;
  filing_kind: FilingKind | null;
  filing_no: string | null;
  agent: ClaimAgent | null;
  status: ClaimStatus;
  /** the last day to submit (yyyy-MM-dd) */
  submit_deadline: string;
  process_limit_days: number | null;
  clock_used_days: number;
  /** the first day of the agency's current turn with the claim (while submitted) */
  clock_since: string | null;
  /** the day the processing limit is reached (while submitted) */
  due_date: string | null;
  first_submitted_at: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** One document the case needs, and why. */
export interface RequiredDocument {
  type: ClaimDocumentType;
  why: ExplanationLine;
}

export interface ChecklistItem extends RequiredDocument {
  label: ExplanationLine;
  provided: boolean;
  document_ids: number[];
}

export interface Checklist {
  items: ChecklistItem[];
  complete: boolean;
  /** the types still missing */
  missing: ClaimDocumentType[];
  submit_deadline: string;
  /** whether the deadline has passed today (a claim already submitted in time is not affected) */
  deadline_passed: boolean;
}

export interface ClaimDocument {
  id: number;
  claim_id: number;
  doc_type: ClaimDocumentType;
  file_name: string;
  media_type: MediaType;
  size_bytes: number;
  sha256: string;
  uploaded_by: string;
  uploaded_at: string;
}

/** A fee line as the person copies it from the itemised list. */
export interface ClaimLineInput {
  /** the national catalogue code (医保目录编码), when the list shows it */
  hilist_code?: string;
  name: string;
  /** unit price */
  price_fen: Fen;
  /** quantity, up to 4 decimals */
  qty: number | string;
  amount_fen: Fen;
}

/** The totals by catalogue class, when no itemised list is at hand. */
export interface ClassTotalsInput {
  classA_fen: Fen;
  classB_fen: Fen;
  classC_fen: Fen;
}

export type BillInput = { lines: ClaimLineInput[] } | { classes: ClassTotalsInput };

export interface ClassifiedClaimLine extends FeeParts {
  hilist_code: string | null;
  name: string;
  price_fen: Fen;
  qty_e4: number;
  amount_fen: Fen;
  /** false when the code is absent or not in the catalogue: fully self-paid until the agency corrects it */
  listed: boolean;
  chrgitm_lv: '01' | '02' | '03';
}

export interface ClaimBill {
  id: number;
  claim_id: number;
  kind: 'lines' | 'classes';
  lines: ClassifiedClaimLine[];
  classes: ClassTotalsInput | null;
  catalogue_province: string;
  class_b_share_bp: number | null;
  totals: FeeParts;
  medfee_sumamt_fen: Fen;
  entered_by: string;
  created_at: string;
}

/** What the engine computes for a claim's bill: what the funds reimburse and what stays with the person. */
export interface ClaimComputation {
  terms: SettlementTerms;
  amounts: SetlInfoAmounts;
  setldetail: SetlDetail[];
  explanation: ExplanationLine[];
  year_totals_before: YearTotals;
  year_totals_after: YearTotals;
}

export interface ClaimEstimate extends ClaimComputation {
  bill_id: number;
  /** what the funds would reimburse */
  reimbursement_fen: Fen;
  assumptions: ExplanationLine[];
}

export interface ClaimDecision {
  id: number;
  decision: 'approved' | 'partly_approved' | 'rejected';
  bill_id: number | null;
  reason: string | null;
  amounts: SetlInfoAmounts | null;
  explanation: ExplanationLine[] | null;
  reimbursement_fen: Fen | null;
  decided_by: string;
  decided_at: string;
}

export interface ClaimPayment extends ClaimComputation {
  decision_id: number;
  reimbursement_fen: Fen;
  payment_ref: string;
  business_date: string;
  paid_by: string;
  paid_at: string;
}

export interface ClaimEvent {
  id: number;
  at: string;
  actor: string;
  from_status: ClaimStatus | null;
  to_status: ClaimStatus;
  message: string | null;
  detail: Record<string, unknown> | null;
}

/** The review clock against the insured place's processing limit, in working days (weekends excluded). */
export interface ProcessingClock {
  limit_days: number;
  used_days: number;
  /** while the agency has the claim: the day the limit is reached */
  due_date: string | null;
  overdue: boolean;
  /** false while the person is answering a request, or once decided */
  running: boolean;
}

export interface ClaimDetail extends Claim {
  checklist: Checklist;
  documents: ClaimDocument[];
  bill: ClaimBill | null;
  decision: ClaimDecision | null;
  payment: ClaimPayment | null;
  events: ClaimEvent[];
  clock: ProcessingClock | null;
  /** whom to contact about the claim */
  contact: ExplanationLine;
}

/** A claim as the review queue and "my claims" list it. */
export interface ClaimSummary extends Claim {
  medfee_sumamt_fen: Fen | null;
  clock: ProcessingClock | null;
}
