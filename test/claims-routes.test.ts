import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../src/auth/model.ts';
import { routes } from '../src/claims/routes.ts';
import type { App } from '../src/http/types.ts';
import { CLASS_A, CLASS_B, CLASS_C, harbinEmployee, HOSPITAL, settlementWorld, SHENZHEN, type World } from './settlement-harness.ts';
import { personActor } from './support/fixtures.ts';
import { routeTestApp } from './support/route-app.ts';

const patient = harbinEmployee();
const neighbour = harbinEmployee();

const principals: Record<string, Principal> = {
  patient: personActor(patient),
  neighbour: personActor(neighbour),
  harbin: { kind: 'insured_agency', userId: 1, username: 'hrb', region: '230100' },
  shenyang: { kind: 'insured_agency', userId: 2, username: 'sy', region: '210100' },
  national: { kind: 'national', userId: 3, username: 'nhsa' },
};

const PDF = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj << >> endobj\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(16, 7)]);
const TEN_MIB = 10 * 1024 * 1024;

let w: World;
let app: App;
let id: number;

const as = (who: string) => ({ 'x-test-as': who });
const get = (url: string, who: string) => app.inject({ method: 'GET', url, headers: as(who) });
const send = (method: 'POST' | 'PUT', url: string, who: string, payload: unknown) => app.inject({ method, url, headers: as(who), payload: payload as object });
const upload = (who: string, doc_type: string, body: Buffer, contentType = 'application/pdf', file_name = `${doc_type}.pdf`) =>
  app.inject({
    method: 'POST',
    url: `/api/claims/${id}/documents?doc_type=${doc_type}&file_name=${encodeURIComponent(file_name)}`,
    headers: { ...as(who), 'content-type': contentType },
    payload: body,
  });

const theCase = {
  psn_no: patient.psn_no,
  reason: 'system_failure',
  med_kind: 'inpatient',
  mdtrtarea_admvs: SHENZHEN,
  institution_code: HOSPITAL,
  institution_name: '深圳市第二人民医院',
  begin_date: '2026-11-23',
  end_date: '2026-11-23',
  invoice_no: '4403 2611 0000 01',
};

beforeAll(async () => {
  w = await settlementWorld([
    { person: patient, kind: 'long_term_resident' },
    { person: neighbour, kind: null },
  ]);
  app = await routeTestApp(w.db, routes, principals, '2026-11-23T02:00:00Z');
});
afterAll(async () => {
  await app?.close();
  await w?.close();
});

describe('a person claims online', () => {
  it('sees what the case needs before starting, then starts a draft', async () => {
    const preview = await send('POST', '/api/claims/preview', 'patient', theCase);
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({ basis: 'filing', filing_kind: 'long_term_resident', reduction_bp: 0, checklist: { complete: false } });
    expect(preview.json().checklist.items.map((i: { type: string }) => i.type)).toEqual(['invoice', 'fee_list', 'discharge_summary', 'bank_account']);

    const created = await send('POST', '/api/claims', 'patient', theCase);
    expect(created.statusCode, created.body).toBe(201);
    id = created.json().id;
    expect(created.json()).toMatchObject({ status: 'draft', invoice_no: '44032611000001', level: 3, events: [{ to_status: 'draft' }] });
    expect(created.json().contact.en).toMatch(/230100/);
  });

  it('names a bad field and refuses a claim for someone else', async () => {
    const bad = await send('POST', '/api/claims', 'patient', { ...theCase, reason: 'lost_wallet' });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().errors)).toMatch(/reason/);
    expect((await send('POST', '/api/claims', 'neighbour', { ...theCase, invoice_no: 'OTHER-1' })).statusCode).toBe(403);
    expect((await send('POST', '/api/claims', 'patient', theCase)).statusCode).toBe(409);
  });

  it('uploads the raw file, typed by its content, within the size limit', async () => {
    const pdf = await upload('patient', 'invoice', PDF);
    expect(pdf.statusCode, pdf.body).toBe(201);
    expect(pdf.json()).toMatchObject({ doc_type: 'invoice', media_type: 'application/pdf', size_bytes: PDF.length });
    const png = await upload('patient', 'fee_list', PNG, 'application/octet-stream', '清单.pdf');
    expect(png.statusCode).toBe(201);
    expect(png.json()).toMatchObject({ media_type: 'image/png', file_name: '清单.pdf' });

    const html = await upload('patient', 'discharge_summary', Buffer.from('<html></html>'));
    expect(html.statusCode).toBe(400);
    expect(html.json().errors).toEqual([{ path: 'content', message: expect.stringMatching(/not a PDF, JPEG or PNG/) }]);
    const big = await upload('patient', 'discharge_summary', Buffer.concat([PDF, Buffer.alloc(TEN_MIB)]));
    expect(big.statusCode).toBe(413);
    expect(big.json().detail).toMatch(/limit of 10 MiB/);
    // The claim publishes the limit the refusal applies, for the portal to show beside the uploads.
    expect((await get(`/api/claims/${id}`, 'patient')).json().document_max_bytes).toBe(TEN_MIB);
    const json = await send('POST', `/api/claims/${id}/documents?doc_type=invoice&file_name=a.pdf`, 'patient', { not: 'a file' });
    expect(json.statusCode).toBe(400);
    expect((await upload('patient', 'passport', PDF)).statusCode).toBe(400);
    expect((await upload('neighbour', 'invoice', PDF)).statusCode).toBe(403);

    const checklist = (await get(`/api/claims/${id}/checklist`, 'patient')).json();
    expect(checklist.missing).toEqual(['discharge_summary', 'bank_account']);
  });

  it('lets the person, and the insured place, download a document with its checksum', async () => {
    const docs = (await get(`/api/claims/${id}/documents`, 'patient')).json();
    const first = docs[0];
    for (const who of ['patient', 'harbin']) {
      const res = await get(`/api/claims/${id}/documents/${first.id}`, who);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['x-content-sha256']).toBe(first.sha256);
      expect(Buffer.compare(res.rawPayload, PDF)).toBe(0);
    }
    for (const who of ['neighbour', 'national', 'shenyang']) expect((await get(`/api/claims/${id}/documents/${first.id}`, who)).statusCode).toBe(403);
  });

  it('enters the bill, sees the estimate, and submits only when complete', async () => {
    const bill = await send('PUT', `/api/claims/${id}/bill`, 'patient', {
      lines: [
        { hilist_code: CLASS_A, name: '诊疗项目', price_fen: 2000000, qty: 1, amount_fen: 2000000 },
        { hilist_code: CLASS_B, name: '阿莫西林胶囊', price_fen: 200000, qty: '4', amount_fen: 800000 },
        { hilist_code: CLASS_C, name: '某丙类药品', price_fen: 200000, qty: 1, amount_fen: 200000 },
      ],
    });
    expect(bill.statusCode, bill.body).toBe(200);
    expect(bill.json()).toMatchObject({ kind: 'lines', medfee_sumamt_fen: 3000000, totals: { fulamt_ownpay_fen: 200000, preselfpay_fen: 80000, inscp_scp_fen: 2720000 } });
    const est = await get(`/api/claims/${id}/estimate`, 'patient');
    expect(est.statusCode, est.body).toBe(200);
    expect(est.json()).toMatchObject({ reimbursement_fen: 2080000, amounts: { act_pay_dedc: 120000, hifp_pay: 2080000, psn_part_amt: 920000 } });

    const early = await send('POST', `/api/claims/${id}/submit`, 'patient', {});
    expect(early.statusCode).toBe(422);
    expect(early.json().errors.map((e: { path: string }) => e.path)).toEqual(['documents.discharge_summary', 'documents.bank_account']);
    expect((await upload('patient', 'discharge_summary', PDF)).statusCode).toBe(201);
    expect((await upload('patient', 'bank_account', PNG, 'image/png', 'card.png')).statusCode).toBe(201);
    const submitted = await send('POST', `/api/claims/${id}/submit`, 'patient', { message: '请审核' });
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect(submitted.json()).toMatchObject({ status: 'submitted', clock: { used_days: 0, running: true } });
    expect((await send('PUT', `/api/claims/${id}/bill`, 'patient', { classes: { classA_fen: 1, classB_fen: 0, classC_fen: 0 } })).statusCode).toBe(422);
  });
});

describe('the insured place reviews and pays', () => {
  it('finds the claim in its queue; other regions and persons do not', async () => {
    const queue = await get('/api/claims/review', 'harbin');
    expect(queue.statusCode, queue.body).toBe(200);
    expect(queue.json().items.map((c: { id: number }) => c.id)).toEqual([id]);
    expect(queue.json().items[0]).toMatchObject({ medfee_sumamt_fen: 3000000, psn_name: patient.name });
    expect((await get('/api/claims/review', 'shenyang')).json().total).toBe(0);
    expect((await get('/api/claims/review', 'patient')).statusCode).toBe(403);
    expect((await get('/api/claims/review?status=lost', 'harbin')).statusCode).toBe(400);
  });

  it('asks for a document; the person answers with it; the agency approves and pays', async () => {
    const ask = await send('POST', `/api/claims/${id}/decision`, 'harbin', { decision: 'request_documents', message: '请补充诊断证明', documents: ['diagnosis_certificate'] });
    expect(ask.statusCode, ask.body).toBe(200);
    expect(ask.json().status).toBe('more_documents_requested');
    const seen = (await get(`/api/claims/${id}`, 'patient')).json();
    expect(seen.events.at(-1)).toMatchObject({ to_status: 'more_documents_requested', message: '请补充诊断证明', detail: { documents: ['diagnosis_certificate'] } });

    expect((await send('POST', `/api/claims/${id}/answer`, 'patient', {})).statusCode).toBe(422);
    expect((await upload('patient', 'diagnosis_certificate', PDF)).statusCode).toBe(201);
    const answered = await send('POST', `/api/claims/${id}/answer`, 'patient', { message: '已补充' });
    expect(answered.statusCode, answered.body).toBe(200);

    expect((await send('POST', `/api/claims/${id}/decision`, 'patient', { decision: 'approve' })).statusCode).toBe(403);
    expect((await send('POST', `/api/claims/${id}/decision`, 'harbin', { decision: 'reject' })).statusCode).toBe(400);
    const approved = await send('POST', `/api/claims/${id}/decision`, 'harbin', { decision: 'approve', message: '符合规定' });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().decision).toMatchObject({ decision: 'approved', reimbursement_fen: 2080000 });

    const paid = await send('POST', `/api/claims/${id}/payment`, 'harbin', { payment_ref: 'ICBC-20261123-0001' });
    expect(paid.statusCode, paid.body).toBe(200);
    expect(paid.json()).toMatchObject({ status: 'paid', payment: { reimbursement_fen: 2080000, payment_ref: 'ICBC-20261123-0001' } });
    expect(await w.ledgerTotal()).toBe(0);
    expect((await send('POST', `/api/claims/${id}/payment`, 'harbin', { payment_ref: 'AGAIN' })).statusCode).toBe(422);
  });

  it("shows the person their claims with the status history", async () => {
    const mine = await get('/api/claims', 'patient');
    expect(mine.statusCode).toBe(200);
    expect(mine.json().items.map((c: { id: number; status: string }) => [c.id, c.status])).toEqual([[id, 'paid']]);
    expect((await get('/api/claims', 'neighbour')).json().total).toBe(0);
    const detail = (await get(`/api/claims/${id}`, 'patient')).json();
    expect(detail.events.map((e: { to_status: string }) => e.to_status)).toEqual(['draft', 'submitted', 'more_documents_requested', 'submitted', 'approved', 'paid']);
    expect((await get(`/api/claims/${id}`, 'neighbour')).statusCode).toBe(403);
    expect((await get('/api/claims/999999', 'national')).statusCode).toBe(404);
  });

  it('describes every endpoint in the OpenAPI document under the claims tag', async () => {
    const doc = app.swagger() as { paths: Record<string, Record<string, { tags?: string[] }>> };
    const paths = Object.keys(doc.paths).filter((p) => p.startsWith('/api/claims'));
    expect(paths.length).toBeGreaterThanOrEqual(10);
    for (const p of paths) for (const op of Object.values(doc.paths[p]!)) expect(op.tags).toEqual(['claims']);
  });
});
