import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../src/auth/model.ts';
import { documentFiles, withDocumentFiles } from '../src/claims/documents.ts';
import type { BillInput, ClaimInput } from '../src/claims/model.ts';
import * as claims from '../src/claims/service.ts';
import { addDays } from '../src/core/clock.ts';
import { DomainError } from '../src/core/errors.ts';
import { fen } from '../src/core/money.ts';
import { importCatalog } from '../src/catalog/service.ts';
import { balance } from '../src/ledger/service.ts';
import { exportPolicies, importPolicies } from '../src/policy/service.ts';
import { estimate, getSettlement } from '../src/settlement/service.ts';
import {
  admittedAndBilled,
  CLASS_A,
  CLASS_B,
  CLASS_C,
  harbinEmployee,
  HARBIN,
  HOSPITAL,
  settleInput,
  settlementWorld,
  SHENZHEN,
  WORKED_EXAMPLE,
  type World,
} from './settlement-harness.ts';
import { addPersons, personActor, personOf, system } from './support/fixtures.ts';

const direct = harbinEmployee();
const claimant = harbinEmployee();
const unfiled = harbinEmployee();
const another = harbinEmployee();
const relative = harbinEmployee();
const returning = harbinEmployee();

const harbin: Principal = { kind: 'insured_agency', userId: 1, username: 'hrb', region: HARBIN };
const shenyang: Principal = { kind: 'insured_agency', userId: 2, username: 'sy', region: '210100' };
const national: Principal = { kind: 'national', userId: 3, username: 'nhsa' };

const NOW = new Date('2026-11-23T02:00:00Z'); // Monday 10:00 in Shanghai
const TODAY = '2026-11-23';
const later = (days: number) => new Date(NOW.getTime() + days * 86_400_000);
const LIMITS = { documentsDir: null, documentMaxBytes: 64 * 1024 };
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 1)]);

/** policy.md's worked example as the person copies it from the itemised list. */
const WORKED_LINES: BillInput = {
  lines: [
    { hilist_code: CLASS_A, name: '诊疗项目', price_fen: fen(2000000), qty: 1, amount_fen: fen(2000000) },
    { hilist_code: CLASS_B, name: '阿莫西林胶囊', price_fen: fen(200000), qty: 4, amount_fen: fen(800000) },
    { hilist_code: CLASS_C, name: '某丙类药品', price_fen: fen(200000), qty: 1, amount_fen: fen(200000) },
  ],
};

let w: World;
let directSetlId: string;
let invoiceSerial = 0;

beforeAll(async () => {
  w = await settlementWorld([
    { person: direct, kind: 'long_term_resident' },
    { person: claimant, kind: 'long_term_resident' },
    { person: unfiled, kind: null },
    { person: another, kind: null },
    { person: relative, kind: null },
    { person: returning, kind: 'long_term_resident' },
  ]);
  const mdtrt = await admittedAndBilled(w, direct, WORKED_EXAMPLE);
  directSetlId = (await w.ok('2304', settleInput(mdtrt, direct.psn_no, 30000, { invono: 'SZ-2026-000777' }))).setlinfo.setl_id;
});
afterAll(async () => w?.close());

function caseOf(person: typeof claimant, over: Partial<ClaimInput> = {}): ClaimInput {
  return {
    psn_no: person.psn_no,
    reason: 'system_failure',
    med_kind: 'inpatient',
    mdtrtarea_admvs: SHENZHEN,
    institution_code: HOSPITAL,
    institution_name: '深圳市第二人民医院',
    begin_date: TODAY,
    end_date: TODAY,
    invoice_no: `INV${String(++invoiceSerial).padStart(6, '0')}`,
    ...over,
  };
}

const tx = <T>(fn: (tx: import('../src/db/pool.ts').Queryable) => Promise<T>) => w.db.tx(fn);

async function upload(actor: Principal, id: number, doc_type: string, content: Buffer = PDF, now = NOW) {
  return claims.uploadDocumentIn(w.db, LIMITS, actor, id, { doc_type, file_name: `${doc_type}.pdf`, content }, now);
}

/** A claim started, documented and billed: ready to submit. */
async function readyClaim(person: typeof claimant, over: Partial<ClaimInput> = {}, bill: BillInput = WORKED_LINES, actor: Principal = personActor(person)) {
  const c = await tx((t) => claims.createClaim(t, actor, caseOf(person, over), NOW));
  for (const item of c.checklist.items) await upload(actor, c.id, item.type);
  await tx((t) => claims.setBill(t, actor, c.id, bill, NOW));
  return c;
}

const failure = async (p: Promise<unknown>): Promise<DomainError> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
};

async function yearRow(psnNo: string) {
  const r = await w.db.query(`SELECT deductible_paid_fen::int8::text AS d, pooled_paid_fen::text AS p FROM year_total WHERE psn_no = $1`, [psnNo]);
  return r.rows;
}

describe('a claim pays what direct settlement would have paid', () => {
  it('computes the worked example to the fen as the desk settled it, and pays it into the ledger and the year totals', async () => {
    const person = personActor(claimant);
    const c = await readyClaim(claimant);
    expect(c).toMatchObject({ status: 'draft', basis: 'filing', filing_kind: 'long_term_resident', level: 3, insuplc_admdvs: HARBIN });

    const est = await claims.estimateClaim(w.db, person, c.id);
    const settled = await getSettlement(w.db, system, directSetlId);
    const { balc: _b1, acct_pay: _a1, psn_cash_pay: _c1, ...settledAmounts } = settled.amounts;
    const { balc: _b2, acct_pay: _a2, psn_cash_pay: _c2, ...claimAmounts } = est.amounts;
    expect(claimAmounts).toEqual(settledAmounts);
    expect(est.reimbursement_fen).toBe(2080000);
    expect(est.amounts.psn_cash_pay).toBe(920000);
    expect(est.terms).toMatchObject({ reduction_bp: 0, admission_ordinal: 1, filing_kind: 'long_term_resident', policy_version_id: settled.terms.policy_version_id });

    await tx((t) => claims.submitClaim(t, person, c.id, { message: '请审核' }, NOW));
    expect(await yearRow(claimant.psn_no)).toEqual([]);
    const approved = await tx((t) => claims.decideClaim(t, harbin, c.id, { decision: 'approve' }, later(1)));
    expect(approved.decision).toMatchObject({ decision: 'approved', reimbursement_fen: 2080000 });
    expect(await yearRow(claimant.psn_no)).toEqual([]);

    const paid = await tx((t) => claims.payClaim(t, harbin, c.id, { payment_ref: 'BANK-0001' }, later(2)));
    expect(paid.status).toBe('paid');
    expect(paid.payment).toMatchObject({ reimbursement_fen: 2080000, payment_ref: 'BANK-0001', business_date: '2026-11-25' });
    expect(paid.payment!.year_totals_after).toEqual(settled.year_totals_after);
    expect(await yearRow(claimant.psn_no)).toEqual([{ d: '120000', p: '2080000' }]);
    expect((await balance(w.db, system, `pocket:${claimant.psn_no}`)).balance_fen).toBe(2080000);
    expect(await w.ledgerTotal()).toBe(0);
    expect(paid.events.map((e) => [e.from_status, e.to_status])).toEqual([
      [null, 'draft'],
      ['draft', 'submitted'],
      ['submitted', 'approved'],
      ['approved', 'paid'],
    ]);
  });

  it('counts a paid inpatient claim as an admission of the year, as a settled stay counts', async () => {
    const c = await readyClaim(claimant, { invoice_no: 'SECOND-STAY-1' });
    const est = await claims.estimateClaim(w.db, personActor(claimant), c.id);
    expect(est.terms.admission_ordinal).toBe(2);
    // The second admission's deductible (600) on the year totals the first claim left.
    expect(est.amounts.act_pay_dedc).toBe(60000);
    expect(est.year_totals_before.pooled_paid_fen).toBe(2080000);
  });

  it('counts a paid inpatient claim when a later stay is settled at the desk, and that stay when a later claim is computed', async () => {
    const first = await readyClaim(returning);
    await tx((t) => claims.submitClaim(t, personActor(returning), first.id, { message: '' }, NOW));
    await tx((t) => claims.decideClaim(t, harbin, first.id, { decision: 'approve' }, later(1)));
    await tx((t) => claims.payClaim(t, harbin, first.id, { payment_ref: 'BANK-0009' }, later(2)));

    const stay = await admittedAndBilled(w, returning, WORKED_EXAMPLE);
    const answer = await w.ok('2304', settleInput(stay, returning.psn_no, 30000));
    // The later admissions' deductible (600 yuan), not the first's (1 200).
    expect(answer.setlinfo.act_pay_dedc).toBe(600);
    expect((await getSettlement(w.db, system, answer.setlinfo.setl_id)).terms.admission_ordinal).toBe(2);

    const third = await readyClaim(returning, { invoice_no: 'THIRD-STAY-1' });
    expect((await claims.estimateClaim(w.db, personActor(returning), third.id)).terms.admission_ordinal).toBe(3);
  });

  it("pays an unfiled case at the insured place's reduced ratio, as the settlement estimate says a manual claim would", async () => {
    const c = await readyClaim(unfiled, { reason: 'not_filed', institution_code: undefined, institution_name: '深圳某诊所医院', level: 3 });
    expect(c).toMatchObject({ basis: 'unfiled', filing_kind: null });
    expect(c.checklist.items.map((i) => i.type)).toContain('residence_proof');
    const est = await claims.estimateClaim(w.db, personActor(unfiled), c.id);
    // (27 200 − 1 200) × (80 % − 20 points) = 15 600 yuan.
    expect(est.reimbursement_fen).toBe(1560000);
    expect(est.terms.reduction_bp).toBe(2000);
    const e = await estimate(
      w.db,
      personActor(unfiled),
      { psn_no: unfiled.psn_no, area: SHENZHEN, level: 3, med_kind: 'inpatient', total_fen: fen(3000000), split: { classA_fen: fen(2000000), classB_fen: fen(800000), classC_fen: fen(200000) } },
      TODAY,
    );
    expect(e.basis).toBe('manual_claim');
    expect(e.result.setlinfo.fund_pay_sumamt).toBe(est.reimbursement_fen);

    const byClass = await tx((t) => claims.setBill(t, personActor(unfiled), c.id, { classes: { classA_fen: fen(2000000), classB_fen: fen(800000), classC_fen: fen(200000) } }, NOW));
    expect(byClass).toMatchObject({ kind: 'classes', class_b_share_bp: 1000, medfee_sumamt_fen: 3000000 });
    expect((await claims.estimateClaim(w.db, personActor(unfiled), c.id)).reimbursement_fen).toBe(1560000);
  });
});

describe('the review', () => {
  it('asks for documents, stops the clock while the person answers, and pays a partly approved claim on its adjusted lines', async () => {
    const person = personActor(another);
    const c = await readyClaim(another, { reason: 'not_filed', institution_code: undefined, institution_name: '某医院', level: 2 });
    const submitted = await tx((t) => claims.submitClaim(t, person, c.id, {}, NOW));
    expect(submitted.status).toBe('submitted');
    expect(submitted.clock).toMatchObject({ used_days: 0, running: true });
    const limit = submitted.clock!.limit_days;

    const asked = await tx((t) => claims.requestDocuments(t, harbin, c.id, { message: '请补充出院小结原件扫描件', documents: ['discharge_summary'] }, later(3)));
    expect(asked.status).toBe('more_documents_requested');
    expect(asked.clock).toMatchObject({ used_days: 3, running: false, due_date: null });
    expect(asked.events.at(-1)).toMatchObject({ message: '请补充出院小结原件扫描件', actor: 'insured_agency:hrb' });

    const unanswered = await failure(tx((t) => claims.answerRequest(t, person, c.id, {}, later(7))));
    expect(unanswered.issues).toEqual([{ path: 'documents.discharge_summary', message: 'was asked for and is not uploaded since' }]);
    await upload(person, c.id, 'discharge_summary', PNG, later(7));
    const answered = await tx((t) => claims.answerRequest(t, person, c.id, { message: '已补充' }, later(7)));
    // Submitted on Monday 23rd; 3 working days used by Thursday 26th; resumed Monday 30th with the rest.
    expect(answered.clock).toMatchObject({ used_days: 3, running: true });
    expect(answered.due_date).toBe(claimsDue('2026-11-30', limit - 3));

    const adjusted: BillInput = { lines: [{ hilist_code: CLASS_A, name: '诊疗项目', price_fen: fen(1000000), qty: 1, amount_fen: fen(1000000) }] };
    const decided = await tx((t) => claims.decideClaim(t, harbin, c.id, { decision: 'partly_approve', reason: '部分项目不符合报销范围', bill: adjusted }, later(8)));
    expect(decided.status).toBe('partly_approved');
    // The person's own bill stays as entered; the approval points at the agency's adjusted one.
    expect(decided.bill!.medfee_sumamt_fen).toBe(3000000);
    expect(decided.decision!.bill_id).not.toBe(decided.bill!.id);
    const paid = await tx((t) => claims.payClaim(t, harbin, c.id, { payment_ref: 'BANK-0002' }, later(9)));
    expect(paid.payment!.amounts.medfee_sumamt).toBe(1000000);
    expect(paid.payment!.reimbursement_fen).toBe(decided.decision!.reimbursement_fen);
    expect(await w.ledgerTotal()).toBe(0);

    const audited = await w.db.query(`SELECT actor, action FROM audit_log WHERE entity = 'claim' AND entity_id = $1 ORDER BY id`, [String(c.id)]);
    const changes = audited.rows.filter((r) => /^claim\.(draft|submitted|more_documents_requested|approved|partly_approved|rejected|paid|create)$/.test(r.action));
    expect(changes.map((r) => [r.action, r.actor])).toEqual([
      ['claim.create', `person:${another.psn_no}`],
      ['claim.submitted', `person:${another.psn_no}`],
      ['claim.more_documents_requested', 'insured_agency:hrb'],
      ['claim.submitted', `person:${another.psn_no}`],
      ['claim.partly_approved', 'insured_agency:hrb'],
      ['claim.paid', 'insured_agency:hrb'],
    ]);
  });

  it('leaves no trace in money or totals when rejected, and frees the invoice', async () => {
    const person = personActor(relative);
    const c = await readyClaim(relative, { reason: 'not_filed', institution_code: undefined, institution_name: '某医院', level: 1, invoice_no: 'rej 0001' });
    await tx((t) => claims.submitClaim(t, person, c.id, {}, NOW));
    const rejected = await tx((t) => claims.decideClaim(t, harbin, c.id, { decision: 'reject', reason: '发票与清单不符' }, later(1)));
    expect(rejected).toMatchObject({ status: 'rejected', decision: { decision: 'rejected', reason: '发票与清单不符', reimbursement_fen: null }, payment: null });
    expect(await yearRow(relative.psn_no)).toEqual([]);
    const transfers = await w.db.query(`SELECT count(*)::int AS n FROM ledger_transfer WHERE ref_kind = 'claim' AND ref_id = $1`, [String(c.id)]);
    expect(transfers.rows[0].n).toBe(0);
    expect((await balance(w.db, system, `pocket:${relative.psn_no}`)).balance_fen).toBe(0);
    expect(await failure(tx((t) => claims.payClaim(t, harbin, c.id, { payment_ref: 'X' }, later(2))))).toMatchObject({ code: 'business_rule' });
    const again = await tx((t) => claims.createClaim(t, person, caseOf(relative, { reason: 'not_filed', institution_code: undefined, institution_name: '某医院', level: 1, invoice_no: 'REJ0001' }), later(2)));
    expect(again.invoice_no).toBe('REJ0001');
  });

  it('refuses transitions the status does not allow, and decisions by another region', async () => {
    const c = await tx((t) => claims.createClaim(t, personActor(another), caseOf(another, { reason: 'not_filed', institution_code: undefined, institution_name: '某医院', level: 2 }), NOW));
    expect(await failure(tx((t) => claims.decideClaim(t, harbin, c.id, { decision: 'approve' }, NOW)))).toMatchObject({ code: 'business_rule' });
    expect(await failure(tx((t) => claims.decideClaim(t, shenyang, c.id, { decision: 'approve' }, NOW)))).toMatchObject({ code: 'forbidden' });
    expect(await failure(tx((t) => claims.decideClaim(t, personActor(another), c.id, { decision: 'approve' }, NOW)))).toMatchObject({ code: 'forbidden' });
    expect(await failure(tx((t) => claims.submitClaim(t, harbin, c.id, {}, NOW)))).toMatchObject({ code: 'business_rule', issues: expect.arrayContaining([{ path: 'bill', message: expect.stringMatching(/missing/) }]) });
  });
});

describe('what cannot be claimed', () => {
  it('refuses the same invoice twice, however it is typed', async () => {
    const first = await tx((t) => claims.createClaim(t, personActor(another), caseOf(another, { reason: 'not_filed', institution_code: undefined, institution_name: '某医院', level: 2, invoice_no: 'DUP-42' }), NOW));
    const err = await failure(tx((t) => claims.createClaim(t, personActor(another), caseOf(another, { reason: 'not_filed', institution_code: undefined, institution_name: '某医院', level: 2, invoice_no: ' dup-42 ' }), NOW)));
    expect(err).toMatchObject({ code: 'conflict', issues: [{ path: 'invoice_no', message: 'is already claimed' }] });
    expect(err.message).toMatch(new RegExp(`your claim ${first.id}`));
    const other = await failure(tx((t) => claims.createClaim(t, personActor(unfiled), caseOf(unfiled, { reason: 'not_filed', institution_code: undefined, institution_name: '某医院', level: 2, invoice_no: 'DUP-42' }), NOW)));
    expect(other.message).toMatch(/another claim/);
  });

  it('refuses an invoice settled directly at the desk', async () => {
    const err = await failure(tx((t) => claims.createClaim(t, personActor(direct), caseOf(direct, { invoice_no: 'sz-2026-000777' }), NOW)));
    expect(err.code).toBe('conflict');
    expect(err.message).toMatch(new RegExp(`settled directly at the desk \\(settlement ${directSetlId}`));
  });

  it('refuses a submission after the deadline, naming the day it passed and whom to contact', async () => {
    const early = new Date('2026-01-10T02:00:00Z');
    const person = personActor(unfiled);
    const c = await tx((t) => claims.createClaim(t, person, caseOf(unfiled, { reason: 'not_filed', institution_code: undefined, institution_name: '某医院', level: 2, begin_date: '2026-01-03', end_date: '2026-01-05' }), early));
    for (const item of c.checklist.items) await upload(person, c.id, item.type, PDF, early);
    await tx((t) => claims.setBill(t, person, c.id, WORKED_LINES, early));
    const dayAfter = new Date(`${addDays(c.submit_deadline, 1)}T02:00:00Z`);
    const err = await failure(tx((t) => claims.submitClaim(t, person, c.id, {}, dayAfter)));
    expect(err.code).toBe('business_rule');
    expect(err.message).toContain(`was ${c.submit_deadline}; it passed on ${addDays(c.submit_deadline, 1)}`);
    expect(err.message).toMatch(/medical insurance agency of .* \(230100\)/);
    expect((await claims.getClaim(w.db, person, c.id, TODAY)).status).toBe('draft');
    const onTheDay = await tx((t) => claims.submitClaim(t, person, c.id, {}, new Date(`${c.submit_deadline}T02:00:00Z`)));
    expect(onTheDay.status).toBe('submitted');
  });

  it('names each bad field and writes nothing', async () => {
    const before = (await w.db.query('SELECT count(*)::int AS n FROM claim')).rows[0].n;
    const err = await failure(
      tx((t) =>
        claims.createClaim(t, personActor(another), caseOf(another, { begin_date: '2026-11-22', end_date: '2026-11-21', invoice_no: '?', institution_name: ' ', agent: { name: 'x', certno: '123', relation: '女儿' } }), NOW),
      ),
    );
    expect(err.code).toBe('validation');
    expect(err.issues.map((i) => i.path).sort()).toEqual(['agent.certno', 'end_date', 'institution_name', 'invoice_no']);
    expect(await failure(tx((t) => claims.createClaim(t, personActor(another), caseOf(another, { mdtrtarea_admvs: '999999' }), NOW)))).toMatchObject({ code: 'validation', issues: [{ path: 'mdtrtarea_admvs' }] });
    expect(await failure(tx((t) => claims.createClaim(t, personActor(another), caseOf(another, { reason: 'not_filed', institution_code: 'H99999999999' }), NOW)))).toMatchObject({ issues: [{ path: 'institution_code' }] });
    expect((await w.db.query('SELECT count(*)::int AS n FROM claim')).rows[0].n).toBe(before);
  });

  it("refuses another person's claim", async () => {
    expect(await failure(tx((t) => claims.createClaim(t, personActor(another), caseOf(claimant, { invoice_no: 'NOTMINE1' }), NOW)))).toMatchObject({ code: 'forbidden' });
  });
});

describe('documents', () => {
  let id: number;
  let docId: number;
  beforeAll(async () => {
    const c = await tx((t) =>
      claims.createClaim(
        t,
        personActor(unfiled),
        caseOf(unfiled, { reason: 'not_filed', institution_code: undefined, institution_name: '某医院', level: 2, agent: { name: '李芳', certno: relative.certno, relation: '女儿', psn_no: relative.psn_no } }),
        NOW,
      ),
    );
    id = c.id;
    expect(c.checklist.items.map((i) => i.type)).toContain('agent_id');
    docId = (await upload(personActor(relative), id, 'agent_id', PNG)).id;
  });

  it('lets the agent change the details but not who acts for the person', async () => {
    const theCase = caseOf(unfiled, { reason: 'not_filed', institution_code: undefined, institution_name: '某医院（更正）', level: 2, agent: { name: '李芳', certno: relative.certno, relation: '女儿', psn_no: relative.psn_no } });
    const current = await claims.getClaim(w.db, personActor(relative), id, TODAY);
    const changed = await tx((t) => claims.updateClaim(t, personActor(relative), id, { ...theCase, invoice_no: current.invoice_no }, NOW));
    expect(changed.institution_name).toBe('某医院（更正）');
    const err = await failure(tx((t) => claims.updateClaim(t, personActor(relative), id, { ...theCase, invoice_no: current.invoice_no, agent: { ...theCase.agent!, psn_no: another.psn_no } }, NOW)));
    expect(err.issues).toEqual([{ path: 'agent', message: 'can be changed by the person only' }]);
  });

  it('keeps the type read from the content and a checksum; the person, the agent and the insured place may read it', async () => {
    const files = documentFiles({ documentsDir: null });
    for (const who of [personActor(unfiled), personActor(relative), harbin]) {
      const { document, content } = await claims.readDocument(w.db, who, id, docId, files);
      expect(document).toMatchObject({ media_type: 'image/png', file_name: 'agent_id.pdf', size_bytes: PNG.length, doc_type: 'agent_id' });
      expect(document.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(Buffer.compare(content, PNG)).toBe(0);
    }
    for (const who of [personActor(another), national, shenyang]) {
      expect(await failure(claims.readDocument(w.db, who, id, docId, files))).toMatchObject({ code: 'forbidden' });
    }
  });

  it('refuses another type, an empty file, a file over the limit (naming it) and an unknown document type', async () => {
    const html = await failure(upload(personActor(unfiled), id, 'invoice', Buffer.from('<html>invoice</html>')));
    expect(html).toMatchObject({ code: 'validation', issues: [{ path: 'content' }] });
    const big = Buffer.concat([PDF, Buffer.alloc(LIMITS.documentMaxBytes)]);
    const tooBig = await failure(upload(personActor(unfiled), id, 'invoice', big));
    expect(tooBig.issues[0]).toEqual({ path: 'content', message: 'is over the limit of 65536 bytes (65536 bytes)' });
    expect(await failure(upload(personActor(unfiled), id, 'passport'))).toMatchObject({ issues: [{ path: 'doc_type' }] });
    expect(await failure(upload(personActor(another), id, 'invoice'))).toMatchObject({ code: 'forbidden' });
    expect((await claims.listDocuments(w.db, personActor(unfiled), id)).map((d) => d.id)).toEqual([docId]);
  });

  it('writes to the documents directory through a temporary file, and leaves nothing when the transaction fails', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yidi-claims-docs-'));
    try {
      const config = { documentsDir: dir, documentMaxBytes: 64 * 1024 };
      const stored = await claims.uploadDocumentIn(w.db, config, personActor(unfiled), id, { doc_type: 'invoice', file_name: '发票.pdf', content: PDF }, NOW);
      const files = fs.readdirSync(path.join(dir, 'claims', String(id)));
      expect(files).toHaveLength(1);
      expect(files[0]).not.toMatch(/\.tmp$/);
      const read = await claims.readDocument(w.db, harbin, id, stored.id, documentFiles(config));
      expect(Buffer.compare(read.content, PDF)).toBe(0);

      const countBefore = (await claims.listDocuments(w.db, personActor(unfiled), id)).length;
      await expect(
        withDocumentFiles(w.db, config, async (t, f) => {
          await claims.uploadDocument(t, personActor(unfiled), id, { doc_type: 'fee_list', file_name: 'list.pdf', content: PDF }, f, config.documentMaxBytes, NOW);
          throw new Error('the commit failed');
        }),
      ).rejects.toThrow('the commit failed');
      expect(fs.readdirSync(path.join(dir, 'claims', String(id)))).toEqual(files);
      expect((await claims.listDocuments(w.db, personActor(unfiled), id)).length).toBe(countBefore);

      // The stored copy is checked against its checksum on every read.
      fs.writeFileSync(path.join(dir, 'claims', String(id), files[0]!), Buffer.from('%PDF-tampered'));
      expect(await failure(claims.readDocument(w.db, harbin, id, stored.id, documentFiles(config)))).toMatchObject({ code: 'conflict' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists the claims of the person and of their agent, and the queue of the insured place', async () => {
    const mine = await claims.listClaims(w.db, personActor(relative), {}, TODAY);
    expect(mine.items.map((c) => c.id)).toContain(id);
    const queue = await claims.listClaims(w.db, harbin, {}, TODAY);
    expect(queue.items.every((c) => c.status === 'submitted')).toBe(true);
    expect((await claims.listClaims(w.db, shenyang, { status: ['draft', 'submitted', 'paid'] }, TODAY)).total).toBe(0);
    const overdue = await claims.listClaims(w.db, harbin, { overdue: true }, '2027-06-01');
    expect(overdue.items.length).toBeGreaterThan(0);
    expect(overdue.items.every((c) => c.clock!.overdue)).toBe(true);
  });
});

describe("the insured place's own claim rules", () => {
  it('name the documents of a reason and the catalogue that classifies the lines', async () => {
    const resident = personOf(HARBIN, { insutype: '390' });
    await tx(async (t) => {
      await addPersons(t, [resident]);
      const current = (await exportPolicies(t, system, { pooling_area: HARBIN, insutype: '390' })).policies.at(-1)!;
      const rules = { documents: { not_filed: ['invoice' as const, 'bank_account' as const] }, catalogue: 'insured_place' as const };
      await importPolicies(t, system, { policies: [{ ...current, begndate: '2026-06-01', claims: rules }] });
      // Heilongjiang lists the item the treatment place pays as class A as class C.
      await importCatalog(t, system, {
        items: [{ province: '230000', hilist_code: CLASS_A, hilist_name: '诊疗项目', list_type: '201', med_chrgitm_type: '05', chrgitm_lv: '03', selfpay_prop_bp: 0, pric_uplmt_fen: null, begndate: '2026-01-01', enddate: null }],
      });
    });
    const c = await readyClaim(resident, { reason: 'not_filed', institution_code: undefined, institution_name: '某医院', level: 3 }, {
      lines: [{ hilist_code: CLASS_A, name: '诊疗项目', price_fen: fen(500000), qty: 1, amount_fen: fen(500000) }],
    });
    expect(c.checklist.items.map((i) => i.type)).toEqual(['invoice', 'bank_account']);
    const detail = await claims.getClaim(w.db, personActor(resident), c.id, TODAY);
    expect(detail.bill).toMatchObject({ catalogue_province: '230000', totals: { fulamt_ownpay_fen: 500000, inscp_scp_fen: 0 } });
    expect((await claims.estimateClaim(w.db, personActor(resident), c.id)).reimbursement_fen).toBe(0);
  });
});

/** The due date a resumed clock gets: `left` working days after `from`. */
function claimsDue(from: string, left: number): string {
  let d = from;
  for (let n = left; n > 0; ) {
    d = addDays(d, 1);
    const day = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (day !== 0 && day !== 6) n--;
  }
  return d;
}
