import { deflateSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CredentialPerson } from '../../src/demo/model.ts';
import { formatYuan } from '../../web/src/format.ts';
import { DESKTOP, hasChromium, horizontalOverflow, htmlLang, open, PHONE, shot, startPortal, untranslated, type Portal, type Viewport } from './support.ts';

/**
 * Manual reimbursement (手工报销) in a real browser, end to end: the unfiled
 * Wuhan employee claims a stay in Shenzhen (choosing why, seeing exactly which
 * papers the case needs and by when), uploads them (a wrong file and one over
 * the limit are refused with the server's words), enters the fee lines, sees
 * the engine's estimate and submits; the Wuhan agency asks for a clearer
 * discharge summary, the person answers, the agency approves and records the
 * payment, and the person sees it paid. Every figure is held to the API's.
 */

const SHENZHEN = '440300';
const GUANGDONG = '440000';

interface CatalogItem {
  hilist_code: string;
  hilist_name: string;
  chrgitm_lv: '01' | '02' | '03';
  pric_uplmt_fen: number | null;
}

interface Amounts {
  medfee_sumamt: number;
  fund_pay_sumamt: number;
  psn_part_amt: number;
  [field: string]: number;
}

interface ApiClaim {
  id: number;
  status: string;
  submit_deadline: string;
  checklist: { items: { type: string }[]; complete: boolean; missing: string[]; submit_deadline: string; deadline_passed: boolean };
  documents: { id: number; doc_type: string; media_type: string; file_name: string }[];
  bill: { id: number; medfee_sumamt_fen: number } | null;
  decision: { reimbursement_fen: number | null } | null;
  payment: { reimbursement_fen: number; payment_ref: string; amounts: Amounts } | null;
  events: { to_status: string; message: string | null }[];
  contact: { zh: string; en: string };
}

// ---------------------------------------------------------------- small valid files

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A small picture of a paper: white, a coloured header band and grey "text" lines, as a photographed document would look. */
function paperPng(width: number, height: number, band: [number, number, number]): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      let px: [number, number, number] = [250, 250, 247];
      if (y < height * 0.12) px = band;
      else if (x > width * 0.08 && x < width * 0.92 && y % 14 < 3 && (y / 14) % 5 < 4 && x < width * (0.5 + ((y * 7) % 40) / 100)) px = [150, 156, 163];
      if (x < 2 || y < 2 || x >= width - 2 || y >= height - 2) px = [200, 205, 210];
      row.set(px, 1 + x * 3);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

/** A one-page PDF with a line of text, its cross-reference table at the right offsets. */
function onePagePdf(text: string): Buffer {
  const content = `BT /F1 18 Tf 60 760 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const PNG_OF: Record<string, [number, number, number]> = {
  invoice: [196, 38, 46],
  discharge_summary: [11, 79, 138],
  diagnosis_certificate: [13, 95, 51],
  residence_proof: [122, 65, 0],
  bank_account: [60, 60, 120],
};

/** `n` days before the Beijing business date today. */
function daysAgo(n: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
}

describe.skipIf(!hasChromium)('manual claims in a browser', () => {
  let portal: Portal;
  let person: CredentialPerson;
  let agencyUser: { username: string; password: string };
  let claimId = 0;
  let lines: { name: string; code: string | null; price: string; qty: string }[];
  const invoiceNo = '4403 2611 0000 7788';
  const begin = daysAgo(12);
  const end = daysAgo(8);

  beforeAll(async () => {
    portal = await startPortal();
    person = portal.creds.persons.find((p) => p.persona === 'unfiled')!;
    expect(person.filings).toEqual([]);
    agencyUser = portal.creds.staff.find((s) => s.username === `insured-${person.insuplc_admdvs}`)!;
    expect(agencyUser, `no insured-place agency user for ${person.insuplc_admdvs}`).toBeDefined();

    // Lines from the treatment province's catalogue: one of each class, priced under any cap, and one without a code.
    const items = async (lv: string) =>
      ((await (await fetch(`${portal.base}/api/catalog?province=${GUANGDONG}&chrgitm_lv=${lv}&date=${end}&page_size=500`)).json()) as { items: CatalogItem[] }).items;
    const [a, b, c] = await Promise.all([items('01'), items('02'), items('03')]);
    const under = (list: CatalogItem[], fen: number) => list.find((i) => i.pric_uplmt_fen === null || i.pric_uplmt_fen >= fen)!;
    const [classA, classB, classC] = [under(a, 120_000), under(b, 8_550), under(c, 30_000)];
    expect(classA && classB && classC, 'the demo catalogue lacks a class A, B or C item').toBeTruthy();
    lines = [
      { name: classA.hilist_name, code: classA.hilist_code, price: '1200', qty: '1' },
      { name: classB.hilist_name, code: classB.hilist_code, price: '85.50', qty: '4' },
      { name: classC.hilist_name, code: classC.hilist_code, price: '300', qty: '1' },
      { name: '陪护床位费', code: null, price: '40', qty: '2.5' },
    ];
  }, 240_000);

  afterAll(async () => {
    await portal?.close();
  });

  /** Signs in through the API: the login page has its own test. */
  async function as(options: Viewport, username: string, password: string, lang: 'zh' | 'en' = 'zh') {
    const session = await open(portal, options);
    if (lang === 'en') await session.ctx.addInitScript("window.localStorage.setItem('yidi.lang', 'en')");
    const res = await session.page.request.post('/api/session', { data: { username, password } });
    expect(res.status()).toBe(200);
    return session;
  }

  const claimOf = async (page: Page, id = claimId) => (await (await page.request.get(`/api/claims/${id}`)).json()) as ApiClaim;

  async function expectStatus(page: Page, status: string) {
    await expect.poll(() => page.getByTestId('claim').getAttribute('data-status'), { timeout: 10_000 }).toBe(status);
  }

  async function upload(page: Page, type: string, file: { name: string; mimeType: string; buffer: Buffer }) {
    const before = (await claimOf(page)).documents.length;
    await page.locator(`input[type=file][name="doc-${type}"]`).setInputFiles(file);
    await expect.poll(async () => (await claimOf(page)).documents.length, { timeout: 10_000 }).toBe(before + 1);
    await expect.poll(() => page.locator(`[data-testid=checklist] [data-doc="${type}"] .claim-files li`).count()).toBeGreaterThan(0);
  }

  const pngFile = (type: string) => ({ name: `${type}.png`, mimeType: 'image/png', buffer: paperPng(360, 480, PNG_OF[type] ?? [90, 90, 90]) });

  it('the person starts a claim: the reason, the treatment, then exactly the papers the case needs and the deadline', async () => {
    const { ctx, page, errors } = await as(PHONE, person.certno, person.password);
    try {
      await page.goto('/me');
      await page.getByRole('link', { name: '报销', exact: true }).click();
      await page.waitForURL('**/claims');
      await expect.poll(() => page.locator('h1').innerText()).toBe('手工报销');
      await expect.poll(() => page.getByText('还没有报销申请').count()).toBe(1);
      await page.getByRole('link', { name: '申请报销' }).click();
      await page.waitForURL('**/claims/new');

      await page.locator('input[name=reason][value=not_filed]').check();
      await page.selectOption('select[name=province]', GUANGDONG);
      await page.selectOption('select[name=area]', SHENZHEN);
      await page.fill('input[name=institution_name]', '深圳市南山区某民营医院');
      await page.selectOption('select[name=level]', '2');
      await page.fill('input[name=begin_date]', begin);
      await page.fill('input[name=end_date]', end);
      await page.fill('input[name=invoice_no]', invoiceNo);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, 'phone-claim-new-zh', true);

      await page.getByRole('button', { name: '查看需要的材料' }).click();
      const preview = page.getByTestId('claim-preview');
      await preview.waitFor();
      const body = {
        psn_no: person.psn_no,
        reason: 'not_filed',
        med_kind: 'inpatient',
        mdtrtarea_admvs: SHENZHEN,
        level: 2,
        institution_name: '深圳市南山区某民营医院',
        begin_date: begin,
        end_date: end,
        invoice_no: invoiceNo,
      };
      const api = (await (await page.request.post('/api/claims/preview', { data: body })).json()) as { basis: string; checklist: ApiClaim['checklist'] };
      expect(api.basis).toBe('unfiled');
      const needs = await preview.locator('[data-doc]').evaluateAll((els) => els.map((e) => e.getAttribute('data-doc')));
      expect(needs).toEqual(api.checklist.items.map((i) => i.type));
      expect(needs).toEqual(['invoice', 'fee_list', 'discharge_summary', 'diagnosis_certificate', 'residence_proof', 'bank_account']);
      expect(await page.getByTestId('preview-deadline').innerText()).toBe(api.checklist.submit_deadline);
      expect(await preview.innerText()).toContain('未备案');
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await preview.evaluate((el) => el.closest('.card')!.scrollIntoView({ block: 'start' }));
      await page.evaluate('window.scrollBy(0, -80)');
      await shot(page, 'phone-claim-preview-zh');

      await page.getByRole('button', { name: '创建报销申请' }).click();
      await page.waitForURL(/\/claims\/\d+$/);
      claimId = Number(new URL(page.url()).pathname.split('/').pop());
      await expectStatus(page, 'draft');
      const rows = page.locator('[data-testid=checklist] > li[data-state]');
      await expect.poll(() => rows.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-doc')}:${e.getAttribute('data-state')}`))).toEqual([
        ...api.checklist.items.map((i) => `${i.type}:missing`),
        'other:extra',
      ]);
      // Nothing can be submitted yet: each missing paper and the bill are named.
      const submit = page.getByRole('button', { name: '提交给参保地' });
      expect(await submit.isDisabled()).toBe(true);
      const blockers = await page.getByTestId('submit-blockers').innerText();
      for (const doc of ['医疗费用发票', '费用明细清单', '出院小结或病历', '诊断证明书', '异地居住（工作）证明', '本人银行卡']) expect(blockers).toContain(doc);
      expect(blockers).toContain('还没有填写费用');
      expect(await page.getByTestId('claim-notice').innerText()).toContain(api.checklist.submit_deadline);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, 'phone-claim-draft-zh');
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 90_000);

  it('the person uploads the papers (a wrong file and one over the limit are refused), enters the bill, sees the estimate and submits', async () => {
    const { ctx, page, errors } = await as(PHONE, person.certno, person.password);
    try {
      await page.goto(`/claims/${claimId}`);
      await expectStatus(page, 'draft');
      expect(await page.getByTestId('checklist-progress').innerText()).toContain('10 MB');

      // A text file named like a PDF: the type is read from the content.
      await page.locator('input[type=file][name="doc-invoice"]').setInputFiles({ name: 'invoice.pdf', mimeType: 'application/pdf', buffer: Buffer.from('just some text, not a scan') });
      const refusal = page.locator('[data-doc="invoice"] [data-testid=upload-error]');
      await refusal.waitFor();
      expect(await refusal.innerText()).toContain('is not a PDF, JPEG or PNG');
      // Over the limit: the server's refusal names it.
      const big = Buffer.alloc(10 * 1024 * 1024 + 1024, 0x20);
      big.write('%PDF-1.4\n');
      await page.locator('input[type=file][name="doc-invoice"]').setInputFiles({ name: 'invoice-scan.pdf', mimeType: 'application/pdf', buffer: big });
      await expect.poll(() => refusal.innerText(), { timeout: 20_000 }).toContain('over the limit of 10 MiB');
      expect((await claimOf(page)).documents).toEqual([]);
      await refusal.evaluate((el) => el.closest('li')!.scrollIntoView({ block: 'start' }));
      await page.evaluate('window.scrollBy(0, -120)');
      await shot(page, 'phone-claim-upload-refused-zh');

      await upload(page, 'invoice', pngFile('invoice'));
      await upload(page, 'fee_list', { name: '费用明细清单.pdf', mimeType: 'application/pdf', buffer: onePagePdf('Itemised fee list - Nanshan hospital') });
      for (const type of ['discharge_summary', 'diagnosis_certificate', 'residence_proof']) await upload(page, type, pngFile(type));
      // A JPEG-less phone may send a PNG named .jpg: it is still read as what it is.
      await upload(page, 'bank_account', { name: 'bank-card.jpg', mimeType: 'image/jpeg', buffer: paperPng(360, 220, PNG_OF.bank_account!) });
      const afterUploads = await claimOf(page);
      expect(afterUploads.checklist.complete).toBe(true);
      expect(afterUploads.documents.find((d) => d.doc_type === 'bank_account')!.media_type).toBe('image/png');
      await expect.poll(() => page.locator('[data-testid=checklist] > li[data-state=provided]').count()).toBe(afterUploads.checklist.items.length);
      expect(await page.getByTestId('submit-blockers').innerText()).not.toContain('缺少');

      // The bill, line by line; each amount follows price × quantity.
      const editor = page.getByTestId('bill-editor');
      for (const [i, l] of lines.entries()) {
        if (i > 0) await editor.getByRole('button', { name: '添加一项' }).click();
        await page.fill(`input[name="lines.${i}.name"]`, l.name);
        if (l.code) await page.fill(`input[name="lines.${i}.hilist_code"]`, l.code);
        await page.fill(`input[name="lines.${i}.price_fen"]`, l.price);
        await page.fill(`input[name="lines.${i}.qty"]`, l.qty);
      }
      expect(await page.getByTestId('line-amount-1').innerText()).toBe('¥342.00');
      expect(await page.getByTestId('line-amount-3').innerText()).toBe('¥100.00');
      await editor.evaluate((el) => el.closest('.card')!.scrollIntoView({ block: 'start' }));
      await page.evaluate('window.scrollBy(0, -80)');
      await shot(page, 'phone-claim-bill-zh');
      await editor.getByRole('button', { name: '保存费用并测算' }).click();
      const estimate = page.getByTestId('claim-estimate');
      await estimate.waitFor({ timeout: 10_000 });
      const api = (await (await page.request.get(`/api/claims/${claimId}/estimate`)).json()) as { amounts: Amounts; reimbursement_fen: number; setldetail: { fund_payamt: number }[] };
      expect(api.amounts.medfee_sumamt).toBe(120_000 + 34_200 + 30_000 + 10_000);
      for (const field of ['medfee_sumamt', 'fund_pay_sumamt', 'psn_part_amt', 'inscp_scp_amt', 'fulamt_ownpay_amt']) {
        expect(await estimate.locator(`[data-amount="${field}"]`).first().innerText(), field).toBe(formatYuan(api.amounts[field]!));
      }
      expect(api.reimbursement_fen).toBe(api.amounts.fund_pay_sumamt);
      expect(await page.getByTestId('claim-bill').locator('[data-amount="medfee_sumamt_fen"]').innerText()).toBe(formatYuan(api.amounts.medfee_sumamt));
      expect(await page.getByTestId('claim-bill').innerText()).toContain('目录外');
      await estimate.evaluate((el) => el.closest('.card')!.scrollIntoView({ block: 'start' }));
      await page.evaluate('window.scrollBy(0, -80)');
      await shot(page, 'phone-claim-estimate-zh');

      const submit = page.getByRole('button', { name: '提交给参保地' });
      expect(await submit.isDisabled()).toBe(false);
      await expect.poll(() => page.getByTestId('submit-blockers').count()).toBe(0);
      await page.fill('textarea[name=message]', '出差期间突发阑尾炎，在当地住院。');
      await submit.click();
      await expectStatus(page, 'submitted');
      expect(await page.getByTestId('claim-notice').innerText()).toContain('参保地正在审核');
      expect(await page.getByTestId('claim-clock').innerText()).toMatch(/已用 0 \/ \d+ 个工作日/);
      // Nothing can be uploaded or changed while the agency has it.
      await expect.poll(() => page.locator('input[type=file]').count()).toBe(0);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, 'phone-claim-submitted-zh');
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 120_000);

  it('the agency finds it in its queue, reads the papers beside the case and asks for a clearer discharge summary', async () => {
    const { ctx, page, errors } = await as(DESKTOP, agencyUser.username, agencyUser.password);
    try {
      await page.goto('/institutions');
      await page.getByRole('link', { name: '报销审核' }).click();
      await page.waitForURL('**/claim-review');
      const row = page.locator(`[data-testid=claim-queue] [data-claim="${claimId}"]`);
      await row.waitFor();
      const claim = await claimOf(page);
      expect(await row.innerText()).toContain(person.name);
      expect(await row.innerText()).toContain(formatYuan(claim.bill!.medfee_sumamt_fen));
      expect(await row.getByTestId('claim-clock').innerText()).toMatch(/已用 0 \/ \d+ 个工作日/);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, 'desktop-claim-queue-zh');
      // Filters: nothing is overdue yet.
      await page.locator('input[name=overdue]').check();
      await expect.poll(() => page.locator('.empty').count()).toBe(1);
      await page.locator('input[name=overdue]').uncheck();
      await row.waitFor();

      await row.getByRole('link').first().click();
      await page.waitForURL(`**/claim-review/${claimId}`);
      await expectStatus(page, 'submitted');
      const docs = page.getByTestId('review-documents');
      expect(await docs.locator('[data-document]').count()).toBe(claim.documents.length);
      // The first paper (the invoice, a picture) shows inline; the fee list is a PDF in a frame.
      const image = page.locator('[data-testid=doc-viewer] img.doc-image');
      await image.waitFor();
      await expect.poll(() => image.evaluate((el) => {
        // the test's tsconfig has no DOM library: the image's two fields, by name
        const img = el as unknown as { complete: boolean; naturalWidth: number };
        return img.complete && img.naturalWidth;
      })).toBe(360);
      const estimate = (await (await page.request.get(`/api/claims/${claimId}/estimate`)).json()) as { amounts: Amounts };
      expect(await page.getByTestId('claim-estimate').locator('[data-amount=fund_pay_sumamt]').first().innerText()).toBe(formatYuan(estimate.amounts.fund_pay_sumamt));
      expect(await page.getByTestId('claim-history').innerText()).toContain('出差期间突发阑尾炎');
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, 'desktop-claim-review-zh', true);
      await docs.locator(`[data-document="${claim.documents.find((d) => d.doc_type === 'fee_list')!.id}"]`).click();
      await page.locator('[data-testid=doc-viewer] iframe.doc-frame').waitFor();

      // A request without its message is refused here; then with it.
      await page.locator('input[name=action][value=request_documents]').check();
      await page.getByRole('button', { name: '补充材料', exact: true }).click();
      await expect.poll(() => page.locator('.field-invalid textarea[name=decision_text]').count()).toBe(1);
      await page.locator('input[name=documents][value=discharge_summary]').check();
      await page.fill('textarea[name=decision_text]', '出院小结照片不清晰，请重新拍照上传，需能看清出院诊断和医院盖章。');
      await page.getByRole('button', { name: '补充材料', exact: true }).click();
      await expectStatus(page, 'more_documents_requested');
      expect(await page.getByTestId('review-notice').innerText()).toContain('已通知参保人补充材料');
      expect(await page.getByTestId('claim-clock').innerText()).toContain('计时暂停');

      await page.getByRole('button', { name: '切换到英文' }).click();
      await expect.poll(() => htmlLang(page)).toBe('en');
      // The file names are the person's own words.
      const names = (await claimOf(page)).documents.map((d) => d.file_name);
      expect((await untranslated(page)).filter((s) => !names.some((n) => s.includes(n)))).toEqual([]);
      await shot(page, 'desktop-claim-review-requested-en', true);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 90_000);

  it('the person reads the request in English, uploads the paper again and answers', async () => {
    const { ctx, page, errors } = await as(PHONE, person.certno, person.password, 'en');
    try {
      await page.goto('/claims');
      const card = page.locator(`[data-testid=claims] [data-claim="${claimId}"]`);
      await card.waitFor();
      expect(await card.innerText()).toContain('Documents requested');
      expect(await untranslated(page)).toEqual([]);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, 'phone-claims-en');
      await card.getByRole('link').click();
      await expectStatus(page, 'more_documents_requested');
      const notice = await page.getByTestId('claim-notice').innerText();
      expect(notice).toContain('Your insured place asks for more documents');
      expect(notice).toContain('出院小结照片不清晰');
      expect(notice).toContain('Discharge summary or medical record');
      expect(await page.locator('[data-testid=checklist] [data-doc="discharge_summary"]').getAttribute('class')).toContain('claim-doc-asked');
      // Answering before uploading what was asked: the server says what is missing.
      await page.getByRole('button', { name: 'Send the documents' }).click();
      await expect.poll(() => page.getByTestId('answer-error').innerText()).toContain('the agency asked for discharge summary');
      expect(await untranslated(page)).toEqual([]);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, 'phone-claim-requested-en');

      await upload(page, 'discharge_summary', { name: 'discharge-summary-clear.pdf', mimeType: 'application/pdf', buffer: onePagePdf('Discharge summary - clear copy') });
      await page.fill('textarea[name=answer]', 'Uploaded a clear scan of the discharge summary.');
      await page.getByRole('button', { name: 'Send the documents' }).click();
      await expectStatus(page, 'submitted');
      const history = await page.getByTestId('claim-history').innerText();
      expect(history).toContain('Uploaded a clear scan');
      expect(await untranslated(page)).toEqual([]);
      await shot(page, 'phone-claim-answered-en', true);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 60_000);

  it('the agency approves on a phone and records the payment', async () => {
    const { ctx, page, errors } = await as(PHONE, agencyUser.username, agencyUser.password);
    try {
      await page.goto(`/claim-review/${claimId}`);
      await expectStatus(page, 'submitted');
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await page.locator('.claim-decide').scrollIntoViewIfNeeded();
      await page.evaluate('window.scrollBy(0, -80)');
      await shot(page, 'phone-claim-review-zh');
      // The payment reference is checked before anything is sent.
      await page.getByRole('button', { name: '通过', exact: true }).click();
      await expectStatus(page, 'approved');
      const approved = await claimOf(page);
      expect(await page.getByTestId('decision-amount').innerText()).toContain(formatYuan(approved.decision!.reimbursement_fen!));
      await page.fill('input[name=payment_ref]', 'has spaces');
      await page.getByRole('button', { name: '登记打款' }).click();
      await expect.poll(() => page.locator('.field-invalid input[name=payment_ref]').count()).toBe(1);
      await page.fill('input[name=payment_ref]', 'ICBC2026112300451');
      await page.getByRole('button', { name: '登记打款' }).click();
      await expectStatus(page, 'paid');
      const paid = await claimOf(page);
      expect(paid.payment!.payment_ref).toBe('ICBC2026112300451');
      expect(await page.getByTestId('claim-payment').locator('[data-amount=fund_pay_sumamt]').first().innerText()).toBe(formatYuan(paid.payment!.reimbursement_fen));
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, 'phone-claim-paid-agency-zh');
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 60_000);

  it('the person sees the claim paid, in Chinese and in English', async () => {
    for (const [options, lang] of [
      [PHONE, 'zh'],
      [DESKTOP, 'zh'],
      [DESKTOP, 'en'],
    ] as const) {
      const { ctx, page, errors } = await as(options, person.certno, person.password, lang);
      try {
        await page.goto('/claims');
        const card = page.locator(`[data-testid=claims] [data-claim="${claimId}"]`);
        await card.waitFor();
        expect(await card.innerText()).toContain(lang === 'en' ? 'Paid to you' : '报销款已支付');
        if (options === PHONE) await shot(page, 'phone-claims-zh');
        await card.getByRole('link').click();
        await expectStatus(page, 'paid');
        const paid = await claimOf(page);
        expect(await page.getByTestId('paid-amount').locator('[data-amount=reimbursement_fen]').innerText()).toBe(formatYuan(paid.payment!.reimbursement_fen));
        expect(await page.getByTestId('paid-amount').innerText()).toContain('ICBC2026112300451');
        const history = await page.getByTestId('claim-history').locator('[data-to]').evaluateAll((els) => els.map((e) => e.getAttribute('data-to')));
        expect(history).toEqual(['draft', 'submitted', 'more_documents_requested', 'submitted', 'approved', 'paid']);
        if (lang === 'en') expect(await untranslated(page)).toEqual([]);
        expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
        await shot(page, `${options === PHONE ? 'phone' : 'desktop'}-claim-paid-${lang}`, options === DESKTOP);
        expect(errors).toEqual([]);
      } finally {
        await ctx.close();
      }
    }
  }, 90_000);

  it('the agency partly approves one claim with adjusted lines and rejects another with a reason; the person reads why', async () => {
    // Two more submitted claims, made through the API as the person makes them.
    const person$ = await as(PHONE, person.certno, person.password);
    const ids: number[] = [];
    try {
      for (const invoice of ['PART-2611-01', 'REJ-2611-02']) {
        const created = await person$.page.request.post('/api/claims', {
          data: { psn_no: person.psn_no, reason: 'not_filed', med_kind: 'outpatient', mdtrtarea_admvs: SHENZHEN, level: 3, institution_name: '深圳市某门诊部', begin_date: end, end_date: end, invoice_no: invoice },
        });
        expect(created.status(), await created.text()).toBe(201);
        const c = (await created.json()) as ApiClaim;
        for (const item of c.checklist.items) {
          const res = await person$.page.request.post(`/api/claims/${c.id}/documents?doc_type=${item.type}&file_name=${item.type}.png`, { headers: { 'content-type': 'image/png' }, data: paperPng(120, 160, [90, 90, 90]) });
          expect(res.status(), await res.text()).toBe(201);
        }
        const bill = await person$.page.request.put(`/api/claims/${c.id}/bill`, {
          data: { lines: lines.slice(0, 2).map((l) => ({ ...(l.code ? { hilist_code: l.code } : {}), name: l.name, price_fen: Math.round(Number(l.price) * 100), qty: l.qty, amount_fen: Math.round(Number(l.price) * 100) * Number(l.qty) })) },
        });
        expect(bill.status(), await bill.text()).toBe(200);
        expect((await person$.page.request.post(`/api/claims/${c.id}/submit`, { data: {} })).status()).toBe(200);
        ids.push(c.id);
      }
    } finally {
      await person$.ctx.close();
    }
    const [partId, rejectId] = ids as [number, number];

    const { ctx, page, errors } = await as(DESKTOP, agencyUser.username, agencyUser.password, 'en');
    try {
      await page.goto(`/claim-review/${partId}`);
      await expectStatus(page, 'submitted');
      await page.locator('input[name=action][value=partly_approve]').check();
      const editor = page.getByTestId('bill-editor');
      // The class-B line is accepted for 2 of its 4 units.
      await page.fill('input[name="lines.1.qty"]', '2');
      expect(await page.getByTestId('line-amount-1').innerText()).toBe('¥171.00');
      await editor.getByRole('button', { name: 'Partly approve' }).click();
      await expect.poll(() => page.locator('.field-invalid textarea[name=decision_text]').count()).toBe(1);
      await page.fill('textarea[name=decision_text]', 'Only 2 of the 4 nursing days are supported by the record.');
      await editor.getByRole('button', { name: 'Partly approve' }).click();
      await expectStatus(page, 'partly_approved');
      const part = await claimOf(page, partId);
      expect(await page.getByTestId('decision-amount').innerText()).toContain(formatYuan(part.decision!.reimbursement_fen!));
      expect(await page.getByTestId('review-notice').innerText()).toBe('Partly approved');
      expect(await untranslated(page)).toEqual([]);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, 'desktop-claim-partly-en');

      await page.goto(`/claim-review/${rejectId}`);
      await expectStatus(page, 'submitted');
      await page.locator('input[name=action][value=reject]').check();
      await page.fill('textarea[name=decision_text]', 'The invoice is a copy: send the original invoice with the hospital seal.');
      await page.getByRole('button', { name: 'Reject', exact: true }).click();
      await expectStatus(page, 'rejected');
      // Paying a rejected claim is not offered; the server would refuse it anyway, in its own words.
      await expect.poll(() => page.locator('input[name=payment_ref]').count()).toBe(0);
      const refused = await page.request.post(`/api/claims/${rejectId}/payment`, { data: { payment_ref: 'X1' } });
      expect(refused.status()).toBe(422);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }

    const mine = await as(PHONE, person.certno, person.password);
    try {
      await mine.page.goto(`/claims/${rejectId}`);
      await expectStatus(mine.page, 'rejected');
      const notice = await mine.page.getByTestId('claim-notice').innerText();
      expect(notice).toContain('报销申请未通过');
      expect(notice).toContain('The invoice is a copy');
      await shot(mine.page, 'phone-claim-rejected-zh');
      await mine.page.goto(`/claims/${partId}`);
      await expectStatus(mine.page, 'partly_approved');
      const partly = await claimOf(mine.page, partId);
      expect(await mine.page.getByTestId('claim-notice').innerText()).toContain(formatYuan(partly.decision!.reimbursement_fen!));
      expect(await horizontalOverflow(mine.page)).toBeLessThanOrEqual(0);
      await shot(mine.page, 'phone-claim-partly-zh');
      expect(mine.errors).toEqual([]);
    } finally {
      await mine.ctx.close();
    }
  }, 90_000);

  it('a claim past its deadline says the day it passed and whom to contact, and cannot be submitted', async () => {
    const { ctx, page, errors } = await as(PHONE, person.certno, person.password);
    try {
      const old = daysAgo(400);
      const created = await page.request.post('/api/claims', {
        data: { psn_no: person.psn_no, reason: 'non_networked', med_kind: 'outpatient', mdtrtarea_admvs: SHENZHEN, level: 1, institution_name: '深圳市某诊所', begin_date: old, end_date: old, invoice_no: 'LATE-0001' },
      });
      expect(created.status(), await created.text()).toBe(201);
      const late = (await created.json()) as ApiClaim;
      expect(late.checklist.deadline_passed).toBe(true);
      await page.goto(`/claims/${late.id}`);
      await expectStatus(page, 'draft');
      const notice = await page.getByTestId('claim-notice').innerText();
      expect(notice).toContain('已超过提交期限');
      expect(notice).toContain(late.submit_deadline);
      expect(notice).toContain(late.contact.zh);
      expect(await page.getByTestId('submit-blockers').innerText()).toContain(`提交期限 ${late.submit_deadline} 已过`);
      expect(await page.getByRole('button', { name: '提交给参保地' }).isDisabled()).toBe(true);
      // The server refuses it too, naming the day it passed.
      const refused = await page.request.post(`/api/claims/${late.id}/submit`, { data: {} });
      expect(refused.status()).toBe(422);
      expect(((await refused.json()) as { detail: string }).detail).toContain(`The deadline to submit this claim was ${late.submit_deadline}`);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, 'phone-claim-late-zh');
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 60_000);
});
