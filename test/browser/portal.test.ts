import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPercent, formatYuan, maskCertno } from '../../web/src/format.ts';
import { DESKTOP, hasChromium, horizontalOverflow, htmlLang, open as openIn, PHONE, scrollTo, shot, signIn, startPortal, untranslated, type Portal, type Viewport } from './support.ts';

/**
 * The portal in a real browser against the real server and a small demo nation:
 * a person and an insured-place agency, on a phone and on a desktop, in both
 * languages. Screenshots go to test/screenshots/ for a human to look at.
 */

describe('display formats', () => {
  it('shows fen as yuan with two decimals, without floating point', () => {
    expect(formatYuan(0)).toBe('¥0.00');
    expect(formatYuan(5)).toBe('¥0.05');
    expect(formatYuan(123450)).toBe('¥1,234.50');
    expect(formatYuan(-123450)).toBe('-¥1,234.50');
    expect(formatYuan(900719925474099)).toBe('¥9,007,199,254,740.99');
    expect(formatYuan(0.5)).toBe('—');
  });

  it('shows basis points as a percentage and masks ID numbers', () => {
    expect(formatPercent(1500)).toBe('15%');
    expect(formatPercent(1250)).toBe('12.5%');
    expect(formatPercent(5)).toBe('0.05%');
    expect(maskCertno('110101195503150028')).toBe('1101**********0028');
    expect(maskCertno('440102********1234')).toBe('440102********1234');
  });
});

describe.skipIf(!hasChromium)('web portal in a browser', () => {
  let portal: Portal;

  beforeAll(async () => {
    portal = await startPortal();
  }, 240_000);

  afterAll(async () => {
    await portal?.close();
  });

  const creds = () => portal.creds;
  const open = (options: Viewport) => openIn(portal, options);

  const persona = () => {
    const p = creds().persons.find((x) => x.persona === 'resettled_retiree');
    if (!p) throw new Error('the demo has no resettled retiree');
    return p;
  };
  const agency = () => {
    const s = creds().staff.find((x) => x.username === `insured-${persona().insuplc_admdvs}`);
    if (!s) throw new Error('the demo has no agency for the persona');
    return s;
  };

  it('a person signs in with their ID number and sees their insurance, in Chinese and English', async () => {
    const p = persona();
    const { ctx, page, errors } = await open(PHONE);
    try {
      await page.goto('/me');
      await page.waitForURL('**/login?next=%2Fme');
      expect(await htmlLang(page)).toBe('zh-CN');
      await shot(page, 'phone-login-zh');

      await page.fill('input[name=username]', p.certno);
      await page.fill('input[name=password]', 'not the password');
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await expect.poll(() => page.getByRole('alert').innerText()).toContain('身份证号或密码不正确');

      await page.fill('input[name=password]', p.password);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page.waitForURL('**/me');
      await expect.poll(() => page.getByTestId('person-name').innerText()).toBe(p.name);

      const overview = await (await page.request.get(`/api/persons/${p.psn_no}`)).json();
      expect(overview.account).not.toBeNull();
      const balance = overview.account.balance_fen as number;
      const yuan = `¥${Math.trunc(balance / 100).toLocaleString('en-US')}.${String(balance % 100).padStart(2, '0')}`;
      expect(await page.getByTestId('balance').innerText()).toBe(yuan);
      const main = page.locator('main');
      expect(await main.innerText()).toContain('职工基本医疗保险');
      expect(await main.innerText()).toContain(maskCertno(p.certno));
      expect(await main.innerText()).not.toContain(p.certno);
      expect(await page.locator('.user-name').innerText()).toBe(p.name);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      // The navigation is a bar at the bottom of a phone.
      const nav = await page.locator('nav.sidenav').boundingBox();
      expect(nav!.y).toBeGreaterThan(700);
      await shot(page, 'phone-my-insurance-zh');

      await page.getByRole('button', { name: '切换到英文' }).click();
      await expect.poll(() => htmlLang(page)).toBe('en');
      await expect.poll(() => page.locator('h1').innerText()).toBe('My insurance');
      expect(await main.innerText()).toContain('Employee basic medical insurance');
      expect(await main.innerText()).toContain('Personal account balance');
      expect(await untranslated(page)).toEqual([]);
      await shot(page, 'phone-my-insurance-en');

      // The choice survives a reload, then goes back.
      await page.reload();
      await expect.poll(() => page.locator('h1').innerText()).toBe('My insurance');
      await page.getByRole('button', { name: 'Switch to Chinese' }).click();
      await expect.poll(() => htmlLang(page)).toBe('zh-CN');
      await expect.poll(() => page.locator('h1').innerText()).toBe('我的医保');

      await page.getByRole('link', { name: '找定点机构' }).first().click();
      await page.waitForURL('**/institutions');
      await page.getByTestId('institutions').waitFor();
      const province = `${p.filings[0]?.area.slice(0, 2) ?? p.insuplc_admdvs.slice(0, 2)}0000`;
      await page.selectOption('select[name=province]', province);
      await page.waitForURL(`**/institutions?province=${province}`);
      const expected = await (await page.request.get(`/api/institutions?admdvs=${province}&page=1&page_size=20`)).json();
      expect(expected.total).toBeGreaterThan(0);
      await expect.poll(() => page.getByTestId('institutions').innerText()).toContain(expected.items[0].name);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, 'phone-institutions-zh');

      await page.getByRole('button', { name: '退出' }).click();
      await page.waitForURL('**/login');
      await expect.poll(() => page.getByRole('status').innerText()).toContain('您已安全退出');
      expect((await page.request.get('/api/me')).status()).toBe(401);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 120_000);

  it('an insured-place agency reads institutions, the catalogue, policies and persons on a desktop', async () => {
    const staff = agency();
    const p = persona();
    const { ctx, page, errors } = await open(DESKTOP);
    try {
      await signIn(page, 'staff', staff.username, staff.password);
      await page.waitForURL('**/institutions');
      expect(await page.locator('.user-role').innerText()).toContain('参保地经办机构');
      // Side navigation on the left of a wide screen.
      const nav = await page.locator('nav.sidenav').boundingBox();
      expect(nav!.x).toBeLessThan(10);
      expect(nav!.y).toBeLessThan(100);

      const institutions = await (await page.request.get('/api/institutions?page=1&page_size=20')).json();
      await expect.poll(() => page.getByTestId('institutions').innerText()).toContain(institutions.items[0].name);
      expect(await page.locator('[data-testid=institutions] tbody tr').count()).toBe(Math.min(20, institutions.total));
      await shot(page, 'desktop-institutions-zh');

      await page.getByRole('link', { name: '医保目录' }).click();
      await page.waitForURL('**/catalog');
      const province = `${staff.region!.slice(0, 2)}0000`;
      expect(await page.locator('select[name=province]').inputValue()).toBe(province);
      const catalog = await (await page.request.get(`/api/catalog?province=${province}&page=1&page_size=20`)).json();
      expect(catalog.total).toBeGreaterThan(0);
      const table = page.getByTestId('catalog');
      await expect.poll(() => table.innerText()).toContain(catalog.items[0].hilist_name);
      const classB = catalog.items.find((i: { chrgitm_lv: string }) => i.chrgitm_lv === '02');
      if (classB) expect(await table.innerText()).toContain(formatPercent(classB.selfpay_prop_bp));
      const capped = catalog.items.find((i: { pric_uplmt_fen: number | null }) => i.pric_uplmt_fen !== null);
      if (capped) expect(await table.innerText()).toContain(formatYuan(capped.pric_uplmt_fen));
      expect(await table.locator('.badge-a, .badge-b, .badge-c').count()).toBeGreaterThan(0);
      await page.selectOption('select[name=class]', '01');
      await page.waitForURL('**/catalog?class=01');
      await expect.poll(async () => (await table.locator('.badge-b, .badge-c').count()) === 0 && (await table.locator('.badge-a').count()) > 0).toBe(true);
      await shot(page, 'desktop-catalog-zh');

      await page.getByRole('link', { name: '待遇政策' }).click();
      await page.waitForURL('**/policies');
      const policies = await (await page.request.get(`/api/policies?pooling_area=${staff.region}`)).json();
      expect(policies.total).toBeGreaterThan(0);
      await page.getByTestId('policies').locator('a').first().click();
      await page.waitForURL(/\/policies\/\d+$/);
      const id = page.url().split('/').pop();
      const policy = await (await page.request.get(`/api/policies/${id}`)).json();
      const main = page.locator('main');
      await expect.poll(() => main.innerText()).toContain('待遇标准');
      const first = policy.doc.benefits[0];
      const text = await main.innerText();
      expect(text).toContain('住院');
      expect(text).toContain(formatPercent(first.bands[0].ratio_bp));
      expect(text).toContain(formatYuan(first.annual_cap_fen));
      expect(text).toContain('异地就医比例下调');
      expect(text).toContain('经办规定');
      await shot(page, 'desktop-policy-zh', true);

      await page.getByRole('button', { name: '切换到英文' }).click();
      await expect.poll(() => page.locator('#benefits').innerText()).toBe('Benefits');
      expect(await main.innerText()).toContain('Reductions away from home');
      expect(await untranslated(page)).toEqual([]);
      await shot(page, 'desktop-policy-en', true);
      await page.getByRole('link', { name: 'Catalogue' }).click();
      await expect.poll(() => page.getByTestId('catalog').innerText()).toMatch(/Class A/);
      expect(await untranslated(page)).toEqual([]);
      await shot(page, 'desktop-catalog-en');
      await page.getByRole('button', { name: 'Switch to Chinese' }).click();
      await expect.poll(() => htmlLang(page)).toBe('zh-CN');

      await page.getByRole('link', { name: '参保人员' }).click();
      await page.waitForURL('**/persons');
      await page.fill('input[name=q]', p.certno);
      await page.getByRole('button', { name: '查询' }).click();
      await expect.poll(() => page.getByTestId('persons').locator('tbody tr').count()).toBe(1);
      await page.getByTestId('persons').getByRole('link', { name: p.name }).click();
      await page.waitForURL(`**/persons/${p.psn_no}`);
      await expect.poll(() => page.getByTestId('person-name').innerText()).toBe(p.name);
      expect(await page.getByTestId('balance').innerText()).toMatch(/^¥[\d,]+\.\d{2}$/);
      await shot(page, 'desktop-person-zh');

      await page.goto('/no/such/page');
      await expect.poll(() => page.locator('h1').innerText()).toBe('页面不存在');
      await shot(page, 'desktop-not-found-zh');
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 120_000);

  it('on a phone the agency gets cards, not cramped tables', async () => {
    const staff = agency();
    const { ctx, page, errors } = await open(PHONE);
    try {
      await signIn(page, 'staff', staff.username, staff.password);
      await page.waitForURL('**/institutions');
      await page.getByRole('link', { name: '医保目录' }).click();
      const cards = page.getByTestId('catalog');
      await cards.waitFor();
      expect(await page.locator('ul[data-testid=catalog] > li').count()).toBeGreaterThan(0);
      expect(await page.locator('table').count()).toBe(0);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, 'phone-catalog-zh');

      await page.getByRole('link', { name: '待遇政策' }).click();
      await page.getByTestId('policies').locator('a').first().click();
      await page.locator('.benefit-card').first().waitFor();
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await scrollTo(page, 'benefits');
      await shot(page, 'phone-policy-zh');
      await page.getByRole('button', { name: '切换到英文' }).click();
      await expect.poll(() => page.locator('#benefits').innerText()).toBe('Benefits');
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      expect(await untranslated(page)).toEqual([]);
      await scrollTo(page, 'benefits');
      await shot(page, 'phone-policy-en');
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 120_000);

  it('a lost session returns to sign-in, and the server keeps its own 404s', async () => {
    const staff = agency();
    const { ctx, page } = await open(DESKTOP);
    try {
      await signIn(page, 'staff', staff.username, staff.password);
      await page.waitForURL('**/institutions');
      await ctx.clearCookies();
      await page.getByRole('link', { name: '参保人员' }).click();
      await page.waitForURL('**/login?next=%2Fpersons');
      await expect.poll(() => page.getByRole('status').innerText()).toContain('登录已过期');

      // Deep links get the portal; the API, hospital interface, docs and probes answer for themselves.
      const deep = await page.request.get('/policies/12');
      expect(deep.status()).toBe(200);
      expect(deep.headers()['content-type']).toContain('text/html');
      expect(deep.headers()['cache-control']).toBe('no-cache');
      for (const url of ['/api/nope', '/fsi/api/nope', '/docsnope', '/metrics/nope']) {
        const res = await page.request.get(url);
        expect(res.status(), url).toBe(404);
        expect(res.headers()['content-type'], url).toContain('json');
      }
      const html = await deep.text();
      const asset = /\/assets\/[^"]+\.js/.exec(html)?.[0];
      expect(asset).toBeDefined();
      const js = await page.request.get(asset!);
      expect(js.headers()['cache-control']).toContain('immutable');
      expect((await page.request.get('/assets/missing-0000.js')).status()).toBe(404);
    } finally {
      await ctx.close();
    }
  }, 60_000);
});
