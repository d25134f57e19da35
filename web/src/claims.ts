import { api, withQuery, type Bilingual, type FilingKind, type MedKind, type SetlDetail, type SetlInfo, type SettlementTerms } from './api.ts';
import type { MessageKey } from './i18n.tsx';

/**
 * Manual reimbursement (手工报销) as the portal sees it: the shapes of
 * src/claims/routes.ts, and the little the pages need to ask the right
 * questions. The rules (checklist, deadline, basis, amounts) are the server's.
 */

export const CLAIM_REASONS = ['non_networked', 'not_filed', 'emergency_non_networked', 'chronic_outside_list', 'system_failure'] as const;
export type ClaimReason = (typeof CLAIM_REASONS)[number];

export const CLAIM_STATUSES = ['draft', 'submitted', 'more_documents_requested', 'approved', 'partly_approved', 'rejected', 'paid'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

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
] as const;
export type DocType = (typeof DOCUMENT_TYPES)[number];

/** What the server reads a document's content as; anything else is refused. */
export const MEDIA_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export const FILE_ACCEPT = '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png';

export type ClaimBasis = 'filing' | 'emergency' | 'home' | 'unfiled';

export interface ClaimAgent {
  name: string;
  certno: string;
  relation: string;
  psn_no: string | null;
}

/** The case as the person describes it (POST /api/claims, /api/claims/preview). */
export interface ClaimCase {
  psn_no: string;
  insutype?: string;
  reason: ClaimReason;
  med_kind: MedKind;
  disease_code?: string;
  mdtrtarea_admvs: string;
  institution_code?: string;
  institution_name: string;
  level?: 1 | 2 | 3;
  begin_date: string;
  end_date: string;
  invoice_no: string;
  agent?: { name: string; certno: string; relation: string; psn_no?: string };
}

export interface ProcessingClock {
  limit_days: number;
  used_days: number;
  due_date: string | null;
  overdue: boolean;
  running: boolean;
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
  level: number;
  begin_date: string;
  end_date: string;
  invoice_no: string;
  basis: ClaimBasis;
  filing_kind: FilingKind | null;
  filing_no: string | null;
  agent: ClaimAgent | null;
  status: ClaimStatus;
  submit_deadline: string;
  process_limit_days: number | null;
  clock_used_days: number;
  clock_since: string | null;
  due_date: string | null;
  first_submitted_at: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  clock: ProcessingClock | null;
}

export interface ClaimSummary extends Claim {
  medfee_sumamt_fen: number | null;
}

export interface ClaimPage {
  items: ClaimSummary[];
  total: number;
  page: number;
  page_size: number;
}

export interface ChecklistItem {
  type: DocType;
  label: Bilingual;
  why: Bilingual;
  provided: boolean;
  document_ids: number[];
}

export interface Checklist {
  items: ChecklistItem[];
  complete: boolean;
  missing: DocType[];
  submit_deadline: string;
  deadline_passed: boolean;
}

export interface ClaimDocument {
  id: number;
  claim_id: number;
  doc_type: DocType;
  file_name: string;
  media_type: (typeof MEDIA_TYPES)[number];
  size_bytes: number;
  sha256: string;
  uploaded_by: string;
  uploaded_at: string;
}

export interface BillLine {
  hilist_code: string | null;
  name: string;
  price_fen: number;
  qty_e4: number;
  amount_fen: number;
  listed: boolean;
  chrgitm_lv: '01' | '02' | '03';
  fulamt_ownpay_fen: number;
  overlmt_fen: number;
  preselfpay_fen: number;
  inscp_scp_fen: number;
}

export interface ClassTotals {
  classA_fen: number;
  classB_fen: number;
  classC_fen: number;
}

export interface ClaimBill {
  id: number;
  claim_id: number;
  kind: 'lines' | 'classes';
  lines: BillLine[];
  classes: ClassTotals | null;
  catalogue_province: string;
  class_b_share_bp: number | null;
  totals: { fulamt_ownpay_fen: number; overlmt_fen: number; preselfpay_fen: number; inscp_scp_fen: number };
  medfee_sumamt_fen: number;
  entered_by: string;
  created_at: string;
}

/** What PUT /api/claims/{id}/bill and a partial approval send. */
export type BillInput = { lines: { hilist_code?: string; name: string; price_fen: number; qty: string; amount_fen: number }[] } | { classes: ClassTotals };

export interface ClaimTerms extends Omit<SettlementTerms, 'level'> {
  level: number;
}

export interface ClaimComputation {
  terms: ClaimTerms;
  amounts: SetlInfo;
  setldetail: SetlDetail[];
  explanation: Bilingual[];
}

export interface ClaimEstimate extends ClaimComputation {
  bill_id: number;
  reimbursement_fen: number;
  assumptions: Bilingual[];
}

export interface ClaimDecision {
  id: number;
  decision: 'approved' | 'partly_approved' | 'rejected';
  bill_id: number | null;
  reason: string | null;
  amounts: SetlInfo | null;
  explanation: Bilingual[] | null;
  reimbursement_fen: number | null;
  decided_by: string;
  decided_at: string;
}

export interface ClaimPayment extends ClaimComputation {
  decision_id: number;
  reimbursement_fen: number;
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

export interface ClaimDetail extends Claim {
  checklist: Checklist;
  documents: ClaimDocument[];
  bill: ClaimBill | null;
  decision: ClaimDecision | null;
  payment: ClaimPayment | null;
  events: ClaimEvent[];
  contact: Bilingual;
  /** the largest document the platform accepts */
  document_max_bytes: number;
}

export interface ClaimPreview {
  basis: ClaimBasis;
  filing_kind: FilingKind | null;
  filing_no: string | null;
  checklist: Checklist;
  contact: Bilingual;
  reduction_bp: number;
}

export type Decision =
  | { decision: 'approve'; message?: string }
  | { decision: 'partly_approve'; reason: string; bill: BillInput }
  | { decision: 'reject'; reason: string }
  | { decision: 'request_documents'; message: string; documents: DocType[] };

export const claimPath = (id: number) => `/claims/${id}`;
export const reviewPath = (id: number) => `/claim-review/${id}`;
export const documentUrl = (claimId: number, documentId: number) => `/api/claims/${claimId}/documents/${documentId}`;

/** Draft and more-documents claims are the person's to change; the rest are with the agency or done (as src/claims/rules.ts `editable`). */
export function editable(status: ClaimStatus): boolean {
  return status === 'draft' || status === 'more_documents_requested';
}

export function statusTone(status: ClaimStatus): 'neutral' | 'info' | 'warn' | 'good' | 'bad' {
  switch (status) {
    case 'draft':
      return 'neutral';
    case 'submitted':
      return 'info';
    case 'more_documents_requested':
      return 'warn';
    case 'approved':
    case 'partly_approved':
    case 'paid':
      return 'good';
    case 'rejected':
      return 'bad';
  }
}

/** The types the agency asked for in its latest request, while the request stands. */
export function requestedDocuments(c: Pick<ClaimDetail, 'status' | 'events'>): { message: string | null; documents: DocType[]; at: string } | null {
  if (c.status !== 'more_documents_requested') return null;
  const request = c.events.filter((e) => e.to_status === 'more_documents_requested').at(-1);
  if (!request) return null;
  const asked = Array.isArray(request.detail?.documents) ? (request.detail.documents as DocType[]) : [];
  return { message: request.message, documents: asked, at: request.at };
}

/**
 * Sends a file as the raw body. The server reads the type from the content;
 * a type the browser does not know (or names otherwise) goes as octet-stream,
 * so the refusal is the server's own about the content.
 */
export function uploadDocument(claimId: number, docType: DocType, file: File): Promise<ClaimDocument> {
  const known = (MEDIA_TYPES as readonly string[]).includes(file.type);
  const body = known ? file : new Blob([file], { type: 'application/octet-stream' });
  return api.upload<ClaimDocument>(withQuery(`/api/claims/${claimId}/documents`, { doc_type: docType, file_name: file.name }), body);
}

/** The size of a document in words: "312 KB", "1.5 MB" (display only). */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  const tenths = Math.round((bytes * 10) / (1024 * 1024));
  return tenths % 10 === 0 ? `${tenths / 10} MB` : `${Math.trunc(tenths / 10)}.${tenths % 10} MB`;
}

const QTY = /^(\d{1,9})(?:\.(\d{1,4}))?$/;

/** A quantity with up to 4 decimals as ten-thousandths ("2.5" → 25000), or null; as src/claims/rules.ts reads it. */
export function qtyE4(text: string): number | null {
  const m = QTY.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]) * 10000 + Number((m[2] ?? '').padEnd(4, '0'));
  return n > 0 ? n : null;
}

/** Ten-thousandths back to the quantity as written: 25000 → "2.5". */
export function qtyText(e4: number): string {
  const whole = Math.trunc(e4 / 10000);
  const frac = String(e4 % 10000).padStart(4, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

/** price × quantity rounded half up to the fen, in integers (the server's `mulQty`). */
export function lineAmount(priceFen: number, e4: number): number {
  const p = BigInt(priceFen) * BigInt(e4);
  return Number((p + 5000n) / 10000n);
}

/** The catalogue class of a line as a badge tone and letter. */
export const CLASS_OF: Record<BillLine['chrgitm_lv'], { tone: 'a' | 'b' | 'c'; key: MessageKey }> = {
  '01': { tone: 'a', key: 'clm.class.01' },
  '02': { tone: 'b', key: 'clm.class.02' },
  '03': { tone: 'c', key: 'clm.class.03' },
};

/** The review queue's query: several statuses go as repeated parameters. */
export function reviewQuery(q: { statuses: readonly ClaimStatus[]; reason: string; overdue: boolean; page: number; pageSize: number }): string {
  const p = new URLSearchParams();
  for (const s of q.statuses) p.append('status', s);
  if (q.reason) p.set('reason', q.reason);
  if (q.overdue) p.set('overdue', 'true');
  p.set('page', String(q.page));
  p.set('page_size', String(q.pageSize));
  return `/api/claims/review?${p.toString()}`;
}

/** A server timestamp (`2026-11-23 13:24:35.23+00` or ISO) as Beijing time `yyyy-MM-dd HH:mm`. */
export function beijingTime(ts: string): string {
  const iso = ts.includes('T') ? ts : ts.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00');
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return ts.slice(0, 16);
  return new Date(at.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 16).replace('T', ' ');
}
