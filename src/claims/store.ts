import { DomainError } from '../core/errors.ts';
import { fenFromDb, type Fen } from '../core/money.ts';
import type { Queryable } from '../db/pool.ts';
import type { FeeParts } from '../settlement/model.ts';
import type {
  Claim,
  ClaimBill,
  ClaimComputation,
  ClaimDecision,
  ClaimDocument,
  ClaimEvent,
  ClaimPayment,
  ClaimStatus,
  ClassifiedClaimLine,
  ClassTotalsInput,
} from './model.ts';

const CLAIM_COLUMNS = `c.id::int AS id, c.psn_no, c.psn_name, c.insutype, c.insuplc_admdvs, c.reason, c.med_kind, c.disease_code, c.mdtrtarea_admvs,
  c.institution_code, c.institution_name, c.level::int AS level, to_char(c.begin_date, 'YYYY-MM-DD') AS begin_date,
  to_char(c.end_date, 'YYYY-MM-DD') AS end_date, c.invoice_no, c.basis, c.filing_kind, c.filing_no, c.agent, c.status,
  to_char(c.submit_deadline, 'YYYY-MM-DD') AS submit_deadline, c.process_limit_days, c.clock_used_days,
  to_char(c.clock_since, 'YYYY-MM-DD') AS clock_since, to_char(c.due_date, 'YYYY-MM-DD') AS due_date,
  c.first_submitted_at, c.created_by, c.created_at, c.updated_at`;

type ClaimRow = Omit<Claim, 'first_submitted_at' | 'created_at' | 'updated_at'> & { first_submitted_at: Date | null; created_at: Date; updated_at: Date };

function claimOf(r: ClaimRow): Claim {
  return {
    ...r,
    first_submitted_at: r.first_submitted_at?.toISOString() ?? null,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}

/** The case fields a claim is created with and a draft may change. */
export type ClaimCase = Pick<
  Claim,
  | 'psn_no'
  | 'psn_name'
  | 'insutype'
  | 'insuplc_admdvs'
  | 'reason'
  | 'med_kind'
  | 'disease_code'
  | 'mdtrtarea_admvs'
  | 'institution_code'
  | 'institution_name'
  | 'level'
  | 'begin_date'
  | 'end_date'
  | 'invoice_no'
  | 'basis'
  | 'filing_kind'
  | 'filing_no'
  | 'agent'
  | 'submit_deadline'
>;

const CASE_FIELDS = [
  'psn_no', 'psn_name', 'insutype', 'insuplc_admdvs', 'reason', 'med_kind', 'disease_code', 'mdtrtarea_admvs', 'institution_code', 'institution_name',
  'level', 'begin_date', 'end_date', 'invoice_no', 'basis', 'filing_kind', 'filing_no', 'agent', 'submit_deadline',
] as const satisfies readonly (keyof ClaimCase)[];

const caseValues = (c: ClaimCase) => CASE_FIELDS.map((f) => (f === 'agent' ? (c.agent === null ? null : JSON.stringify(c.agent)) : c[f]));

/** Two claims of one invoice racing past the service's check meet the live-invoice index: a conflict, not a failure. */
async function onInvoiceRace<T>(write: Promise<T>, invoiceNo: string): Promise<T> {
  try {
    return await write;
  } catch (err) {
    if ((err as { code?: string; constraint?: string }).code === '23505' && (err as { constraint?: string }).constraint === 'claim_invoice_live') {
      throw new DomainError('conflict', `invoice ${invoiceNo} is already claimed: an invoice is reimbursed once`, [{ path: 'invoice_no', message: 'is already claimed' }]);
    }
    throw err;
  }
}

export async function insertClaim(tx: Queryable, c: ClaimCase, createdBy: string, now: Date): Promise<number> {
  const n = CASE_FIELDS.length;
  const r = await onInvoiceRace(tx.query<{ id: string }>(
    `INSERT INTO claim (${CASE_FIELDS.join(', ')}, agent_psn_no, status, created_by, created_at, updated_at)
     VALUES (${CASE_FIELDS.map((_, i) => `$${i + 1}`).join(', ')}, $${n + 1}, 'draft', $${n + 2}, $${n + 3}, $${n + 3}) RETURNING id`,
    [...caseValues(c), c.agent?.psn_no ?? null, createdBy, now],
  ), c.invoice_no);
  return Number(r.rows[0]!.id);
}

export async function updateCase(tx: Queryable, id: number, c: ClaimCase, now: Date): Promise<void> {
  const n = CASE_FIELDS.length;
  await onInvoiceRace(
    tx.query(
      `UPDATE claim SET ${CASE_FIELDS.map((f, i) => `${f} = $${i + 1}`).join(', ')}, agent_psn_no = $${n + 1}, updated_at = $${n + 2} WHERE id = $${n + 3}`,
      [...caseValues(c), c.agent?.psn_no ?? null, now, id],
    ),
    c.invoice_no,
  );
}

/** A claim, locked until the transaction ends when `lock`: every change of a claim holds its row. */
export async function claimById(tx: Queryable, id: number, lock: boolean): Promise<Claim | null> {
  const r = await tx.query<ClaimRow>(`SELECT ${CLAIM_COLUMNS} FROM claim c WHERE c.id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return r.rows[0] ? claimOf(r.rows[0]) : null;
}

export interface StatusChange {
  status: ClaimStatus;
  process_limit_days: number | null;
  clock_used_days: number;
  clock_since: string | null;
  due_date: string | null;
  first_submitted_at: Date | null;
}

export async function setStatus(tx: Queryable, id: number, s: StatusChange, now: Date): Promise<void> {
  await tx.query(
    `UPDATE claim SET status = $2, process_limit_days = $3, clock_used_days = $4, clock_since = $5::date, due_date = $6::date,
            first_submitted_at = COALESCE(first_submitted_at, $7), updated_at = $8
      WHERE id = $1`,
    [id, s.status, s.process_limit_days, s.clock_used_days, s.clock_since, s.due_date, s.first_submitted_at, now],
  );
}

/** The live (not rejected) claim of an invoice, other than `except`. */
export async function liveClaimOfInvoice(tx: Queryable, invoiceNo: string, except: number | null): Promise<{ id: number; psn_no: string; status: ClaimStatus } | null> {
  const r = await tx.query<{ id: number; psn_no: string; status: ClaimStatus }>(
    `SELECT id::int AS id, psn_no, status FROM claim WHERE invoice_no = $1 AND status <> 'rejected' AND ($2::bigint IS NULL OR id <> $2)`,
    [invoiceNo, except],
  );
  return r.rows[0] ?? null;
}

// ---------------------------------------------------------------- events

export async function insertEvent(
  tx: Queryable,
  e: { claim_id: number; actor: string; from_status: ClaimStatus | null; to_status: ClaimStatus; message: string | null; detail: Record<string, unknown> | null },
  now: Date,
): Promise<void> {
  await tx.query(`INSERT INTO claim_event (claim_id, at, actor, from_status, to_status, message, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
    e.claim_id,
    now,
    e.actor,
    e.from_status,
    e.to_status,
    e.message,
    e.detail === null ? null : JSON.stringify(e.detail),
  ]);
}

export async function eventsOf(tx: Queryable, claimId: number): Promise<ClaimEvent[]> {
  const r = await tx.query<Omit<ClaimEvent, 'at'> & { at: Date }>(
    `SELECT id::int AS id, at, actor, from_status, to_status, message, detail FROM claim_event WHERE claim_id = $1 ORDER BY id`,
    [claimId],
  );
  return r.rows.map((e) => ({ ...e, at: e.at.toISOString() }));
}

// ---------------------------------------------------------------- documents

const DOCUMENT_COLUMNS = `id::int AS id, claim_id::int AS claim_id, doc_type, file_name, media_type, size_bytes, sha256, uploaded_by, uploaded_at`;
type DocumentRow = Omit<ClaimDocument, 'uploaded_at'> & { uploaded_at: Date };
const documentOf = (r: DocumentRow): ClaimDocument => ({ ...r, uploaded_at: r.uploaded_at.toISOString() });

export interface StoredDocument extends ClaimDocument {
  storage: 'database' | 'directory';
  storage_key: string;
}

export async function insertDocument(
  tx: Queryable,
  d: Omit<StoredDocument, 'id' | 'uploaded_at'>,
  now: Date,
): Promise<ClaimDocument> {
  const r = await tx.query<DocumentRow>(
    `INSERT INTO claim_document (claim_id, doc_type, file_name, media_type, size_bytes, sha256, storage, storage_key, uploaded_by, uploaded_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${DOCUMENT_COLUMNS}`,
    [d.claim_id, d.doc_type, d.file_name, d.media_type, d.size_bytes, d.sha256, d.storage, d.storage_key, d.uploaded_by, now],
  );
  return documentOf(r.rows[0]!);
}

export async function documentsOf(tx: Queryable, claimId: number): Promise<ClaimDocument[]> {
  const r = await tx.query<DocumentRow>(`SELECT ${DOCUMENT_COLUMNS} FROM claim_document WHERE claim_id = $1 ORDER BY id`, [claimId]);
  return r.rows.map(documentOf);
}

export async function documentById(tx: Queryable, claimId: number, id: number): Promise<StoredDocument | null> {
  const r = await tx.query<DocumentRow & { storage: 'database' | 'directory'; storage_key: string }>(
    `SELECT ${DOCUMENT_COLUMNS}, storage, storage_key FROM claim_document WHERE claim_id = $1 AND id = $2`,
    [claimId, id],
  );
  return r.rows[0] ? { ...documentOf(r.rows[0]), storage: r.rows[0].storage, storage_key: r.rows[0].storage_key } : null;
}

export async function insertContent(tx: Queryable, documentId: number, content: Uint8Array): Promise<void> {
  await tx.query('INSERT INTO claim_document_content (document_id, content) VALUES ($1, $2)', [documentId, Buffer.from(content.buffer, content.byteOffset, content.byteLength)]);
}

export async function contentOf(tx: Queryable, documentId: number): Promise<Buffer | null> {
  const r = await tx.query<{ content: Uint8Array }>('SELECT content FROM claim_document_content WHERE document_id = $1', [documentId]);
  const c = r.rows[0]?.content;
  return c === undefined ? null : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
}

// ---------------------------------------------------------------- bills

type BillRow = {
  id: number;
  claim_id: number;
  kind: 'lines' | 'classes';
  entries: ClassifiedClaimLine[] | ClassTotalsInput;
  catalogue_province: string;
  class_b_share_bp: number | null;
  medfee_sumamt_fen: string;
  fulamt_ownpay_amt_fen: string;
  overlmt_selfpay_fen: string;
  preselfpay_amt_fen: string;
  inscp_scp_amt_fen: string;
  entered_by: string;
  created_at: Date;
};

function billOf(r: BillRow): ClaimBill {
  return {
    id: r.id,
    claim_id: r.claim_id,
    kind: r.kind,
    lines: r.kind === 'lines' ? (r.entries as ClassifiedClaimLine[]) : [],
    classes: r.kind === 'classes' ? (r.entries as ClassTotalsInput) : null,
    catalogue_province: r.catalogue_province,
    class_b_share_bp: r.class_b_share_bp,
    totals: {
      fulamt_ownpay_fen: fenFromDb(r.fulamt_ownpay_amt_fen),
      overlmt_fen: fenFromDb(r.overlmt_selfpay_fen),
      preselfpay_fen: fenFromDb(r.preselfpay_amt_fen),
      inscp_scp_fen: fenFromDb(r.inscp_scp_amt_fen),
    },
    medfee_sumamt_fen: fenFromDb(r.medfee_sumamt_fen),
    entered_by: r.entered_by,
    created_at: r.created_at.toISOString(),
  };
}

const BILL_COLUMNS = `id::int AS id, claim_id::int AS claim_id, kind, entries, catalogue_province, class_b_share_bp, medfee_sumamt_fen,
  fulamt_ownpay_amt_fen, overlmt_selfpay_fen, preselfpay_amt_fen, inscp_scp_amt_fen, entered_by, created_at`;

export async function insertBill(
  tx: Queryable,
  b: { claim_id: number; kind: 'lines' | 'classes'; entries: unknown; catalogue_province: string; class_b_share_bp: number | null; totals: FeeParts; medfee_sumamt_fen: Fen; adjusted: boolean; entered_by: string },
  now: Date,
): Promise<ClaimBill> {
  const r = await tx.query<BillRow>(
    `INSERT INTO claim_bill (claim_id, kind, entries, catalogue_province, class_b_share_bp, medfee_sumamt_fen, fulamt_ownpay_amt_fen,
                             overlmt_selfpay_fen, preselfpay_amt_fen, inscp_scp_amt_fen, adjusted, entered_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ${BILL_COLUMNS}`,
    [
      b.claim_id,
      b.kind,
      JSON.stringify(b.entries),
      b.catalogue_province,
      b.class_b_share_bp,
      b.medfee_sumamt_fen,
      b.totals.fulamt_ownpay_fen,
      b.totals.overlmt_fen,
      b.totals.preselfpay_fen,
      b.totals.inscp_scp_fen,
      b.adjusted,
      b.entered_by,
      now,
    ],
  );
  return billOf(r.rows[0]!);
}

/** The claim's bill: the latest the person entered (an agency's adjusted bill belongs to its decision). */
export async function latestBill(tx: Queryable, claimId: number): Promise<ClaimBill | null> {
  const r = await tx.query<BillRow>(`SELECT ${BILL_COLUMNS} FROM claim_bill WHERE claim_id = $1 AND NOT adjusted ORDER BY id DESC LIMIT 1`, [claimId]);
  return r.rows[0] ? billOf(r.rows[0]) : null;
}

export async function billById(tx: Queryable, id: number): Promise<ClaimBill | null> {
  const r = await tx.query<BillRow>(`SELECT ${BILL_COLUMNS} FROM claim_bill WHERE id = $1`, [id]);
  return r.rows[0] ? billOf(r.rows[0]) : null;
}

// ---------------------------------------------------------------- decisions and payments

type DecisionRow = Omit<ClaimDecision, 'reimbursement_fen' | 'decided_at'> & { fund_pay_sumamt_fen: string | null; decided_at: Date };

export async function insertDecision(
  tx: Queryable,
  d: { claim_id: number; decision: ClaimDecision['decision']; bill_id: number | null; reason: string | null; computation: ClaimComputation | null; decided_by: string },
  now: Date,
): Promise<number> {
  const a = d.computation?.amounts ?? null;
  const r = await tx.query<{ id: string }>(
    `INSERT INTO claim_decision (claim_id, decision, bill_id, reason, amounts, explanation, medfee_sumamt_fen, fund_pay_sumamt_fen, psn_part_amt_fen, decided_by, decided_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
    [
      d.claim_id,
      d.decision,
      d.bill_id,
      d.reason,
      a === null ? null : JSON.stringify(a),
      d.computation === null ? null : JSON.stringify(d.computation.explanation),
      a?.medfee_sumamt ?? null,
      a?.fund_pay_sumamt ?? null,
      a?.psn_part_amt ?? null,
      d.decided_by,
      now,
    ],
  );
  return Number(r.rows[0]!.id);
}

export async function decisionOf(tx: Queryable, claimId: number): Promise<ClaimDecision | null> {
  const r = await tx.query<DecisionRow>(
    `SELECT id::int AS id, decision, bill_id::int AS bill_id, reason, amounts, explanation, fund_pay_sumamt_fen, decided_by, decided_at
       FROM claim_decision WHERE claim_id = $1`,
    [claimId],
  );
  const d = r.rows[0];
  if (!d) return null;
  const { fund_pay_sumamt_fen, decided_at, ...rest } = d;
  return { ...rest, reimbursement_fen: fund_pay_sumamt_fen === null ? null : fenFromDb(fund_pay_sumamt_fen), decided_at: decided_at.toISOString() };
}

export async function insertPayment(
  tx: Queryable,
  p: { claim_id: number; decision_id: number; computation: ClaimComputation; payment_ref: string; business_date: string; paid_by: string },
  now: Date,
): Promise<void> {
  const c = p.computation;
  await tx.query(
    `INSERT INTO claim_payment (claim_id, decision_id, policy_version_id, terms, amounts, setldetail, explanation, year_totals_before, year_totals_after,
                                medfee_sumamt_fen, fund_pay_sumamt_fen, psn_part_amt_fen, payment_ref, business_date, paid_by, paid_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::date, $15, $16)`,
    [
      p.claim_id,
      p.decision_id,
      c.terms.policy_version_id,
      JSON.stringify(c.terms),
      JSON.stringify(c.amounts),
      JSON.stringify(c.setldetail),
      JSON.stringify(c.explanation),
      JSON.stringify(c.year_totals_before),
      JSON.stringify(c.year_totals_after),
      c.amounts.medfee_sumamt,
      c.amounts.fund_pay_sumamt,
      c.amounts.psn_part_amt,
      p.payment_ref,
      p.business_date,
      p.paid_by,
      now,
    ],
  );
}

export async function paymentOf(tx: Queryable, claimId: number): Promise<ClaimPayment | null> {
  const r = await tx.query<
    Omit<ClaimPayment, 'reimbursement_fen' | 'paid_at'> & { fund_pay_sumamt_fen: string; paid_at: Date }
  >(
    `SELECT decision_id::int AS decision_id, terms, amounts, setldetail, explanation, year_totals_before, year_totals_after, fund_pay_sumamt_fen,
            payment_ref, to_char(business_date, 'YYYY-MM-DD') AS business_date, paid_by, paid_at
       FROM claim_payment WHERE claim_id = $1`,
    [claimId],
  );
  const p = r.rows[0];
  if (!p) return null;
  const { fund_pay_sumamt_fen, paid_at, ...rest } = p;
  return { ...rest, reimbursement_fen: fenFromDb(fund_pay_sumamt_fen), paid_at: paid_at.toISOString() };
}

// ---------------------------------------------------------------- listings

export interface ListFilter {
  /** claims of this person, or where they are the agent */
  person?: string;
  /** LIKE pattern or exact code of the insured place */
  insured?: string;
  psn_no?: string;
  statuses?: readonly ClaimStatus[];
  reason?: string;
  /** due before this day (overdue) */
  due_before?: string;
  submitted_from?: string;
  submitted_to?: string;
  /** oldest first (the review queue) or newest first (a person's list) */
  order: 'due' | 'newest';
  limit: number;
  offset: number;
}

export async function listClaims(tx: Queryable, f: ListFilter): Promise<{ rows: (Claim & { medfee_sumamt_fen: Fen | null })[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => `$${params.push(v)}`;
  if (f.person !== undefined) {
    const me = p(f.person);
    where.push(`(c.psn_no = ${me} OR c.agent_psn_no = ${me})`);
  }
  if (f.insured !== undefined) where.push(f.insured.includes('%') ? `c.insuplc_admdvs LIKE ${p(f.insured)}` : `c.insuplc_admdvs = ${p(f.insured)}`);
  if (f.psn_no !== undefined) where.push(`c.psn_no = ${p(f.psn_no)}`);
  if (f.statuses !== undefined) where.push(`c.status = ANY(${p(f.statuses)}::text[])`);
  if (f.reason !== undefined) where.push(`c.reason = ${p(f.reason)}`);
  if (f.due_before !== undefined) where.push(`c.due_date < ${p(f.due_before)}::date`);
  if (f.submitted_from !== undefined) where.push(`c.first_submitted_at >= (${p(f.submitted_from)}::date::timestamp AT TIME ZONE 'Asia/Shanghai')`);
  if (f.submitted_to !== undefined) where.push(`c.first_submitted_at < ((${p(f.submitted_to)}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`);
  const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const order = f.order === 'due' ? 'c.due_date ASC NULLS LAST, c.first_submitted_at ASC NULLS LAST, c.id ASC' : 'c.created_at DESC, c.id DESC';
  const count = await tx.query<{ n: string }>(`SELECT count(*) AS n FROM claim c ${clause}`, params);
  const rows = await tx.query<ClaimRow & { medfee_sumamt_fen: string | null }>(
    `SELECT ${CLAIM_COLUMNS},
            (SELECT b.medfee_sumamt_fen FROM claim_bill b WHERE b.claim_id = c.id AND NOT b.adjusted ORDER BY b.id DESC LIMIT 1) AS medfee_sumamt_fen
       FROM claim c ${clause} ORDER BY ${order} LIMIT ${p(f.limit)} OFFSET ${p(f.offset)}`,
    params,
  );
  return {
    rows: rows.rows.map((r) => {
      const { medfee_sumamt_fen, ...claim } = r;
      return { ...claimOf(claim), medfee_sumamt_fen: medfee_sumamt_fen === null ? null : fenFromDb(medfee_sumamt_fen) };
    }),
    total: Number(count.rows[0]!.n),
  };
}
