import { audit } from '../auth/audit.ts';
import { actorName, type Principal } from '../auth/model.ts';
import { authorize, type Target } from '../auth/permissions.ts';
import { classifyOn, typicalClassBShare } from '../catalog/service.ts';
import { businessDate, isIsoDate } from '../core/clock.ts';
import { DomainError, invalid, notFound, type FieldIssue } from '../core/errors.ts';
import { parseCertno } from '../core/idcard.ts';
import { fen, formatYuan, type Fen } from '../core/money.ts';
import type { Db, Queryable } from '../db/pool.ts';
import { coverage } from '../filing/service.ts';
import { getInstitution } from '../institutions/service.ts';
import { LEDGER, postTransfers } from '../ledger/service.ts';
import { insuranceOn, personOn } from '../people/service.ts';
import type { ClaimRules, PolicyVersion } from '../policy/model.ts';
import { policyInForce } from '../policy/service.ts';
import { provinceOf, regionName, requirePoolingArea } from '../reference/service.ts';
import { classifyLine, linesFromClassSplit, settle as compute, sumParts } from '../settlement/engine.ts';
import type { ExplanationLine, SettlementBasis, SettlementResult } from '../settlement/model.ts';
import { liveSettlementOfInvoice, recordInYearTotals, resolveTerms, type Terms } from '../settlement/service.ts';
import { withDocumentFiles, sha256, storageKey, type DocumentConfig, type DocumentFiles } from './documents.ts';
import {
  CLAIM_REASONS,
  CLAIM_STATUSES,
  DOCUMENT_TYPES,
  type BillInput,
  type Checklist,
  type Claim,
  type ClaimAgent,
  type ClaimBill,
  type ClaimComputation,
  type ClaimDetail,
  type ClaimDocument,
  type ClaimDocumentType,
  type ClaimEstimate,
  type ClaimInput,
  type ClaimStatus,
  type ClaimSummary,
  type ClassifiedClaimLine,
  type RequiredDocument,
} from './model.ts';
import {
  DOCUMENT_LABELS,
  basisOf,
  checkDocument,
  checklistOf,
  classTotalsIssues,
  clockStarts,
  clockStops,
  contactOf,
  deadlineRefusal,
  editable,
  lineIssues,
  nextStatus,
  normaliseInvoice,
  processingClock,
  requiredDocuments,
  requireNoIssues,
  submitDeadline,
} from './rules.ts';
import * as store from './store.ts';

/**
 * Manual reimbursement as use cases. Every change locks the claim's row first,
 * checks the actor, and records an event (for a status change) and an audit
 * entry in the caller's transaction. The money follows the settlement engine
 * exactly: a claim is computed with the same terms a direct settlement of the
 * same case would have had (policy in force on discharge, benefit by person
 * class × medical kind × level, the filing kind's reduction or the unfiled
 * one, the year's totals), and its payment writes the year totals and posts
 * the ledger transfer in one transaction, as a settlement does.
 */

/**
 * The platform reading on behalf of an actor this service has authorised
 * (coverage and the person's enrolment, which an agent could not read itself).
 */
const CLAIMS: Principal = { kind: 'system', name: 'claims' };

const targetOf = (c: Pick<Claim, 'psn_no' | 'insuplc_admdvs' | 'agent'>): Target => ({
  psnNo: c.psn_no,
  region: c.insuplc_admdvs,
  ...(c.agent?.psn_no ? { agent: c.agent.psn_no } : {}),
});

async function claimFor(tx: Queryable, actor: Principal | undefined, id: number, perm: 'claim.read' | 'claim.write' | 'claim.review' | 'claim.documents', lock: boolean): Promise<Claim> {
  if (!actor) throw new DomainError('unauthenticated', 'Sign in first.');
  const claim = await store.claimById(tx, id, lock);
  if (!claim) throw notFound(`claim ${id}`);
  authorize(actor, perm, targetOf(claim));
  return claim;
}

// ---------------------------------------------------------------- the case

const MAX_TEXT = 200;

function text(issues: FieldIssue[], path: string, v: string | undefined, max = MAX_TEXT): string {
  const t = (v ?? '').trim();
  if (t === '') issues.push({ path, message: 'is required' });
  else if (t.length > max) issues.push({ path, message: `must be at most ${max} characters` });
  return t;
}

interface ResolvedCase {
  fields: store.ClaimCase;
  policy: PolicyVersion;
  required: RequiredDocument[];
}

/**
 * Checks a case as the person describes it and resolves what follows from it:
 * the insured place, the basis direct settlement would have had, the submit
 * deadline and the documents. `existing` is the claim being changed, if any.
 */
async function resolveCase(tx: Queryable, actor: Principal | undefined, input: ClaimInput, today: string, existing: Claim | null): Promise<ResolvedCase> {
  if (!actor) throw new DomainError('unauthenticated', 'Sign in first.');
  const issues: FieldIssue[] = [];
  if (!CLAIM_REASONS.includes(input.reason)) issues.push({ path: 'reason', message: `must be one of ${CLAIM_REASONS.join(', ')}` });
  if (!['inpatient', 'outpatient', 'chronic', 'pharmacy'].includes(input.med_kind)) issues.push({ path: 'med_kind', message: 'must be inpatient, outpatient, chronic or pharmacy' });
  if (input.med_kind === 'chronic' && !input.disease_code) issues.push({ path: 'disease_code', message: 'is required for an outpatient chronic or special disease' });
  if (input.med_kind !== 'chronic' && input.disease_code) issues.push({ path: 'disease_code', message: 'is given for chronic claims only' });
  if (input.reason === 'chronic_outside_list' && input.med_kind !== 'chronic') issues.push({ path: 'med_kind', message: 'must be chronic for a chronic disease outside the directly settled list' });
  for (const f of ['begin_date', 'end_date'] as const) if (!isIsoDate(input[f] ?? '')) issues.push({ path: f, message: 'must be a date yyyy-MM-dd' });
  if (isIsoDate(input.begin_date) && isIsoDate(input.end_date)) {
    if (input.end_date < input.begin_date) issues.push({ path: 'end_date', message: `must not be before begin_date (${input.begin_date})` });
    if (input.end_date > today) issues.push({ path: 'end_date', message: `is after today (${today}): claim a treatment once it has ended` });
  }
  const institutionName = text(issues, 'institution_name', input.institution_name);
  const invoice = normaliseInvoice(input.invoice_no ?? '');
  if (!/^[0-9A-Z-]{4,40}$/.test(invoice)) issues.push({ path: 'invoice_no', message: 'must be the invoice number as printed: 4–40 letters, digits or dashes' });
  if (input.institution_code === undefined && input.level === undefined) issues.push({ path: 'level', message: "is required when the institution is not a designated one Yidi knows (give institution_code or the institution's level 1–3)" });
  if (input.level !== undefined && ![1, 2, 3].includes(input.level)) issues.push({ path: 'level', message: 'must be 1, 2 or 3' });
  let agent: ClaimAgent | null = null;
  if (input.agent) {
    const name = text(issues, 'agent.name', input.agent.name, 50);
    const relation = text(issues, 'agent.relation', input.agent.relation, 50);
    const id = parseCertno(input.agent.certno ?? '', today);
    if (!id.ok) issues.push({ path: 'agent.certno', message: id.reason });
    if (input.agent.psn_no !== undefined && input.agent.psn_no === input.psn_no) issues.push({ path: 'agent.psn_no', message: 'is the person: an agent is someone else' });
    agent = { name, relation, certno: id.ok ? id.certno : '', psn_no: input.agent.psn_no ?? null };
  }
  if (existing && input.psn_no !== existing.psn_no) issues.push({ path: 'psn_no', message: `is not the person of claim ${existing.id} (start a new claim for another person)` });
  // Who may act for the person is the person's (or the counter's) choice, not the agent's.
  const actingAgent = existing !== null && actor.kind === 'person' && actor.psnNo !== existing.psn_no;
  const sameAgent = (a: ClaimAgent | null, b: ClaimAgent | null) =>
    a === null || b === null ? a === b : a.name === b.name && a.certno === b.certno && a.relation === b.relation && a.psn_no === b.psn_no;
  if (actingAgent && !sameAgent(agent, existing.agent)) issues.push({ path: 'agent', message: 'can be changed by the person only' });
  requireNoIssues(issues, 'the claim has errors');

  const insurance = await insuranceOn(tx, input.psn_no, input.insutype ?? null, input.begin_date);
  authorize(actor, 'claim.write', existing ? targetOf(existing) : { psnNo: input.psn_no, region: insurance.insuplc_admdvs });
  if (!insurance.active) {
    throw new DomainError('business_rule', `person ${input.psn_no} was not insured in scheme ${insurance.insutype} on ${input.begin_date}: the insured place pays treatment while the insurance is active only`);
  }
  await requirePoolingArea(tx, input.mdtrtarea_admvs, 'mdtrtarea_admvs');
  let level = input.level;
  if (input.institution_code !== undefined) {
    const known = await getInstitution(tx, input.institution_code).catch((err: unknown) => {
      if (err instanceof DomainError && err.code === 'not_found') throw invalid('institution_code', `${input.institution_code} is not a designated institution Yidi knows: leave it out and give the level`);
      throw err;
    });
    if (known.admdvs !== input.mdtrtarea_admvs) throw invalid('institution_code', `${known.code} is in ${known.admdvs}, not in the treatment area ${input.mdtrtarea_admvs}`);
    level = known.level;
  }
  if (agent?.psn_no) {
    await insuranceOn(tx, agent.psn_no, null, today).catch((err: unknown) => {
      if (err instanceof DomainError && err.code === 'not_found') throw invalid('agent.psn_no', `${agent.psn_no} is not a person known to Yidi: leave it out if the agent has no account`);
      throw err;
    });
  }

  const cover = await coverage(tx, CLAIMS, { psn_no: input.psn_no, place: input.mdtrtarea_admvs, date: input.begin_date, insutype: insurance.insutype });
  const basis = basisOf(input.reason, { covered: cover.covered, filing: cover.filing }, { insured: insurance.insuplc_admdvs, treatment: input.mdtrtarea_admvs, date: input.begin_date });
  await invoiceFree(tx, invoice, input.psn_no, existing?.id ?? null);

  const policy = await policyInForce(tx, insurance.insuplc_admdvs, insurance.insutype, input.end_date);
  const { person } = await personOn(tx, input.psn_no, insurance.insutype, input.end_date);
  const fields: store.ClaimCase = {
    psn_no: input.psn_no,
    psn_name: person.name,
    insutype: insurance.insutype,
    insuplc_admdvs: insurance.insuplc_admdvs,
    reason: input.reason,
    med_kind: input.med_kind,
    disease_code: input.disease_code ?? null,
    mdtrtarea_admvs: input.mdtrtarea_admvs,
    institution_code: input.institution_code ?? null,
    institution_name: institutionName,
    level: level!,
    begin_date: input.begin_date,
    end_date: input.end_date,
    invoice_no: invoice,
    ...basis,
    agent,
    submit_deadline: submitDeadline(input.end_date, policy.doc.settings.claim_submit_months),
  };
  return { fields, policy, required: requiredOf(fields, policy.doc.claims) };
}

function requiredOf(c: Pick<Claim, 'reason' | 'med_kind' | 'filing_kind' | 'agent'>, rules: ClaimRules | undefined): RequiredDocument[] {
  return requiredDocuments({ reason: c.reason, med_kind: c.med_kind, filing_kind: c.filing_kind, has_agent: c.agent !== null }, rules);
}

/** The same invoice is claimed once, and never after it was settled directly. */
async function invoiceFree(tx: Queryable, invoice: string, psnNo: string, except: number | null): Promise<void> {
  const claimed = await store.liveClaimOfInvoice(tx, invoice, except);
  if (claimed) {
    const whose = claimed.psn_no === psnNo ? `your claim ${claimed.id} (${claimed.status.replaceAll('_', ' ')})` : 'another claim';
    throw new DomainError('conflict', `invoice ${invoice} is already claimed in ${whose}: an invoice is reimbursed once`, [{ path: 'invoice_no', message: 'is already claimed' }]);
  }
  const settled = await liveSettlementOfInvoice(tx, invoice);
  if (settled) {
    throw new DomainError(
      'conflict',
      `invoice ${invoice} was settled directly at the desk (settlement ${settled.setl_id} on ${settled.setl_date}): the funds have paid their share already`,
      [{ path: 'invoice_no', message: `was settled directly as ${settled.setl_id}` }],
    );
  }
}

async function contactFor(tx: Queryable, insuredArea: string): Promise<ExplanationLine> {
  return contactOf(insuredArea, await regionName(tx, insuredArea));
}

/** What a case would need before a claim is started: the basis, the documents, the deadline. Nothing is written. */
export async function previewClaim(
  tx: Queryable,
  actor: Principal | undefined,
  input: ClaimInput,
  today: string,
): Promise<{ basis: Claim['basis']; filing_kind: Claim['filing_kind']; filing_no: string | null; checklist: Checklist; contact: ExplanationLine; reduction_bp: number }> {
  const { fields, policy, required } = await resolveCase(tx, actor, input, today, null);
  const reduction = await termsOf(tx, fields, false).then((t) => t.reduction_bp);
  return {
    basis: fields.basis,
    filing_kind: fields.filing_kind,
    filing_no: fields.filing_no,
    checklist: checklistOf(required, [], fields.submit_deadline, today),
    contact: await contactFor(tx, policy.pooling_area),
    reduction_bp: reduction,
  };
}

/** Starts a claim as a draft. */
export async function createClaim(tx: Queryable, actor: Principal | undefined, input: ClaimInput, now: Date): Promise<ClaimDetail> {
  const today = businessDate(now);
  const { fields } = await resolveCase(tx, actor, input, today, null);
  const id = await store.insertClaim(tx, fields, actorName(actor!), now);
  await store.insertEvent(tx, { claim_id: id, actor: actorName(actor!), from_status: null, to_status: 'draft', message: null, detail: { reason: fields.reason } }, now);
  await audit(tx, actor!, 'claim.create', 'claim', String(id), { psn_no: fields.psn_no, reason: fields.reason, invoice_no: fields.invoice_no, basis: fields.basis });
  return getClaim(tx, actor, id, today);
}

/** Changes a draft's case (the person stays the same); the basis, deadline and checklist follow. */
export async function updateClaim(tx: Queryable, actor: Principal | undefined, id: number, input: ClaimInput, now: Date): Promise<ClaimDetail> {
  const claim = await claimFor(tx, actor, id, 'claim.write', true);
  if (claim.status !== 'draft') throw new DomainError('business_rule', `claim ${id} is ${claim.status.replaceAll('_', ' ')}: only a draft's details can change`);
  const today = businessDate(now);
  const { fields } = await resolveCase(tx, actor, input, today, claim);
  await store.updateCase(tx, id, fields, now);
  await audit(tx, actor!, 'claim.update', 'claim', String(id), { reason: fields.reason, invoice_no: fields.invoice_no, basis: fields.basis });
  return getClaim(tx, actor, id, today);
}

// ---------------------------------------------------------------- reading

async function checklistFor(tx: Queryable, claim: Claim, documents: readonly ClaimDocument[], today: string): Promise<Checklist> {
  const policy = await policyInForce(tx, claim.insuplc_admdvs, claim.insutype, claim.end_date);
  return checklistOf(requiredOf(claim, policy.doc.claims), documents, claim.submit_deadline, today);
}

/** A claim with its checklist, documents, bill, decision, payment, status history and review clock. */
export async function getClaim(tx: Queryable, actor: Principal | undefined, id: number, today: string): Promise<ClaimDetail> {
  const claim = await claimFor(tx, actor, id, 'claim.read', false);
  const documents = await store.documentsOf(tx, id);
  return {
    ...claim,
    checklist: await checklistFor(tx, claim, documents, today),
    documents,
    bill: await store.latestBill(tx, id),
    decision: await store.decisionOf(tx, id),
    payment: await store.paymentOf(tx, id),
    events: await store.eventsOf(tx, id),
    clock: processingClock(claim, today),
    contact: await contactFor(tx, claim.insuplc_admdvs),
  };
}

export async function getChecklist(tx: Queryable, actor: Principal | undefined, id: number, today: string): Promise<Checklist> {
  const claim = await claimFor(tx, actor, id, 'claim.read', false);
  return checklistFor(tx, claim, await store.documentsOf(tx, id), today);
}

export interface ClaimQuery {
  psn_no?: string;
  status?: ClaimStatus[];
  reason?: string;
  /** only claims past their processing deadline */
  overdue?: boolean;
  submitted_from?: string;
  submitted_to?: string;
  page?: number;
  page_size?: number;
}

const MAX_PAGE_SIZE = 200;

/**
 * Claims the actor may see. A person: their own and those they are the agent
 * of, newest first. An insured-place agency: its region's, as a review queue
 * (submitted claims by default), the earliest due first. The national operator: all.
 */
export async function listClaims(
  tx: Queryable,
  actor: Principal | undefined,
  q: ClaimQuery,
  today: string,
): Promise<{ items: ClaimSummary[]; total: number; page: number; page_size: number }> {
  if (!actor) throw new DomainError('unauthenticated', 'Sign in first.');
  const issues: FieldIssue[] = [];
  for (const s of q.status ?? []) if (!CLAIM_STATUSES.includes(s)) issues.push({ path: 'status', message: `must be among ${CLAIM_STATUSES.join(', ')}` });
  if (q.reason !== undefined && !(CLAIM_REASONS as readonly string[]).includes(q.reason)) issues.push({ path: 'reason', message: `must be one of ${CLAIM_REASONS.join(', ')}` });
  for (const f of ['submitted_from', 'submitted_to'] as const) if (q[f] !== undefined && !isIsoDate(q[f])) issues.push({ path: f, message: 'must be a date yyyy-MM-dd' });
  const page = q.page ?? 1;
  const pageSize = q.page_size ?? 50;
  if (!Number.isSafeInteger(page) || page < 1) issues.push({ path: 'page', message: 'must be a whole number ≥ 1' });
  if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) issues.push({ path: 'page_size', message: `must be 1..${MAX_PAGE_SIZE}` });
  requireNoIssues(issues, 'the query has errors');

  let scope: Pick<store.ListFilter, 'person' | 'insured' | 'order'>;
  let statuses = q.status && q.status.length > 0 ? q.status : undefined;
  switch (actor.kind) {
    case 'person':
      if (q.psn_no !== undefined && q.psn_no !== actor.psnNo) throw new DomainError('forbidden', 'a person lists their own claims (and those they file as an agent)');
      scope = { person: actor.psnNo, order: 'newest' };
      break;
    case 'insured_agency':
      scope = { insured: likeOf(actor.region), order: 'due' };
      statuses ??= ['submitted'];
      break;
    case 'national':
    case 'system':
      scope = { order: 'due' };
      break;
    default:
      throw new DomainError('forbidden', `${actor.kind} has no manual claims to see: claims are reviewed by the insured place`);
  }
  const { rows, total } = await store.listClaims(tx, {
    ...scope,
    ...(actor.kind !== 'person' && q.psn_no !== undefined ? { psn_no: q.psn_no } : {}),
    ...(statuses ? { statuses } : {}),
    ...(q.reason !== undefined ? { reason: q.reason } : {}),
    ...(q.overdue ? { due_before: today } : {}),
    ...(q.submitted_from !== undefined ? { submitted_from: q.submitted_from } : {}),
    ...(q.submitted_to !== undefined ? { submitted_to: q.submitted_to } : {}),
    limit: pageSize,
    offset: (page - 1) * pageSize,
  });
  return { items: rows.map((r) => ({ ...r, clock: processingClock(r, today) })), total, page, page_size: pageSize };
}

/** The SQL LIKE pattern of the areas a region covers: a province its areas, a city itself and its districts. */
function likeOf(region: string): string {
  if (region.endsWith('0000')) return `${region.slice(0, 2)}%`;
  if (region.endsWith('00')) return `${region.slice(0, 4)}%`;
  return region;
}

// ---------------------------------------------------------------- documents

export interface UploadInput {
  doc_type: string;
  file_name: string;
  content: Uint8Array;
}

/**
 * Stores a document of a claim the person may still change (a draft, or one
 * with documents requested). Its type is read from its bytes; its checksum
 * is kept; its bytes go where `files` keeps them, in this transaction.
 */
export async function uploadDocument(
  tx: Queryable,
  actor: Principal | undefined,
  id: number,
  input: UploadInput,
  files: DocumentFiles,
  maxBytes: number,
  now: Date,
): Promise<ClaimDocument> {
  const claim = await claimFor(tx, actor, id, 'claim.write', true);
  if (!(DOCUMENT_TYPES as readonly string[]).includes(input.doc_type)) throw invalid('doc_type', `must be one of ${DOCUMENT_TYPES.join(', ')}`);
  const mediaType = checkDocument(input, maxBytes);
  if (!editable(claim.status)) throw new DomainError('business_rule', `claim ${id} is ${claim.status.replaceAll('_', ' ')}: documents are added to a draft, or when the agency asks for more`);
  const checksum = sha256(input.content);
  const key = storageKey(id);
  const doc = await store.insertDocument(
    tx,
    {
      claim_id: id,
      doc_type: input.doc_type as ClaimDocumentType,
      file_name: input.file_name.trim(),
      media_type: mediaType,
      size_bytes: input.content.length,
      sha256: checksum,
      storage: files.storage,
      storage_key: key,
      uploaded_by: actorName(actor!),
    },
    now,
  );
  await files.put(tx, { id: doc.id, storage_key: key }, input.content);
  await audit(tx, actor!, 'claim.document', 'claim', String(id), { document_id: doc.id, doc_type: doc.doc_type, media_type: mediaType, size_bytes: doc.size_bytes, sha256: checksum });
  return doc;
}

/** `uploadDocument` in its own transaction, with a file written to the documents directory removed again if it rolls back. */
export async function uploadDocumentIn(db: Db, config: DocumentConfig & { documentMaxBytes: number }, actor: Principal | undefined, id: number, input: UploadInput, now: Date): Promise<ClaimDocument> {
  return withDocumentFiles(db, config, (tx, files) => uploadDocument(tx, actor, id, input, files, config.documentMaxBytes, now));
}

export async function listDocuments(tx: Queryable, actor: Principal | undefined, id: number): Promise<ClaimDocument[]> {
  await claimFor(tx, actor, id, 'claim.read', false);
  return store.documentsOf(tx, id);
}

/** A document's bytes: for the person, their agent and the reviewing insured place only. */
export async function readDocument(tx: Queryable, actor: Principal | undefined, id: number, documentId: number, files: DocumentFiles): Promise<{ document: ClaimDocument; content: Buffer }> {
  await claimFor(tx, actor, id, 'claim.documents', false);
  const doc = await store.documentById(tx, id, documentId);
  if (!doc) throw notFound(`document ${documentId} of claim ${id}`);
  const content = await files.get(tx, doc);
  const { storage: _s, storage_key: _k, ...document } = doc;
  return { document, content };
}

// ---------------------------------------------------------------- the bill

async function catalogueProvince(tx: Queryable, claim: Claim): Promise<string> {
  const policy = await policyInForce(tx, claim.insuplc_admdvs, claim.insutype, claim.end_date);
  return provinceOf(policy.doc.claims?.catalogue === 'insured_place' ? claim.insuplc_admdvs : claim.mdtrtarea_admvs);
}

/** Classifies the bill as entered (by the catalogue the insured place's rules name) and stores it as a new bill row. */
async function enterBill(tx: Queryable, actor: Principal, claim: Claim, input: BillInput, adjusted: boolean, now: Date): Promise<ClaimBill> {
  const province = await catalogueProvince(tx, claim);
  const common = { claim_id: claim.id, catalogue_province: province, adjusted, entered_by: actorName(actor) };
  if ('classes' in input) {
    const c = input.classes;
    const issues: FieldIssue[] = [];
    for (const f of ['classA_fen', 'classB_fen', 'classC_fen'] as const) {
      if (!Number.isSafeInteger(c[f]) || c[f] < 0) issues.push({ path: `classes.${f}`, message: 'must be a whole number of fen ≥ 0' });
    }
    if (issues.length === 0) issues.push(...classTotalsIssues(c));
    requireNoIssues(issues, 'the bill has errors');
    const share = await typicalClassBShare(tx, province, claim.end_date);
    const totals = sumParts(linesFromClassSplit({ ...c, classB_share_bp: share }));
    return store.insertBill(tx, { ...common, kind: 'classes', entries: c, class_b_share_bp: share, totals, medfee_sumamt_fen: fen(c.classA_fen + c.classB_fen + c.classC_fen) }, now);
  }
  const { issues, qty_e4 } = lineIssues(input.lines);
  requireNoIssues(issues, 'the bill has errors');
  const lines: ClassifiedClaimLine[] = [];
  for (const [i, l] of input.lines.entries()) {
    const code = l.hilist_code?.trim() || null;
    const item = code === null ? null : await classifyOn(tx, province, code, claim.end_date);
    const c = classifyLine({ amount_fen: l.amount_fen, qty_e4: qty_e4[i]!, price_fen: l.price_fen }, item);
    lines.push({
      hilist_code: code,
      name: l.name.trim(),
      price_fen: l.price_fen,
      qty_e4: qty_e4[i]!,
      amount_fen: l.amount_fen,
      listed: c.listed,
      chrgitm_lv: c.chrgitm_lv,
      fulamt_ownpay_fen: c.fulamt_ownpay_fen,
      overlmt_fen: c.overlmt_fen,
      preselfpay_fen: c.preselfpay_fen,
      inscp_scp_fen: c.inscp_scp_fen,
    });
  }
  const totals = sumParts(lines);
  const medfee = fen(lines.reduce((s, l) => s + l.amount_fen, 0));
  return store.insertBill(tx, { ...common, kind: 'lines', entries: lines, class_b_share_bp: null, totals, medfee_sumamt_fen: medfee }, now);
}

/** Enters (or re-enters) the person's bill: itemised lines, or the totals by class when no itemised list is at hand. */
export async function setBill(tx: Queryable, actor: Principal | undefined, id: number, input: BillInput, now: Date): Promise<ClaimBill> {
  const claim = await claimFor(tx, actor, id, 'claim.write', true);
  if (!editable(claim.status)) throw new DomainError('business_rule', `claim ${id} is ${claim.status.replaceAll('_', ' ')}: the bill is entered in a draft, or when the agency asks for more`);
  const bill = await enterBill(tx, actor!, claim, input, false, now);
  await audit(tx, actor!, 'claim.bill', 'claim', String(id), { bill_id: bill.id, kind: bill.kind, medfee_sumamt_fen: bill.medfee_sumamt_fen });
  return bill;
}

// ---------------------------------------------------------------- the computation

function basisOfClaim(c: Pick<Claim, 'basis' | 'filing_kind'>): SettlementBasis {
  return c.basis === 'filing' ? { kind: 'filing', filing_kind: c.filing_kind! } : { kind: c.basis };
}

/** The terms a direct settlement of this case would have had (its admission ordinal counts the year's paid inpatient claims, as settled stays). */
async function termsOf(tx: Queryable, c: Omit<store.ClaimCase, 'psn_name'> & { id?: number }, lock: boolean): Promise<Terms> {
  const { insurance } = await personOn(tx, c.psn_no, c.insutype, c.end_date);
  const year = Number(c.end_date.slice(0, 4));
  return resolveTerms(tx, {
    psn_no: c.psn_no,
    enrolment: insurance,
    med_kind: c.med_kind,
    level: c.level,
    ...(c.disease_code !== null ? { disease_code: c.disease_code } : {}),
    basis: basisOfClaim(c),
    date: c.end_date,
    year,
    ...(c.id !== undefined ? { claim_id: c.id } : {}),
    lock,
  });
}

/** The engine on a claim's bill under `terms`. A claim is paid to the person's bank account, never from the personal account. */
function run(claim: Pick<Claim, 'level' | 'med_kind' | 'filing_no' | 'filing_kind' | 'basis'>, terms: Terms, bill: ClaimBill): { computation: ClaimComputation; result: SettlementResult } {
  const result = compute({
    bill: { totals: bill.totals },
    benefit: terms.benefit,
    reduction_bp: terms.reduction_bp,
    ...(terms.admission_ordinal !== null ? { admissionOrdinal: terms.admission_ordinal } : {}),
    yearTotals: terms.yearTotals,
    topups: terms.policy.doc.topups,
    eligibility: terms.eligibility,
    account: { use: false, balance_fen: fen(0) },
  });
  return {
    result,
    computation: {
      terms: {
        level: claim.level,
        med_kind: claim.med_kind,
        filing_no: claim.filing_no,
        filing_kind: claim.filing_kind,
        emergency: claim.basis === 'emergency',
        reduction_bp: terms.reduction_bp,
        policy_version_id: terms.policy.id,
        year: terms.year.year,
        cap_group: terms.year.cap_group,
        admission_ordinal: terms.admission_ordinal,
      },
      amounts: result.setlinfo,
      setldetail: result.setldetail,
      explanation: result.explanation,
      year_totals_before: result.yearTotalsBefore,
      year_totals_after: result.yearTotalsAfter,
    },
  };
}

function requireBill(bill: ClaimBill | null, id: number): ClaimBill {
  if (!bill) throw new DomainError('business_rule', `claim ${id} has no bill yet: enter the fee lines (or the totals by class) first`, [{ path: 'bill', message: 'is required' }]);
  return bill;
}

/**
 * What the funds would reimburse for the claim's bill today, by the same
 * engine and terms as a direct settlement. The amount paid is computed again
 * at payment, on the year's totals then.
 */
export async function estimateClaim(tx: Queryable, actor: Principal | undefined, id: number): Promise<ClaimEstimate> {
  const claim = await claimFor(tx, actor, id, 'claim.read', false);
  const bill = requireBill(await store.latestBill(tx, id), id);
  const { computation } = run(claim, await termsOf(tx, claim, false), bill);
  const assumptions: ExplanationLine[] = [
    { zh: '按今日本年度累计额度计算；实际支付时按届时累计重新计算', en: "Computed on this year's totals as of today; the payment is computed again on the totals then" },
  ];
  if (bill.kind === 'classes') {
    assumptions.push({
      zh: `未提供费用明细：乙类先行自付比例按目录中位数 ${(bill.class_b_share_bp ?? 0) / 100}% 计算`,
      en: `No itemised lines: the class-B first share is taken as the catalogue's median, ${(bill.class_b_share_bp ?? 0) / 100} %`,
    });
  }
  const unlisted = bill.lines.filter((l) => !l.listed).length;
  if (unlisted > 0) {
    assumptions.push({
      zh: `${unlisted} 项费用未匹配到医保目录，暂按全自费计算，经办机构审核时可更正`,
      en: `${unlisted} line(s) match no catalogue item and count as fully self-paid until the agency corrects them`,
    });
  }
  if (claim.basis === 'unfiled') {
    assumptions.push({ zh: '未备案就医：按参保地未备案报销比例计算', en: "Not filed: paid at the insured place's reduced ratio for unfiled claims" });
  }
  return { ...computation, bill_id: bill.id, reimbursement_fen: computation.amounts.fund_pay_sumamt, assumptions };
}

// ---------------------------------------------------------------- states

async function changeStatus(
  tx: Queryable,
  actor: Principal,
  claim: Claim,
  to: ClaimStatus,
  clock: Pick<store.StatusChange, 'process_limit_days' | 'clock_used_days' | 'clock_since' | 'due_date'>,
  message: string | null,
  detail: Record<string, unknown> | null,
  now: Date,
): Promise<void> {
  await store.setStatus(tx, claim.id, { status: to, ...clock, first_submitted_at: to === 'submitted' ? now : null }, now);
  await store.insertEvent(tx, { claim_id: claim.id, actor: actorName(actor), from_status: claim.status, to_status: to, message, detail }, now);
  await audit(tx, actor, `claim.${to}`, 'claim', String(claim.id), { from: claim.status, to, ...(message !== null ? { message } : {}), ...(detail ?? {}) });
}

/** The clock fields with the agency's current turn ended today. */
function stopped(claim: Claim, today: string) {
  return {
    process_limit_days: claim.process_limit_days,
    clock_used_days: claim.clock_since === null ? claim.clock_used_days : clockStops(claim.clock_used_days, claim.clock_since, today),
    clock_since: null,
    due_date: null,
  };
}

function optionalMessage(v: string | undefined, path: string): string | null {
  if (v === undefined || v.trim() === '') return null;
  if (v.length > 2000) throw invalid(path, 'must be at most 2000 characters');
  return v.trim();
}

function requiredMessage(v: string | undefined, path: string, what: string): string {
  const m = optionalMessage(v, path);
  if (m === null) throw invalid(path, `is required: ${what}`);
  return m;
}

/** What keeps a claim from going to the agency: a missing bill, missing documents, an engine refusal. */
async function readyForAgency(tx: Queryable, claim: Claim, today: string): Promise<ClaimBill> {
  const bill = await store.latestBill(tx, claim.id);
  const checklist = await checklistFor(tx, claim, await store.documentsOf(tx, claim.id), today);
  const issues: FieldIssue[] = checklist.items
    .filter((i) => !i.provided)
    .map((i) => ({ path: `documents.${i.type}`, message: `is missing: upload the ${i.label.en} (${i.label.zh})` }));
  if (!bill) issues.unshift({ path: 'bill', message: 'is missing: enter the fee lines or the totals by class' });
  if (issues.length > 0) {
    throw new DomainError('business_rule', `claim ${claim.id} is not complete: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, issues, {
      missing: checklist.missing,
    });
  }
  // Refused here rather than at review: a case the policy has no rule for (an unlisted chronic disease, …).
  run(claim, await termsOf(tx, claim, false), bill!);
  return bill!;
}

/**
 * Submits a draft to the insured place: the deadline must not have passed,
 * the checklist must be complete and the invoice still unclaimed and not
 * settled directly. The processing clock starts.
 */
export async function submitClaim(tx: Queryable, actor: Principal | undefined, id: number, input: { message?: string }, now: Date): Promise<ClaimDetail> {
  const claim = await claimFor(tx, actor, id, 'claim.write', true);
  const to = nextStatus(claim.status, 'submit', id);
  const today = businessDate(now);
  const late = deadlineRefusal(claim.submit_deadline, today, await contactFor(tx, claim.insuplc_admdvs));
  if (late) throw late;
  const message = optionalMessage(input.message, 'message');
  await invoiceFree(tx, claim.invoice_no, claim.psn_no, id);
  const bill = await readyForAgency(tx, claim, today);
  const policy = await policyInForce(tx, claim.insuplc_admdvs, claim.insutype, claim.end_date);
  const limit = policy.doc.settings.claim_process_working_days;
  await changeStatus(tx, actor!, claim, to, { process_limit_days: limit, clock_used_days: 0, ...clockStarts(0, limit, today) }, message, { bill_id: bill.id, medfee_sumamt_fen: bill.medfee_sumamt_fen }, now);
  return getClaim(tx, actor, id, today);
}

/**
 * Answers the agency's request for more documents: each type it asked for
 * must have a document uploaded since, and the checklist must be complete.
 * The clock runs again with what was left of it.
 */
export async function answerRequest(tx: Queryable, actor: Principal | undefined, id: number, input: { message?: string }, now: Date): Promise<ClaimDetail> {
  const claim = await claimFor(tx, actor, id, 'claim.write', true);
  const to = nextStatus(claim.status, 'answer', id);
  const today = businessDate(now);
  const message = optionalMessage(input.message, 'message');
  const request = (await store.eventsOf(tx, id)).filter((e) => e.to_status === 'more_documents_requested').at(-1)!;
  const asked = (request.detail?.documents ?? []) as ClaimDocumentType[];
  const since = (await store.documentsOf(tx, id)).filter((d) => d.uploaded_at >= request.at);
  const unanswered = asked.filter((t) => !since.some((d) => d.doc_type === t));
  if (unanswered.length > 0) {
    throw new DomainError(
      'business_rule',
      `the agency asked for ${unanswered.map((t) => DOCUMENT_LABELS[t].en).join(', ')}: upload ${unanswered.length === 1 ? 'it' : 'them'} before answering`,
      unanswered.map((t) => ({ path: `documents.${t}`, message: 'was asked for and is not uploaded since' })),
    );
  }
  await readyForAgency(tx, claim, today);
  const limit = claim.process_limit_days!;
  await changeStatus(tx, actor!, claim, to, { process_limit_days: limit, clock_used_days: claim.clock_used_days, ...clockStarts(claim.clock_used_days, limit, today) }, message, null, now);
  return getClaim(tx, actor, id, today);
}

/** The agency asks for more documents (naming the types, if it wants particular ones); the clock stops while the person answers. */
export async function requestDocuments(
  tx: Queryable,
  actor: Principal | undefined,
  id: number,
  input: { message: string; documents?: string[] },
  now: Date,
): Promise<ClaimDetail> {
  const claim = await claimFor(tx, actor, id, 'claim.review', true);
  const to = nextStatus(claim.status, 'request_documents', id);
  const message = requiredMessage(input.message, 'message', 'say what is missing or unclear');
  const documents = input.documents ?? [];
  const bad = documents.findIndex((d) => !(DOCUMENT_TYPES as readonly string[]).includes(d));
  if (bad >= 0) throw invalid(`documents[${bad}]`, `must be one of ${DOCUMENT_TYPES.join(', ')}`);
  const today = businessDate(now);
  await changeStatus(tx, actor!, claim, to, stopped(claim, today), message, { documents: [...new Set(documents)] }, now);
  return getClaim(tx, actor, id, today);
}

export type Decision =
  | { decision: 'approve'; message?: string }
  | { decision: 'partly_approve'; reason: string; bill: BillInput }
  | { decision: 'reject'; reason: string };

/**
 * The agency's decision, recorded as a new row: approved on the claim's bill,
 * partly approved on an adjusted bill (its own new bill row), or rejected with
 * a reason. Nothing moves money or the year totals until the payment.
 */
export async function decideClaim(tx: Queryable, actor: Principal | undefined, id: number, d: Decision, now: Date): Promise<ClaimDetail> {
  const claim = await claimFor(tx, actor, id, 'claim.review', true);
  const action = d.decision;
  if (action !== 'approve' && action !== 'partly_approve' && action !== 'reject') throw invalid('decision', 'must be approve, partly_approve or reject');
  const to = nextStatus(claim.status, action, id);
  const today = businessDate(now);
  const by = actorName(actor!);
  let decisionId: number;
  let message: string | null;
  let reimbursement: Fen | null = null;
  if (d.decision === 'reject') {
    message = requiredMessage(d.reason, 'reason', 'tell the person why the claim is rejected');
    decisionId = await store.insertDecision(tx, { claim_id: id, decision: 'rejected', bill_id: null, reason: message, computation: null, decided_by: by }, now);
  } else {
    let bill: ClaimBill;
    if (d.decision === 'partly_approve') {
      message = requiredMessage(d.reason, 'reason', 'tell the person which lines were adjusted and why');
      if (!d.bill) throw invalid('bill', 'is required: the adjusted fee lines (or totals by class) the approval pays');
      bill = await enterBill(tx, actor!, claim, d.bill, true, now);
    } else {
      message = optionalMessage(d.message, 'message');
      bill = requireBill(await store.latestBill(tx, id), id);
    }
    const { computation } = run(claim, await termsOf(tx, claim, false), bill);
    reimbursement = computation.amounts.fund_pay_sumamt;
    decisionId = await store.insertDecision(
      tx,
      { claim_id: id, decision: to === 'approved' ? 'approved' : 'partly_approved', bill_id: bill.id, reason: message, computation, decided_by: by },
      now,
    );
  }
  await changeStatus(tx, actor!, claim, to, stopped(claim, today), message, { decision_id: decisionId, reimbursement_fen: reimbursement }, now);
  return getClaim(tx, actor, id, today);
}

/**
 * Records the payment of an approved claim: the engine computes it again on
 * the person's year totals, locked as a settlement locks them; the totals are
 * written, the fund's payment to the person is posted in the ledger
 * (`claim:<id>:fund`, the insured place's fund to the person's pocket), and
 * the claim is paid — all in the caller's transaction.
 */
export async function payClaim(tx: Queryable, actor: Principal | undefined, id: number, input: { payment_ref: string }, now: Date): Promise<ClaimDetail> {
  const claim = await claimFor(tx, actor, id, 'claim.review', true);
  const to = nextStatus(claim.status, 'pay', id);
  const ref = (input.payment_ref ?? '').trim();
  if (!/^[\x21-\x7e]{1,100}$/.test(ref)) throw invalid('payment_ref', "must be the bank transfer's reference: 1–100 printable characters without spaces");
  const today = businessDate(now);
  const decision = (await store.decisionOf(tx, id))!;
  const bill = (await store.billById(tx, decision.bill_id!))!;
  const terms = await termsOf(tx, claim, true);
  const { computation, result } = run(claim, terms, bill);
  await recordInYearTotals(tx, terms, result);
  await store.insertPayment(tx, { claim_id: id, decision_id: decision.id, computation, payment_ref: ref, business_date: today, paid_by: actorName(actor!) }, now);
  const paid = computation.amounts.fund_pay_sumamt;
  if (paid > 0) {
    await postTransfers(
      tx,
      LEDGER,
      [{ id: `claim:${id}:fund`, debit: `fund:${claim.insuplc_admdvs}`, credit: `pocket:${claim.psn_no}`, amount_fen: paid, business_date: today, ref_kind: 'claim', ref_id: String(id) }],
      { onBehalfOf: actor! },
    );
  }
  const changed = decision.reimbursement_fen !== null && decision.reimbursement_fen !== paid;
  const message = changed
    ? `paid ${formatYuan(paid)} yuan: the year's totals changed since the decision (${formatYuan(decision.reimbursement_fen!)} yuan then)`
    : `paid ${formatYuan(paid)} yuan`;
  await changeStatus(tx, actor!, claim, to, stopped(claim, today), message, { reimbursement_fen: paid, payment_ref: ref }, now);
  return getClaim(tx, actor, id, today);
}
