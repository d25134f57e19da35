import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDigit } from '../../src/core/idcard.ts';
import { formatYuan, parseYuan, todayInChina } from '../../web/src/format.ts';
import { DESKTOP, hasChromium, horizontalOverflow, htmlLang, open, PHONE, shot, startPortal, untranslated, type Portal, type Viewport } from './support.ts';

/**
 * Filing (备案), the institution finder with coverage, the cost estimate and the
 * agency's review, in a real browser against the real server and the demo
 * personas. Every figure on screen is compared with what the API answers.
 */

describe('yuan typed by a person', () => {
  it('becomes integer fen from the digits, or a reason', () => {
    const max = 100_000_000_00;
    expect(parseYuan('30000', max)).toEqual({ ok: true, fen: 3_000_000 });
    expect(parseYuan(' 1,234.5 ', max)).toEqual({ ok: true, fen: 123_450 });
    expect(parseYuan('¥0.07', max)).toEqual({ ok: true, fen: 7 });
    expect(parseYuan('0.1', max)).toEqual({ ok: true, fen: 10 });
    // 1.15 * 100 is 114.99999999999999 in floating point: the digits say 115.
    expect(parseYuan('1.15', max)).toEqual({ ok: true, fen: 115 });
    expect(parseYuan('100000000', max)).toEqual({ ok: true, fen: max });
    expect(parseYuan('', max)).toEqual({ ok: false, reason: 'empty' });
    expect(parseYuan('12.345', max)).toEqual({ ok: false, reason: 'decimals' });
    expect(parseYuan('1e5', max)).toEqual({ ok: false, reason: 'format' });
    expect(parseYuan('-5', max)).toEqual({ ok: false, reason: 'format' });
    expect(parseYuan('12.', max)).toEqual({ ok: false, reason: 'format' });
    expect(parseYuan('100000000.01', max)).toEqual({ ok: false, reason: 'tooLarge' });
    expect(parseYuan('99999999999999999999', max)).toEqual({ ok: false, reason: 'tooLarge' });
  });
});

interface Region {
  code: string;
  name_zh: string;
  name_en: string;
}

describe.skipIf(!hasChromium)('filing, finder and estimate in a browser', () => {
  let portal: Portal;
  let regions: Map<string, Region>;

  beforeAll(async () => {
    portal = await startPortal();
    const res = await fetch(`${portal.base}/api/regions?pooling=true`);
    regions = new Map(((await res.json()) as Region[]).map((r) => [r.code, r]));
  }, 240_000);

  afterAll(async () => {
    await portal?.close();
  });

  const persona = (key: string) => {
    const p = portal.creds.persons.find((x) => x.persona === key);
    if (!p) throw new Error(`the demo has no ${key} persona`);
    return p;
  };
  const zhName = (code: string) => regions.get(code)?.name_zh ?? code;

  /** Signs in through the API: the login page has its own test; these start where the person works. */
  async function as(options: Viewport, username: string, password: string, lang: 'zh-CN' | 'en' = 'zh-CN') {
    const session = await open(portal, options);
    if (lang === 'en') await session.ctx.addInitScript("window.localStorage.setItem('yidi.lang', 'en')");
    const res = await session.page.request.post('/api/session', { data: { username, password } });
    expect(res.status()).toBe(200);
    return session;
  }

  /** Brings an element to the middle of the screen, clear of the sticky header and the phone's tab bar. */
  async function reveal(locator: Locator) {
    await locator.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  }

  async function fillLongTermFiling(page: Page, area: string) {
    await page.locator('input[name=kind][value=long_term_resident]').check();
    await page.selectOption('select[name=province]', `${area.slice(0, 2)}0000`);
    await page.selectOption('select[name=area]', area);
    await page.locator('input[name=proof_type][value=commitment]').check();
    await page.locator('input[name="proof.signed"]').check();
  }

  it('an unfiled person files through the form, then is told they are already filed, and cannot cancel too early', async () => {
    const p = persona('unfiled');
    const area = '440300';
    const { ctx, page, errors } = await as(PHONE, p.certno, p.password);
    try {
      await page.goto('/me');
      await page.getByRole('link', { name: '异地备案' }).click();
      await page.waitForURL('**/filing');
      await expect.poll(() => page.locator('main').innerText()).toContain('您目前没有有效的备案');
      await page.getByRole('link', { name: '办理备案' }).click();
      await page.waitForURL('**/filing/new');

      // Nothing chosen: every missing answer is named beside its field, and nothing is sent.
      await page.getByRole('button', { name: '提交备案' }).click();
      expect(await page.locator('.choice-group.invalid').count()).toBe(1);
      expect(await page.locator('.field-invalid').count()).toBeGreaterThan(0);

      await fillLongTermFiling(page, area);
      const preview = page.getByTestId('filing-preview');
      await expect.poll(() => preview.innerText()).toContain(`${todayInChina()} 起长期有效`);
      await expect.poll(() => preview.innerText()).toContain(zhName(area));
      const policy = await (await page.request.get(`/api/policies/in-force?pooling_area=${p.insuplc_admdvs}&insutype=${p.insutype}`)).json();
      const settings = policy.doc.settings as { long_term_min_months: number; review_filing_kinds: string[] };
      const terms = await (await page.request.get(`/api/filings/terms?psn_no=${p.psn_no}&insutype=${p.insutype}&kind=long_term_resident&begin_date=${todayInChina()}`)).json();
      expect(await preview.innerText()).toContain(terms.review ? '需要参保地经办机构审核' : '提交后立即生效');
      if (terms.changeable_from > todayInChina()) expect(await preview.innerText()).toContain(`${terms.changeable_from} 起可以变更或取消`);
      await reveal(preview);
      await shot(page, 'phone-filing-preview-zh');

      // A mistyped agent ID is caught before sending; one the server refuses is shown beside the field it names.
      const first17 = '11010119800101123';
      const wrong = checkDigit(first17) === '0' ? '1' : '0';
      await page.locator('input[name=agent_on]').check();
      await page.fill('input[name="agent.name"]', '赵敏');
      await page.fill('input[name="agent.certno"]', `${first17}${wrong}`);
      await page.selectOption('select[name="agent.relation"]', '配偶');
      await page.getByRole('button', { name: '提交备案' }).click();
      const certnoError = page.locator('.field-invalid:has(input[name="agent.certno"]) .field-error');
      await expect.poll(() => certnoError.innerText()).toContain('校验码');
      // Born on the 13th month: the check digit is right, the date is not.
      const impossible = '11010119801301123';
      await page.fill('input[name="agent.certno"]', `${impossible}${checkDigit(impossible)}`);
      await page.getByRole('button', { name: '提交备案' }).click();
      await expect.poll(() => certnoError.innerText()).toMatch(/^请核对此项（.*birth date/);
      expect(await page.getByRole('alert').first().innerText()).toContain('请修改标出的内容后再提交');
      await reveal(page.locator('input[name="agent.certno"]'));
      await shot(page, 'phone-filing-field-error-zh');
      expect((await (await page.request.get(`/api/persons/${p.psn_no}/filings`)).json()).filings).toEqual([]);

      await page.locator('input[name=agent_on]').uncheck();
      await page.getByRole('button', { name: '提交备案' }).click();
      const done = page.getByTestId('filing-done');
      await expect.poll(() => done.innerText()).toContain('备案成功');
      // The area's name arrives with the region list, which may come after the answer on a slow machine.
      await expect.poll(() => done.innerText()).toContain(zhName(area));
      const view = await (await page.request.get(`/api/persons/${p.psn_no}/filings`)).json();
      expect(view.filings).toHaveLength(1);
      const filed = view.filings[0];
      expect(filed).toMatchObject({ kind: 'long_term_resident', area, begin_date: todayInChina(), end_date: null, channel: 'national_self_service', agent: null });
      expect(await page.locator('main').innerText()).toContain(filed.filing_no);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, 'phone-filing-done-zh');

      // Filing again: "already filed", with the record that exists and where it was made.
      await page.getByRole('link', { name: '查看我的备案' }).click();
      await page.waitForURL('**/filing');
      await expect.poll(() => page.getByTestId('current-area').innerText()).toBe(zhName(area));
      await page.getByRole('link', { name: '办理新的备案' }).click();
      await page.waitForURL('**/filing/new');
      await fillLongTermFiling(page, '440100');
      await page.getByRole('button', { name: '提交备案' }).click();
      const already = page.locator('.outcome-warn');
      await expect.poll(() => already.innerText()).toContain('您已备案，无需重复备案');
      await expect.poll(() => already.innerText()).toContain(zhName(area));
      const existing = await already.innerText();
      expect(existing).toContain('国家医保服务平台网上自助办理');
      expect(existing).toContain(filed.filing_no);
      await shot(page, 'phone-filing-already-zh');

      // Changing or cancelling inside the insured place's minimum period is refused with the day it becomes possible.
      const from = filed.changeable_from as string;
      expect(from).toBe(terms.changeable_from);
      await page.goto('/filing');
      if (settings.long_term_min_months > 0) {
        await page.getByRole('button', { name: '变更备案地' }).click();
        const change = page.getByRole('form', { name: '变更备案地' });
        await change.locator('select[name=province]').selectOption('440000');
        await change.locator('select[name=area]').selectOption('440100');
        await change.getByRole('button', { name: '确认变更' }).click();
        await expect.poll(() => page.getByTestId('too-early').innerText()).toContain(`${from} 起可以办理`);
        await change.getByRole('button', { name: '收起' }).click();
      }
      await page.getByRole('button', { name: '取消备案' }).click();
      await page.getByRole('button', { name: '确认取消备案' }).click();
      await expect.poll(() => page.locator('.field-invalid .field-error').innerText()).toBe('请填写此项');
      await page.fill('input[name=reason]', '回武汉工作');
      await page.getByRole('button', { name: '确认取消备案' }).click();
      if (settings.long_term_min_months > 0) {
        const tooEarly = page.getByTestId('too-early');
        await expect.poll(() => tooEarly.innerText()).toContain(`${from} 起可以办理`);
        expect(await tooEarly.innerText()).toContain(`满 ${settings.long_term_min_months} 个月`);
        await reveal(tooEarly);
        await shot(page, 'phone-filing-too-early-zh');
      } else {
        await expect.poll(() => page.getByTestId('filing-notice').innerText()).toContain('备案已取消');
      }

      await page.getByRole('button', { name: '切换到英文' }).click();
      await expect.poll(() => htmlLang(page)).toBe('en');
      await expect.poll(() => page.locator('h1').innerText()).toBe('Filing for treatment elsewhere');
      expect(await untranslated(page)).toEqual([]);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await page.evaluate('window.scrollTo(0, 0)');
      await shot(page, 'phone-filing-en');
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 60_000);

  it('a person sees the filing a relative made for them through the local platform, in the national record', async () => {
    const p = persona('dialysis');
    const { ctx, page, errors } = await as(DESKTOP, p.certno, p.password);
    try {
      const view = await (await page.request.get(`/api/persons/${p.psn_no}/filings`)).json();
      const record = view.national_records[0];
      const filing = view.filings.find((f: { id: number }) => f.id === record.filing_id);
      expect(record.channel).toBe('local_platform');
      expect(filing.agent).not.toBeNull();

      await page.goto('/filing');
      const national = page.getByTestId('national-records');
      await expect.poll(() => national.innerText()).toContain('参保地经办机构/线上平台');
      // Region names arrive with the reference data, a moment after the records.
      await expect.poll(() => national.innerText()).toContain(zhName(record.area));
      const text = await national.innerText();
      expect(text).toContain(`${filing.agent.name}（子女）`);
      expect(text).toContain(record.filing_no);
      expect(await page.locator('main').innerText()).toContain('也包括亲属替您办理的');
      await shot(page, 'desktop-filing-zh', true);

      await page.getByRole('button', { name: '切换到英文' }).click();
      await expect.poll(() => national.innerText()).toContain('Insured-place agency counter or online platform');
      expect(await national.innerText()).toContain(`${filing.agent.name} (Child)`);
      expect(await page.locator('main').innerText()).toContain('including ones a relative made');
      expect(await untranslated(page)).toEqual([]);
      await shot(page, 'desktop-filing-en', true);

      await page.getByRole('link', { name: 'Make a new filing' }).click();
      await page.locator('input[name=kind][value=referral]').check();
      await expect.poll(() => page.locator('input[name="proof.diag_name"]').count()).toBe(1);
      expect(await untranslated(page)).toEqual([]);
      await shot(page, 'desktop-filing-new-en', true);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 30_000);

  it("the finder marks the institutions a person's filing covers", async () => {
    const p = persona('resettled_retiree');
    const province = '440000';
    for (const [options, lang] of [
      [PHONE, 'zh-CN'],
      [DESKTOP, 'en'],
    ] as const) {
      const { ctx, page, errors } = await as(options, p.certno, p.password, lang);
      try {
        await page.goto('/institutions');
        await page.getByTestId('institutions').waitFor();
        await page.selectOption('select[name=province]', province);
        await page.waitForURL(`**/institutions?province=${province}`);
        const api = await (await page.request.get(`/api/persons/${p.psn_no}/institutions?admdvs=${province}&page=1&page_size=20`)).json();
        const covered = api.items.filter((i: { covered: boolean }) => i.covered);
        // The retiree is filed for Shenzhen only: its institutions are covered, the rest of the province is not.
        expect(covered.length).toBeGreaterThan(0);
        expect(covered.every((i: { admdvs: string }) => i.admdvs === '440300')).toBe(true);
        expect(api.items.some((i: { covered: boolean }) => !i.covered)).toBe(true);

        const rows = page.locator(options === PHONE ? 'ul[data-testid=institutions] > li' : '[data-testid=institutions] tbody tr');
        await expect.poll(() => rows.first().innerText()).toContain(api.items[0].name);
        expect(await rows.count()).toBe(api.items.length);
        for (const [k, inst] of (api.items as { name: string; covered: boolean }[]).entries()) {
          const row = rows.nth(k);
          expect(await row.innerText()).toContain(inst.name);
          expect(await row.locator('[data-covered]').getAttribute('data-covered')).toBe(String(inst.covered));
        }
        const firstCovered = rows.filter({ has: page.locator('[data-covered=true]') }).first();
        expect(await firstCovered.innerText()).toContain(lang === 'en' ? 'Covered by your filing' : '备案覆盖，可直接结算');
        expect(await rows.filter({ has: page.locator('[data-covered=false]') }).first().innerText()).toContain(lang === 'en' ? 'Not covered' : '不在备案范围');
        expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
        if (lang === 'en') expect(await untranslated(page)).toEqual([]);
        await reveal(firstCovered);
        await shot(page, options === PHONE ? 'phone-finder-covered-zh' : 'desktop-finder-covered-en');
        expect(errors).toEqual([]);
      } finally {
        await ctx.close();
      }
    }
  }, 40_000);

  it('the estimate shows what the API computes, and says when the area is not covered', async () => {
    const p = persona('resettled_retiree');
    const lines = ['fulamt_ownpay_amt', 'preselfpay_amt', 'inscp_scp_amt', 'act_pay_dedc', 'hifp_pay', 'fund_pay_sumamt', 'psn_part_amt', 'psn_cash_pay'] as const;
    for (const [options, lang] of [
      [DESKTOP, 'zh-CN'],
      [PHONE, 'en'],
    ] as const) {
      const { ctx, page, errors } = await as(options, p.certno, p.password, lang);
      const zh = lang === 'zh-CN';
      try {
        await page.goto('/estimate');
        // The form starts where the person is filed.
        await expect.poll(() => page.locator('select[name=area]').inputValue()).toBe('440300');
        await page.selectOption('select[name=level]', '3');
        await page.selectOption('select[name=med_kind]', 'inpatient');
        await page.fill('input[name=total]', '30000.123');
        await page.locator('details.more-filters > summary').click();
        await page.fill('input[name="split.a"]', '20000');
        await page.fill('input[name="split.b"]', '8,000');
        await page.fill('input[name="split.c"]', '2000');
        await page.locator('input[name=use_account]').check();
        const submit = page.getByRole('button', { name: zh ? '开始测算' : 'Estimate the cost' });
        await submit.click();
        await expect.poll(() => page.locator('.field-invalid:has(input[name=total]) .field-error').innerText()).toBe(zh ? '金额最多两位小数（精确到分）' : 'At most two decimals (to the fen)');
        await page.fill('input[name=total]', '30000');
        await submit.click();

        const body = { psn_no: p.psn_no, area: '440300', level: 3, med_kind: 'inpatient', total_fen: 3_000_000, split: { classA_fen: 2_000_000, classB_fen: 800_000, classC_fen: 200_000 }, use_account: true };
        const api = await (await page.request.post('/api/estimates', { data: body })).json();
        expect(api.basis).toBe('direct_settlement');
        const s = api.result.setlinfo;
        await expect.poll(() => page.getByTestId('est-fund').innerText()).toBe(formatYuan(s.fund_pay_sumamt));
        expect(await page.getByTestId('est-self').innerText()).toBe(formatYuan(s.psn_part_amt));
        for (const key of lines) expect(await page.getByTestId(`est-${key}`).innerText(), key).toBe(formatYuan(s[key]));
        if (s.acct_pay > 0) expect(await page.getByTestId('est-acct_pay').innerText()).toBe(formatYuan(s.acct_pay));
        const explanation = await page.getByTestId('est-explanation').innerText();
        for (const line of api.result.explanation) expect(explanation).toContain(zh ? line.zh : line.en);
        const assumptions = await page.getByTestId('est-assumptions').innerText();
        for (const line of api.assumptions) expect(assumptions).toContain(zh ? line.zh : line.en);
        expect(await page.locator('[data-testid=estimate-manual]').count()).toBe(0);
        expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
        if (!zh) expect(await untranslated(page)).toEqual([]);
        await reveal(page.getByTestId('est-fund'));
        await shot(page, `${options === PHONE ? 'phone' : 'desktop'}-estimate-${zh ? 'zh' : 'en'}`, options === DESKTOP);

        // Beijing is not filed: the estimate is a manual claim, and says so.
        await page.selectOption('select[name=province]', '110000');
        await submit.click();
        const manual = page.getByTestId('estimate-manual');
        await expect.poll(() => manual.innerText()).toContain(zh ? '北京市不在您的备案范围内' : 'Beijing is not covered by your filing');
        const unfiled = await (await page.request.post('/api/estimates', { data: { ...body, area: '110000' } })).json();
        expect(unfiled.basis).toBe('manual_claim');
        await expect.poll(() => page.getByTestId('est-fund').innerText()).toBe(formatYuan(unfiled.result.setlinfo.fund_pay_sumamt));
        expect(await page.getByTestId('est-self').innerText()).toBe(formatYuan(unfiled.result.setlinfo.psn_part_amt));
        expect(await page.getByTestId('est-hifp_pay').innerText()).toBe(formatYuan(unfiled.result.setlinfo.hifp_pay));
        if (options === PHONE) {
          await reveal(manual);
          await shot(page, `phone-estimate-manual-${zh ? 'zh' : 'en'}`);
        }
        expect(errors).toEqual([]);
      } finally {
        await ctx.close();
      }
    }
  }, 50_000);

  it('an insured-place agency reviews a referral, searches filings and reads the counts', async () => {
    // An agency whose policy sends referrals to review, and one of its insured without a filing.
    let chosen: { username: string; password: string; region: string; psn_no: string; insutype: string } | null = null;
    const probe = await open(portal, DESKTOP);
    try {
      for (const staff of portal.creds.staff.filter((s) => s.role === 'insured_agency' && !s.region!.endsWith('0000'))) {
        await probe.page.request.post('/api/session', { data: { username: staff.username, password: staff.password } });
        const persons = await (await probe.page.request.get(`/api/persons?insuplc_admdvs=${staff.region}&page_size=100`)).json();
        for (const person of persons.items as { psn_no: string }[]) {
          const view = await (await probe.page.request.get(`/api/persons/${person.psn_no}`)).json();
          const enrolment = view.enrolments.find((e: { status: string }) => e.status === 'active');
          if (!enrolment) continue;
          const policy = await (await probe.page.request.get(`/api/policies/in-force?pooling_area=${enrolment.insuplc_admdvs}&insutype=${enrolment.insutype}`)).json();
          if (!policy.doc.settings.review_filing_kinds.includes('referral')) continue;
          const filings = await (await probe.page.request.get(`/api/persons/${person.psn_no}/filings`)).json();
          if (filings.filings.some((f: { status: string }) => f.status === 'active' || f.status === 'pending_review')) continue;
          chosen = { username: staff.username, password: staff.password, region: staff.region!, psn_no: person.psn_no, insutype: enrolment.insutype };
          break;
        }
        if (chosen) break;
      }
    } finally {
      await probe.ctx.close();
    }
    expect(chosen, 'no insured-place agency of the demo reviews referrals').not.toBeNull();
    const agency = chosen!;

    const { ctx, page, errors } = await as(DESKTOP, agency.username, agency.password);
    try {
      const referral = async () => {
        const res = await page.request.post('/api/filings', {
          data: {
            psn_no: agency.psn_no,
            insutype: agency.insutype,
            kind: 'referral',
            area: '110000',
            begin_date: todayInChina(),
            channel: 'local_platform',
            proof: {
              type: 'referral_certificate',
              referring_institution_code: `H${agency.region}00001`,
              referring_institution_name: '参保地定点医院',
              diag_code: 'C34.9',
              diag_name: '支气管和肺恶性肿瘤',
              reason: '参保地医疗条件所限，需转上级医院手术',
            },
          },
        });
        expect(res.status()).toBe(201);
        const { filing } = await res.json();
        expect(filing.status).toBe('pending_review');
        return filing as { id: number; filing_no: string };
      };
      const statusOf = async (id: number) => {
        const view = await (await page.request.get(`/api/persons/${agency.psn_no}/filings`)).json();
        return view.filings.find((f: { id: number }) => f.id === id) as { status: string; review_reason: string | null };
      };

      const first = await referral();
      await page.goto('/institutions');
      await page.getByRole('link', { name: '备案管理' }).click();
      await page.waitForURL('**/filings');
      const item = page.locator(`[data-filing="${first.filing_no}"]`);
      await expect.poll(() => item.innerText()).toContain('支气管和肺恶性肿瘤');
      const person = await (await page.request.get(`/api/persons/${agency.psn_no}`)).json();
      await expect.poll(() => item.innerText()).toContain(person.person.name);
      expect(await item.innerText()).toContain('参保地医疗条件所限');
      await expect.poll(() => item.innerText()).toContain(zhName('110000'));
      await shot(page, 'desktop-review-zh', true);

      // Rejecting needs a reason the person will read.
      await item.getByRole('button', { name: '不通过' }).click();
      await item.getByRole('button', { name: '确认不通过' }).click();
      await expect.poll(() => item.locator('.field-error').innerText()).toBe('不通过时必须写明原因，参保人会看到');
      await item.locator('input[name=reason]').fill('转诊证明缺少医院盖章，请补充后重新提交');
      await item.getByRole('button', { name: '确认不通过' }).click();
      await expect.poll(() => page.getByTestId('review-notice').innerText()).toContain(`已退回：${first.filing_no}`);
      expect(await statusOf(first.id)).toMatchObject({ status: 'rejected', review_reason: '转诊证明缺少医院盖章，请补充后重新提交' });

      const second = await referral();
      await page.reload();
      const again = page.locator(`[data-filing="${second.filing_no}"]`);
      await again.getByRole('button', { name: '审核通过' }).click();
      await expect.poll(() => page.getByTestId('review-notice').innerText()).toContain(`已审核通过：${second.filing_no}`);
      expect((await statusOf(second.id)).status).toBe('active');
      await expect.poll(() => page.locator('main').innerText()).toContain('没有待审核的备案');

      await page.getByRole('link', { name: '备案查询' }).click();
      await page.waitForURL('**/filings/search');
      await page.selectOption('select[name=status]', 'rejected');
      await expect.poll(() => page.getByTestId('filings').innerText()).toContain(first.filing_no);
      expect(await page.getByTestId('filings').innerText()).not.toContain(second.filing_no);
      await shot(page, 'desktop-filing-search-zh');

      await page.getByRole('link', { name: '备案统计' }).click();
      await page.waitForURL('**/filings/stats');
      const { counts } = await (await page.request.get('/api/filings/stats')).json();
      const sum = (pred: (c: { kind: string; area: string }) => boolean) => (counts as { kind: string; area: string; n: number }[]).filter(pred).reduce((a, c) => a + c.n, 0);
      await expect.poll(() => page.locator('[data-kind=referral]').innerText()).toBe(String(sum((c) => c.kind === 'referral')));
      expect(await page.locator('[data-kind=long_term_resident]').innerText()).toBe(String(sum((c) => c.kind === 'long_term_resident')));
      const beijing = page.locator('[data-testid=counts-by-area] tr[data-area="110000"] td').last();
      expect(await beijing.innerText()).toBe(String(sum((c) => c.area === '110000')));
      await shot(page, 'desktop-filing-stats-zh');
      await page.getByRole('button', { name: '切换到英文' }).click();
      await expect.poll(() => page.locator('h1').innerText()).toBe('Filings');
      expect(await untranslated(page)).toEqual([]);
      await shot(page, 'desktop-filing-stats-en');
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }

    const phone = await as(PHONE, agency.username, agency.password);
    try {
      await phone.page.goto('/filings/search');
      await expect.poll(() => phone.page.getByTestId('filings').innerText()).toContain(agency.psn_no);
      expect(await horizontalOverflow(phone.page)).toBeLessThanOrEqual(0);
      await shot(phone.page, 'phone-filing-search-zh');
      await phone.page.getByRole('link', { name: '备案统计' }).click();
      await phone.page.getByTestId('counts-by-kind').waitFor();
      expect(await horizontalOverflow(phone.page)).toBeLessThanOrEqual(0);
      await shot(phone.page, 'phone-filing-stats-zh');
      await phone.page.getByRole('button', { name: '切换到英文' }).click();
      await expect.poll(() => phone.page.locator('h1').innerText()).toBe('Filings');
      expect(await untranslated(phone.page)).toEqual([]);
      expect(await horizontalOverflow(phone.page)).toBeLessThanOrEqual(0);
      await shot(phone.page, 'phone-filing-stats-en');
      expect(phone.errors).toEqual([]);
    } finally {
      await phone.ctx.close();
    }
  }, 60_000);
});
