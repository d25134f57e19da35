import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signature } from '../../src/auth/gateway.ts';
import type { CredentialInstitution, CredentialPerson } from '../../src/demo/model.ts';
import { formatYuan } from '../../web/src/format.ts';
import { DESKTOP, hasChromium, horizontalOverflow, htmlLang, open, PHONE, shot, startPortal, untranslated, type Portal, type Viewport } from './support.ts';

/**
 * Settlement slips in a real browser. The settlements are made first the way a
 * hospital makes them, through the signed HIS interface: a stay (2401 → 2301 →
 * 2402 → 2304) and an outpatient visit (2201 → 2204 → 2207) that is then
 * cancelled (2208). Every figure on screen is then held to what the API answers.
 */

interface Amounts {
  medfee_sumamt: number;
  fund_pay_sumamt: number;
  psn_part_amt: number;
  overlmt_selfpay: number;
  acct_pay: number;
  [field: string]: number;
}

interface ApiSettlement {
  setl_id: string;
  kind: 'settle' | 'cancel' | 'reinstate';
  reverses: string | null;
  live: boolean;
  psn_no: string;
  fixmedins_code: string;
  terms: { filing_kind: string | null; reduction_bp: number; admission_ordinal: number | null; level: number };
  amounts: Amounts;
  setldetail: { fund_pay_type: string; fund_payamt: number; inscp_scp_amt: number; crt_payb_lmt_amt: number; fund_pay_type_name: string }[];
  explanation: { zh: string; en: string }[];
}

interface ApiPage {
  items: ApiSettlement[];
  total: number;
}

interface CatalogItem {
  hilist_code: string;
  chrgitm_lv: '01' | '02' | '03';
  selfpay_prop_bp: number;
  pric_uplmt_fen: number | null;
}

/** `yyyy-MM-dd HH:mm:ss` in Beijing time, as the HIS writes times. */
function beijing(at: Date): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(at);
}

/** Every money field the slip must show, besides one line per fund. */
const SLIP_FIELDS = ['medfee_sumamt', 'fulamt_ownpay_amt', 'overlmt_selfpay', 'preselfpay_amt', 'inscp_scp_amt', 'act_pay_dedc', 'fund_pay_sumamt', 'psn_part_amt', 'pool_prop_selfpay', 'acct_pay', 'psn_cash_pay', 'balc'];

/** The API value a `data-amount` names: `hifp_pay` or `setldetail.0.fund_payamt`. */
function apiValue(s: ApiSettlement, field: string): number {
  const [head, index, key] = field.split('.');
  if (head === 'setldetail') return (s.setldetail[Number(index)] as unknown as Amounts)[key!]!;
  return s.amounts[field]!;
}

describe.skipIf(!hasChromium)('settlement slips in a browser', () => {
  let portal: Portal;
  let retiree: CredentialPerson;
  let hospital: CredentialInstitution;
  let stay: ApiSettlement;
  let visit: ApiSettlement;
  let cancellation: ApiSettlement;

  beforeAll(async () => {
    portal = await startPortal();
    retiree = portal.creds.persons.find((p) => p.persona === 'resettled_retiree')!;
    const area = retiree.filings[0]!.area;
    hospital = portal.creds.institutions.find((i) => i.admdvs === area && i.kind === 'hospital' && i.services.includes('inpatient') && i.services.includes('outpatient'))!;
    expect(hospital, `no demo credentials for a hospital in ${area}`).toBeDefined();

    let serial = 0;
    const his = async (infno: string, input: unknown): Promise<Record<string, any>> => {
      const now = new Date();
      const timestamp = String(Math.floor(now.getTime() / 1000));
      const nonce = `slip${++serial}x${now.getTime()}`;
      const msgid = `${hospital.code}${beijing(now).replace(/\D/g, '')}${String(serial).padStart(4, '0')}`;
      const envelope = {
        infno,
        msgid,
        mdtrtarea_admvs: hospital.admdvs,
        insuplc_admdvs: retiree.insuplc_admdvs,
        recer_sys_code: 'YBXT',
        infver: 'V1.0',
        opter_type: '1',
        opter: 'D001',
        opter_name: '张敏',
        inf_time: beijing(now),
        fixmedins_code: hospital.code,
        fixmedins_name: hospital.name,
        sign_no: '',
        input,
      };
      const res = await fetch(`${portal.base}/fsi/api/${infno}`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'x-tif-paasid': hospital.appId, 'x-tif-timestamp': timestamp, 'x-tif-nonce': nonce, 'x-tif-signature': signature(timestamp, hospital.secret, nonce) },
        body: JSON.stringify(envelope),
      });
      expect(res.status).toBe(200);
      const answer = (await res.json()) as { infcode: number; err_msg: string; output: Record<string, any> };
      expect(answer.err_msg, `${infno}: ${answer.err_msg}`).toBe('');
      return answer.output;
    };

    // Items of the treatment province's catalogue in force today: one of each class, and a capped one to go over its cap.
    const today = beijing(new Date()).slice(0, 10);
    const items = async (lv: string) => ((await (await fetch(`${portal.base}/api/catalog?province=${hospital.admdvs.slice(0, 2)}0000&chrgitm_lv=${lv}&date=${today}&page_size=500`)).json()) as { items: CatalogItem[] }).items;
    const [classA, classB, classC] = await Promise.all([items('01'), items('02'), items('03')]);
    const capped = classA.find((i) => i.pric_uplmt_fen !== null && i.pric_uplmt_fen >= 100)!;
    const uncapped = classA.find((i) => i.pric_uplmt_fen === null) ?? capped;
    const shareB = classB.find((i) => i.selfpay_prop_bp > 0 && (i.pric_uplmt_fen === null || i.pric_uplmt_fen >= 50_000)) ?? classB[0]!;
    expect(capped && uncapped && shareB && classC[0], 'the demo catalogue lacks a class A, B or C item').toBeTruthy();
    /** A fee line priced in whole fen; the HIS sends yuan. */
    const fee = (mdtrt_id: string, medType: string, at: string, code: string, priceFen: number, cnt: number) => ({
      feedetl_sn: `F${++serial}`,
      mdtrt_id,
      psn_no: retiree.psn_no,
      med_type: medType,
      fee_ocur_time: at,
      med_list_codg: code,
      medins_list_codg: '',
      det_item_fee_sumamt: (priceFen * cnt) / 100,
      cnt,
      pric: priceFen / 100,
      bilg_dept_codg: 'A03',
      bilg_dept_name: '内科',
      bilg_dr_codg: 'D01',
      bilg_dr_name: '李医生',
    });
    const sumYuan = (lines: { det_item_fee_sumamt: number }[]) => lines.reduce((a, l) => a + Math.round(l.det_item_fee_sumamt * 100), 0) / 100;
    const settle = (mdtrt_id: string, medfee: number, acct: '0' | '1', medType: string) => ({
      data: { mdtrt_id, psn_no: retiree.psn_no, mdtrt_cert_type: '02', medfee_sumamt: medfee, psn_setlway: '01', insutype: retiree.insutype, acct_used_flag: acct, mid_setl_flag: '0', med_type: medType },
    });
    const hoursAgo = (h: number) => beijing(new Date(Date.now() - h * 3600_000));

    // A stay: admitted, billed (one line over its price cap), discharged, settled.
    const admitted = await his('2401', {
      mdtrtinfo: { psn_no: retiree.psn_no, insutype: retiree.insutype, begntime: hoursAgo(3), med_type: '21', ipt_no: 'ZY20001', mdtrt_cert_type: '02', mdtrt_cert_no: retiree.certno },
    });
    const stayId = admitted.result.mdtrt_id as string;
    const stayLines = [
      fee(stayId, '21', hoursAgo(2), uncapped.hilist_code, uncapped === capped ? capped.pric_uplmt_fen! : 1_800_000, 1),
      fee(stayId, '21', hoursAgo(2), capped.hilist_code, capped.pric_uplmt_fen! + 5_000, 2),
      fee(stayId, '21', hoursAgo(2), shareB.hilist_code, Math.min(shareB.pric_uplmt_fen ?? 200_000, 200_000), 4),
      fee(stayId, '21', hoursAgo(2), classC[0]!.hilist_code, 200_000, 1),
    ];
    await his('2301', { feedetail: stayLines });
    await his('2402', { dscginfo: { mdtrt_id: stayId, psn_no: retiree.psn_no, endtime: hoursAgo(1), dscg_way: '1' } });
    const stayOut = await his('2304', settle(stayId, sumYuan(stayLines), '0', '21'));

    // An outpatient visit paid partly from the personal account, then cancelled.
    const registered = await his('2201', { data: { psn_no: retiree.psn_no, insutype: retiree.insutype, begntime: hoursAgo(1), mdtrt_cert_type: '02', mdtrt_cert_no: retiree.certno } });
    const visitId = registered.data.mdtrt_id as string;
    const visitLines = [fee(visitId, '11', hoursAgo(0.5), uncapped.hilist_code, uncapped === capped ? capped.pric_uplmt_fen! : 120_000, 1), fee(visitId, '11', hoursAgo(0.5), shareB.hilist_code, Math.min(shareB.pric_uplmt_fen ?? 6_000, 6_000), 5)];
    await his('2204', { feedetail: visitLines });
    const visitOut = await his('2207', settle(visitId, sumYuan(visitLines), '1', '11'));
    const cancelOut = await his('2208', { data: { mdtrt_id: visitId, setl_id: visitOut.setlinfo.setl_id, psn_no: retiree.psn_no } });

    const get = async (id: string) => (await (await fetch(`${portal.base}/api/settlements/${id}`, { headers: { cookie: await personCookie() } })).json()) as ApiSettlement;
    [stay, visit, cancellation] = await Promise.all([get(stayOut.setlinfo.setl_id), get(visitOut.setlinfo.setl_id), get(cancelOut.setlinfo.setl_id)]);
    expect(stay).toMatchObject({ kind: 'settle', live: true });
    expect(visit).toMatchObject({ kind: 'settle', live: false });
    expect(cancellation).toMatchObject({ kind: 'cancel', reverses: visit.setl_id, live: false });
    expect(stay.amounts.overlmt_selfpay).toBeGreaterThan(0);
    expect(visit.amounts.acct_pay).toBeGreaterThan(0);
  }, 240_000);

  afterAll(async () => {
    await portal?.close();
  });

  async function personCookie(): Promise<string> {
    const res = await fetch(`${portal.base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: retiree.certno, password: retiree.password }) });
    expect(res.status).toBe(200);
    return res.headers.get('set-cookie')!.split(';')[0]!;
  }

  /** Signs in through the API: the login page has its own test. */
  async function as(options: Viewport, username: string, password: string) {
    const session = await open(portal, options);
    const res = await session.page.request.post('/api/session', { data: { username, password } });
    expect(res.status()).toBe(200);
    return session;
  }

  const staff = (username: string) => {
    const s = portal.creds.staff.find((x) => x.username === username);
    if (!s) throw new Error(`the demo has no ${username}`);
    return s;
  };

  /** Every amount shown in `scope` is the API's figure for the field it names, and the fields listed are all there. */
  async function expectAmounts(scope: Locator, s: ApiSettlement, required: string[]) {
    const shown = scope.locator('[data-amount]');
    const n = await shown.count();
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) {
      const el = shown.nth(i);
      const field = (await el.getAttribute('data-amount'))!;
      seen.add(field);
      expect(await el.innerText(), `${s.setl_id} ${field}`).toBe(formatYuan(apiValue(s, field)));
    }
    for (const field of required) expect(seen, `${s.setl_id} shows ${field}`).toContain(field);
  }

  const slipFields = (s: ApiSettlement) => [...SLIP_FIELDS, ...s.setldetail.flatMap((_, i) => [`setldetail.${i}.fund_payamt`, `setldetail.${i}.inscp_scp_amt`, `setldetail.${i}.crt_payb_lmt_amt`])];

  async function expectSlip(page: Page, s: ApiSettlement, lang: 'zh' | 'en') {
    const slip = page.getByTestId('slip');
    await expect.poll(() => slip.getAttribute('data-kind')).toBe(s.kind);
    await expect.poll(() => page.getByTestId('slip-institution').innerText()).not.toBe(s.fixmedins_code);
    expect(await page.getByTestId('slip-institution').innerText()).toBe(hospital.name);
    await expect.poll(() => slip.locator('[data-amount="medfee_sumamt"]').first().innerText()).toBe(formatYuan(s.amounts.medfee_sumamt));
    await expectAmounts(slip, s, slipFields(s));
    const explanation = await page.getByTestId('slip-explanation').innerText();
    for (const line of s.explanation) expect(explanation).toContain(line[lang]);
    const funds = await page.getByTestId('slip-funds').innerText();
    for (const d of s.setldetail) if (lang === 'zh') expect(funds).toContain(d.fund_pay_type_name);
  }

  it('the person reads the list and the slips on a phone, follows a cancellation both ways, and in English', async () => {
    const { ctx, page, errors } = await as(PHONE, retiree.certno, retiree.password);
    try {
      await page.goto('/me');
      await page.getByRole('link', { name: '我的结算' }).click();
      await page.waitForURL('**/settlements');
      const api = (await (await page.request.get(`/api/persons/${retiree.psn_no}/settlements?page=1&page_size=20`)).json()) as ApiPage;
      expect(api.items.map((s) => s.setl_id)).toEqual(expect.arrayContaining([stay.setl_id, visit.setl_id, cancellation.setl_id]));
      const rows = page.locator('[data-testid=settlements] [data-setl]');
      await expect.poll(() => rows.count()).toBe(api.items.length);
      await expect.poll(() => rows.first().innerText()).toContain(hospital.name);
      for (const [k, s] of api.items.entries()) {
        const row = rows.nth(k);
        expect(await row.getAttribute('data-setl')).toBe(s.setl_id);
        await expectAmounts(row, s, ['medfee_sumamt', 'fund_pay_sumamt', 'psn_part_amt']);
      }
      const row = (id: string) => page.locator(`[data-testid=settlements] [data-setl="${id}"]`);
      expect(await row(cancellation.setl_id).innerText()).toContain('撤销单');
      expect(await row(visit.setl_id).innerText()).toContain('已撤销');
      expect(await row(stay.setl_id).locator('.badge').count()).toBe(0);
      expect(await row(stay.setl_id).innerText()).toContain('普通住院');
      expect(await row(visit.setl_id).innerText()).toContain('普通门诊');
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, 'phone-settlements-zh');

      // The stay's slip: every figure, the terms, the calculation.
      await row(stay.setl_id).locator('a').click();
      await page.waitForURL(`**/settlements/${stay.setl_id}`);
      await expectSlip(page, stay, 'zh');
      const terms = await page.getByTestId('slip-terms').innerText();
      expect(terms).toContain('异地安置退休人员');
      expect(terms).toContain(stay.terms.reduction_bp === 0 ? '不降低' : '降低');
      expect(terms).toContain(`${['', '一', '二', '三'][stay.terms.level]}级`);
      if (stay.terms.admission_ordinal !== null) expect(terms).toContain(`第 ${stay.terms.admission_ordinal} 次`);
      expect(await page.getByTestId('chain-notice').count()).toBe(0);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, 'phone-slip-zh');
      await page.getByTestId('slip-funds').evaluate((el) => el.closest('.card')!.scrollIntoView({ block: 'start' }));
      await page.evaluate('window.scrollBy(0, -100)');
      await shot(page, 'phone-slip-funds-zh');

      // The cancelled visit links its cancellation, and the cancellation links back.
      await page.getByRole('link', { name: '返回我的结算' }).click();
      await page.waitForURL('**/settlements');
      await row(visit.setl_id).locator('a').click();
      await page.waitForURL(`**/settlements/${visit.setl_id}`);
      await expectSlip(page, visit, 'zh');
      const notice = page.getByTestId('chain-notice');
      expect(await notice.innerText()).toContain('这笔结算已撤销');
      const toCancellation = notice.getByRole('link', { name: '查看撤销单' });
      await expect.poll(() => toCancellation.getAttribute('data-setl')).toBe(cancellation.setl_id);
      await shot(page, 'phone-slip-cancelled-zh');
      await toCancellation.click();
      await page.waitForURL(`**/settlements/${cancellation.setl_id}`);
      await expectSlip(page, cancellation, 'zh');
      expect(cancellation.amounts.medfee_sumamt).toBe(-visit.amounts.medfee_sumamt);
      expect(await page.getByTestId('chain-notice').innerText()).toContain('这是一张撤销单');
      const toOriginal = page.getByTestId('chain-notice').getByRole('link', { name: '查看原结算' });
      expect(await toOriginal.getAttribute('data-setl')).toBe(visit.setl_id);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, 'phone-slip-cancellation-zh');

      await page.getByRole('button', { name: '切换到英文' }).click();
      await expect.poll(() => htmlLang(page)).toBe('en');
      await expect.poll(() => page.locator('h1').innerText()).toBe('Settlement slip');
      await expectSlip(page, cancellation, 'en');
      expect(await page.getByTestId('chain-notice').innerText()).toContain('This is a cancellation');
      expect(await untranslated(page)).toEqual([]);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, 'phone-slip-cancellation-en');
      await page.getByTestId('chain-notice').getByRole('link', { name: 'See the original settlement' }).click();
      await page.waitForURL(`**/settlements/${visit.setl_id}`);
      await expectSlip(page, visit, 'en');
      expect(await page.getByTestId('slip-funds').innerText()).not.toMatch(/\p{Script=Han}/u);
      expect(await untranslated(page)).toEqual([]);
      await shot(page, 'phone-slip-cancelled-en');
      await page.getByRole('link', { name: 'Back to my bills' }).click();
      await page.waitForURL('**/settlements');
      await expect.poll(() => row(visit.setl_id).innerText()).toContain('Cancelled');
      expect(await row(cancellation.setl_id).innerText()).toContain('Cancellation');
      expect(await untranslated(page)).toEqual([]);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, 'phone-settlements-en');
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 60_000);

  it('the person reads the stay’s slip on a desktop', async () => {
    const { ctx, page, errors } = await as(DESKTOP, retiree.certno, retiree.password);
    try {
      await page.goto('/settlements');
      const rows = page.locator('[data-testid=settlements] tbody tr');
      await expect.poll(() => rows.first().innerText()).toContain(hospital.name);
      await shot(page, 'desktop-settlements-zh');
      await page.locator(`tr[data-setl="${stay.setl_id}"] a`).click();
      await expectSlip(page, stay, 'zh');
      await shot(page, 'desktop-slip-zh', true);
      await page.getByRole('button', { name: '切换到英文' }).click();
      await expectSlip(page, stay, 'en');
      expect(await untranslated(page)).toEqual([]);
      await shot(page, 'desktop-slip-en', true);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 30_000);

  it('the insured-place and treatment-place agencies list the settlements with the totals of the page', async () => {
    const sum = (items: ApiSettlement[], field: string) => items.reduce((a, s) => a + s.amounts[field]!, 0);
    const cases = [
      // The insured place's agency has six tabs: the crowded phone bar is the one to see.
      { user: staff(`insured-${retiree.insuplc_admdvs}`), options: PHONE, name: 'phone-agency-settlements' },
      { user: staff(`treatment-${hospital.admdvs}`), options: DESKTOP, name: 'desktop-agency-settlements' },
    ] as const;
    for (const { user, options, name } of cases) {
      const { ctx, page, errors } = await as(options, user.username, user.password);
      try {
        await page.goto('/institutions');
        await page.getByRole('link', { name: '结算查询' }).click();
        await page.waitForURL('**/settlements');
        const api = (await (await page.request.get('/api/settlements?page=1&page_size=20')).json()) as ApiPage;
        expect(api.items.map((s) => s.setl_id)).toEqual(expect.arrayContaining([stay.setl_id, visit.setl_id, cancellation.setl_id]));
        const rows = page.locator('[data-testid=settlements] [data-setl]');
        await expect.poll(() => rows.count()).toBe(api.items.length);
        for (const [k, s] of api.items.entries()) await expectAmounts(rows.nth(k), s, ['medfee_sumamt', 'fund_pay_sumamt', 'psn_part_amt']);
        const totals = page.getByTestId('page-totals');
        expect(await totals.locator('[data-total=medfee]').innerText()).toBe(formatYuan(sum(api.items, 'medfee_sumamt')));
        expect(await totals.locator('[data-total=fund]').innerText()).toBe(formatYuan(sum(api.items, 'fund_pay_sumamt')));
        expect(await totals.locator('[data-total=personal]').innerText()).toBe(formatYuan(sum(api.items, 'psn_part_amt')));
        await expect.poll(() => rows.first().innerText()).toContain(hospital.name);
        expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
        await shot(page, `${name}-zh`, options === DESKTOP);

        // Narrowed to the person and the institution: the retiree's three slips, totals of those.
        // A phone folds the rarer filters away.
        if (options === PHONE) await page.locator('details.more-filters > summary').click();
        await page.fill('input[name=psn_no]', retiree.psn_no);
        await page.fill('input[name=fixmedins_code]', hospital.code.toLowerCase());
        await page.getByRole('button', { name: '查询' }).click();
        await page.waitForURL((u) => u.pathname === '/settlements' && u.searchParams.get('psn_no') === retiree.psn_no);
        const mine = (await (await page.request.get(`/api/settlements?psn_no=${retiree.psn_no}&fixmedins_code=${hospital.code}&page=1&page_size=20`)).json()) as ApiPage;
        await expect.poll(() => rows.count()).toBe(mine.items.length);
        await expect.poll(() => totals.locator('[data-total=fund]').innerText()).toBe(formatYuan(sum(mine.items, 'fund_pay_sumamt')));
        expect(await totals.locator('[data-total=personal]').innerText()).toBe(formatYuan(sum(mine.items, 'psn_part_amt')));

        // The agency drills into the same slip.
        await page.locator(`[data-setl="${stay.setl_id}"] a`).first().click();
        await page.waitForURL(`**/settlements/${stay.setl_id}`);
        await expectSlip(page, stay, 'zh');
        expect(await page.locator('main').innerText()).toContain(retiree.psn_no);
        await page.getByRole('link', { name: '返回结算查询' }).click();
        await page.waitForURL((u) => u.pathname === '/settlements' && u.searchParams.get('psn_no') === retiree.psn_no);

        await page.getByRole('button', { name: '切换到英文' }).click();
        await expect.poll(() => page.locator('h1').innerText()).toBe('Settlements');
        expect(await untranslated(page)).toEqual([]);
        expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
        // English words are longer: the table still fits without scrolling sideways.
        if (options === DESKTOP) expect(await page.locator('.table-wrap').evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
        await shot(page, `${name}-en`, options === DESKTOP);
        expect(errors).toEqual([]);
      } finally {
        await ctx.close();
      }
    }
  }, 40_000);
});
