import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { fixedClock } from '../../src/core/clock.ts';
import type { CredentialInstitution, CredentialPerson } from '../../src/demo/model.ts';
import type { App } from '../../src/http/types.ts';
import type { Flows, Payables, PrepaidLevel, Statement } from '../../web/src/clearing.ts';
import { formatYuan } from '../../web/src/format.ts';
import { gatewayHeaders, hisEnvelope } from '../support/his.ts';
import { DESKTOP, hasChromium, horizontalOverflow, htmlLang, open, PHONE, shot, startPortal, untranslated, type Portal, type Viewport } from './support.ts';

/**
 * The clearing in a real browser. The demo nation has no settlements in a past
 * month, so a second server on the same database, whose clock stands in
 * September and October 2026, takes outpatient visits from four of the
 * personas through the signed HIS interface (one visit is then cancelled).
 * The portal itself runs on the real clock: the national operator clears
 * October from the page, a province agency excludes and confirms, and a
 * treatment-place agency pays an institution.
 */

const MONTH = '2026-10';

interface CatalogItem {
  hilist_code: string;
  pric_uplmt_fen: number | null;
}

/** `yyyy-MM-dd HH:mm:ss` in Beijing time. */
function beijing(at: Date): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(at);
}

describe.skipIf(!hasChromium)('clearing in a browser', () => {
  let portal: Portal;
  let past: App;
  const clock = fixedClock('2026-10-05T02:00:00Z');
  let serial = 0;

  /** One HIS transaction sent by `inst` at the past clock's time. */
  async function his(inst: CredentialInstitution, person: CredentialPerson, infno: string, input: unknown): Promise<Record<string, any>> {
    const now = clock.now();
    serial++;
    const body = hisEnvelope(
      infno,
      input,
      { msgid: `${inst.code}${beijing(now).replace(/\D/g, '')}${String(serial).padStart(4, '0')}`, fixmedins_code: inst.code, mdtrtarea_admvs: inst.admdvs, insuplc_admdvs: person.insuplc_admdvs },
      { inf_time: beijing(now) },
    );
    const res = await past.inject({
      method: 'POST',
      url: `/fsi/api/${infno}`,
      headers: { 'content-type': 'text/plain', ...gatewayHeaders(inst, now, `clr${serial}x${now.getTime()}`) },
      payload: JSON.stringify(body),
    });
    expect(res.statusCode).toBe(200);
    const answer = res.json() as { infcode: number; err_msg: string; output: Record<string, any> };
    expect(answer.err_msg, `${infno}: ${answer.err_msg}`).toBe('');
    return answer.output;
  }

  /** An outpatient visit at `instant` (UTC) billed one class A item of about `fen`, settled. */
  async function visit(personaKey: string, instant: string, fen: number, o: { emergency?: boolean } = {}): Promise<{ setl_id: string; mdtrt_id: string }> {
    const person = portal.creds.persons.find((p) => p.persona === personaKey)!;
    const area = person.filings[0]!.area;
    const inst = portal.creds.institutions.find((i) => i.admdvs === area && i.kind === 'hospital')!;
    clock.set(instant);
    const day = instant.slice(0, 10);
    const items = (await past.inject({ url: `/api/catalog?province=${area.slice(0, 2)}0000&chrgitm_lv=01&date=${day}&page_size=100` })).json() as { items: CatalogItem[] };
    const item = items.items.find((i) => i.pric_uplmt_fen === null || i.pric_uplmt_fen >= fen) ?? items.items[0]!;
    const price = item.pric_uplmt_fen === null ? fen : Math.min(fen, item.pric_uplmt_fen);
    const reg = await his(inst, person, '2201', { data: { psn_no: person.psn_no, insutype: person.insutype, begntime: beijing(clock.now()), mdtrt_cert_type: '02', mdtrt_cert_no: person.certno, ...(o.emergency ? { emergency_flag: '1' } : {}) } });
    const mdtrtId = reg.data.mdtrt_id as string;
    await his(inst, person, '2204', {
      feedetail: [
        {
          feedetl_sn: `F${serial}`,
          mdtrt_id: mdtrtId,
          psn_no: person.psn_no,
          med_type: '11',
          fee_ocur_time: beijing(clock.now()),
          med_list_codg: item.hilist_code,
          medins_list_codg: '',
          det_item_fee_sumamt: price / 100,
          cnt: 1,
          pric: price / 100,
          bilg_dept_codg: 'A03',
          bilg_dept_name: '内科',
          bilg_dr_codg: 'D01',
          bilg_dr_name: '李医生',
        },
      ],
    });
    const out = await his(inst, person, '2207', {
      data: { mdtrt_id: mdtrtId, psn_no: person.psn_no, mdtrt_cert_type: '02', medfee_sumamt: price / 100, psn_setlway: '01', insutype: person.insutype, acct_used_flag: '0', mid_setl_flag: '0', med_type: '11' },
    });
    return { setl_id: out.setlinfo.setl_id as string, mdtrt_id: mdtrtId };
  }

  beforeAll(async () => {
    portal = await startPortal();
    past = await buildApp({ db: portal.db, clock, config: loadConfig({}) }, { logger: false, webDir: null });
    // Heilongjiang → Guangdong (Shenzhen) three times, one cancelled; Hunan → Guangdong; Sichuan → Shanghai; Zhejiang → Hainan in September, an emergency between two filings.
    await visit('traveller', '2026-09-18T03:00:00Z', 42_000, { emergency: true });
    const first = await visit('resettled_retiree', '2026-10-05T02:00:00Z', 68_000);
    await visit('resettled_retiree', '2026-10-12T06:00:00Z', 125_000);
    await visit('resettled_retiree', '2026-10-26T01:30:00Z', 36_000);
    await visit('dialysis', '2026-10-09T02:00:00Z', 88_000);
    await visit('dialysis', '2026-10-23T02:00:00Z', 88_000);
    await visit('stationed_worker', '2026-10-15T08:00:00Z', 54_000);
    const retiree = portal.creds.persons.find((p) => p.persona === 'resettled_retiree')!;
    const shenzhen = portal.creds.institutions.find((i) => i.admdvs === retiree.filings[0]!.area && i.kind === 'hospital')!;
    clock.set('2026-10-20T02:00:00Z');
    await his(shenzhen, retiree, '2208', { data: { mdtrt_id: first.mdtrt_id, setl_id: first.setl_id, psn_no: retiree.psn_no } });
  }, 240_000);

  afterAll(async () => {
    await past?.close();
    await portal?.close();
  });

  const staff = (username: string) => {
    const s = portal.creds.staff.find((x) => x.username === username);
    if (!s) throw new Error(`the demo has no ${username}`);
    return s;
  };

  async function as(options: Viewport, username: string) {
    const session = await open(portal, options);
    const res = await session.page.request.post('/api/session', { data: { username, password: staff(username).password } });
    expect(res.status()).toBe(200);
    return session;
  }

  async function toEnglish(page: Page) {
    await page.getByRole('button', { name: '切换到英文' }).click();
    await expect.poll(() => htmlLang(page)).toBe('en');
  }

  async function getJson<T>(page: Page, path: string): Promise<T> {
    const res = await page.request.get(path);
    expect(res.status(), path).toBe(200);
    return (await res.json()) as T;
  }

  it('the national operator sees October’s live flows, is refused the month not ended, clears October and reads its positions (phone)', async () => {
    const { ctx, page, errors } = await as(PHONE, 'national');
    try {
      await page.goto(`/dashboard?month=${MONTH}`);
      const live = await getJson<Flows>(page, `/api/clearing/months/${MONTH}/flows`);
      expect(live.source).toBe('settlements');
      expect(live.links).toHaveLength(3);
      await expect.poll(() => page.locator('[data-testid=sankey] svg').getAttribute('data-links')).toBe('3');
      expect(await page.locator('[data-testid=flow-table] [data-flow]').count()).toBe(3);
      for (const l of live.links) expect(await page.locator(`[data-testid=flow-table] [data-flow="${l.source}>${l.target}"] [data-amount]`).innerText()).toBe(formatYuan(l.amount_fen));
      await expect.poll(() => page.getByTestId('daily-chart').locator('rect[data-day]').count()).toBe(31);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, 'phone-dashboard-live-zh', true);

      await page.getByRole('link', { name: '清算', exact: true }).click();
      await page.waitForURL('**/clearing');
      const form = page.getByTestId('clear-form');
      const thisMonth = beijing(new Date()).slice(0, 7);
      await form.locator('input[name=month]').fill(thisMonth);
      await form.getByRole('button', { name: '关账并清算' }).click();
      await expect.poll(() => page.getByTestId('clear-error').innerText()).toContain(`${thisMonth} 未能清算`);
      expect(await page.getByTestId('clear-error').innerText()).toMatch(/not ended|ended|结束/);
      await shot(page, 'phone-clearing-refused-zh');

      await form.locator('input[name=month]').fill(MONTH);
      await form.getByRole('button', { name: '关账并清算' }).click();
      const result = page.getByTestId('clear-result');
      await expect.poll(() => result.locator('[data-figure=statements]').innerText(), { timeout: 20_000 }).toBe('4');
      expect(await result.locator('[data-figure=settlements]').innerText()).toBe('8');
      expect(await page.locator(`[data-testid=months] [data-month="${MONTH}"] [data-status]`).getAttribute('data-status')).toBe('issued');
      await shot(page, 'phone-clearing-done-zh');

      await result.getByRole('link', { name: `查看 ${MONTH} 对账单` }).click();
      await page.waitForURL(`**/clearing/${MONTH}`);
      const month = await getJson<{ positions: { province: string; net_fen: number }[] }>(page, `/api/clearing/months/${MONTH}`);
      await expect.poll(() => page.locator('[data-testid=positions] [data-province]').count()).toBe(month.positions.length);
      expect(month.positions.reduce((s, p) => s + p.net_fen, 0)).toBe(0);
      for (const p of month.positions) expect(await page.locator(`[data-testid=positions] [data-province="${p.province}"] [data-amount=net_fen]`).innerText()).toBe(formatYuan(p.net_fen));
      expect(await page.locator('[data-testid=statements] [data-statement]').count()).toBe(4);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, 'phone-clearing-month-zh', true);

      await toEnglish(page);
      await expect.poll(() => page.locator('h1').innerText()).toContain(`Clearing of ${MONTH}`);
      expect(await untranslated(page)).toEqual([]);
      await shot(page, 'phone-clearing-month-en', true);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 90_000);

  it('the dashboard draws the cleared month’s statements as a Sankey, in Chinese and English (desktop, phone)', async () => {
    for (const [viewport, name] of [
      [DESKTOP, 'desktop'],
      [PHONE, 'phone'],
    ] as const) {
      const { ctx, page, errors } = await as(viewport, 'national');
      try {
        await page.goto(`/dashboard?month=${MONTH}`);
        const flows = await getJson<Flows>(page, `/api/clearing/months/${MONTH}/flows`);
        expect(flows.source).toBe('statements');
        expect(flows.links).toHaveLength(4);
        await expect.poll(() => page.locator('[data-testid=sankey] svg').getAttribute('data-links')).toBe('4');
        await expect.poll(() => page.locator('[data-testid=sankey] [data-node]').count()).toBe(7);
        expect(await page.locator('[data-testid=sankey] [data-node="T:440000"] .sankey-name').innerHTML()).toBe('广东省');
        await expect.poll(() => page.locator('[data-testid=prepaid-bars] [data-warning=true]').count()).toBeGreaterThan(0);
        expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
        await shot(page, `${name}-dashboard-zh`, true);
        if (viewport === PHONE) {
          await page.getByTestId('daily-chart').evaluate((el) => el.closest('.card')!.scrollIntoView({ block: 'start' }));
          await page.evaluate('window.scrollBy(0, -90)');
          await shot(page, 'phone-dashboard-chart-zh');
          await page.getByTestId('sankey').evaluate((el) => el.scrollIntoView({ block: 'start' }));
          await page.evaluate('window.scrollBy(0, -120)');
          await page.locator('[data-testid=sankey] path[data-link="I:230000>T:440000"]').click();
          expect(await page.locator('.sankey-caption').last().innerText()).toContain('黑龙江省 → 广东省');
          await shot(page, 'phone-dashboard-flows-zh');
        }
        await toEnglish(page);
        await expect.poll(() => page.locator('[data-testid=sankey] [data-node="T:440000"] .sankey-name').innerHTML()).toBe('Guangdong');
        expect(await untranslated(page)).toEqual([]);
        expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
        await shot(page, `${name}-dashboard-en`, true);
        expect(errors).toEqual([]);
      } finally {
        await ctx.close();
      }
    }
  }, 90_000);

  it('the national operator tops up a province’s prepaid funds and sees the movement', async () => {
    const { ctx, page, errors } = await as(DESKTOP, 'national');
    try {
      await page.goto('/prepaid');
      const levels = await getJson<{ items: PrepaidLevel[] }>(page, '/api/clearing/prepaid');
      const hlj = levels.items.find((p) => p.province === '230000')!;
      expect(hlj.uncleared_fen).toBeGreaterThan(0);
      await expect.poll(() => page.locator('[data-testid=prepaid-levels] [data-province="230000"] [data-amount=available_fen]').innerText()).toBe(formatYuan(hlj.available_fen));
      const form = page.getByTestId('prepaid-form');
      await form.locator('select[name=province]').selectOption('230000');
      await form.locator('input[name=amount]').fill('5,000.5');
      await form.locator('input[name=reason]').fill('四季度补足');
      await form.getByRole('button', { name: '登记补足' }).click();
      await expect.poll(() => page.getByTestId('prepaid-outcome').innerText()).toContain('¥5,000.50');
      await expect.poll(() => page.locator('[data-testid=prepaid-levels] [data-province="230000"] [data-amount=available_fen]').innerText()).toBe(formatYuan(hlj.available_fen + 500_050));
      expect(await page.locator('[data-testid=prepaid-movements] [data-amount=amount_fen]').first().innerText()).toBe('¥5,000.50');
      await shot(page, 'desktop-prepaid-zh', true);
      await toEnglish(page);
      expect(await untranslated(page)).toEqual([]);
      // The outcome is worded when shown, so it follows the switch.
      expect(await page.getByTestId('prepaid-outcome').innerText()).toMatch(/^Recorded ¥5,000\.50 \(prepaid:230000:topup:/);
      await shot(page, 'desktop-prepaid-en', true);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 60_000);

  it('Guangdong’s agency excludes a disputed settlement, confirms a statement and exports it (phone, desktop)', async () => {
    const { ctx, page, errors } = await as(PHONE, 'insured-440000');
    try {
      await page.goto('/clearing');
      const list = page.locator('[data-testid=statements] [data-statement]');
      await expect.poll(() => list.count()).toBe(2);
      await expect.poll(() => page.locator('[data-testid=statements]').innerText()).toContain('黑龙江省 → 广东省');
      expect(await page.locator('[data-testid=statements]').innerText()).toContain('待本省确认');
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, 'phone-clearing-agency-zh');

      // Hunan's statement: exclude one of its two settlements.
      const hunan = `${MONTH}-430000-440000`;
      await page.locator(`[data-statement="${hunan}"] a`).click();
      await page.waitForURL(`**/clearing/statements/${hunan}`);
      const before = await getJson<Statement>(page, `/api/clearing/statements/${hunan}`);
      expect(before.own.settlements).toBe(2);
      await expect.poll(() => page.locator('[data-testid=lines] [data-line]').count()).toBe(2);
      const lineId = (await page.locator('[data-testid=lines] [data-line]').first().getAttribute('data-line'))!;
      await page.locator(`[data-exclude="${lineId}"]`).click();
      const exclude = page.getByTestId('exclude-form');
      await exclude.getByRole('button', { name: '剔除' }).click();
      expect(await exclude.innerText()).toContain('请填写原因');
      await exclude.locator('textarea[name=reason]').fill('重复收费，待医院核实');
      await exclude.getByRole('button', { name: '剔除' }).click();
      await expect.poll(() => page.locator('[data-part-tab=excluded]').innerText()).toContain('(1)');
      const after = await getJson<Statement>(page, `/api/clearing/statements/${hunan}`);
      expect(after.excluded.rows).toBe(1);
      expect(after.net_fen).toBeLessThan(before.net_fen);
      expect(await page.locator('.statement-figures [data-amount=net_fen]').innerText()).toBe(formatYuan(after.net_fen));
      await page.locator('[data-part-tab=excluded]').click();
      await expect.poll(() => page.locator(`[data-testid=lines] [data-line="${lineId}"]`).innerText()).toContain('重复收费，待医院核实');

      // Heilongjiang's statement: confirm the treatment side.
      const hlj = `${MONTH}-230000-440000`;
      await page.goto(`/clearing/statements/${hlj}`);
      await expect.poll(() => page.locator('[data-confirmation=treatment]').getAttribute('data-state')).toBe('awaited');
      expect(await page.getByTestId('confirm-insured').count()).toBe(0);
      await page.getByTestId('confirm-treatment').click();
      await expect.poll(() => page.locator('[data-confirmation=treatment]').first().getAttribute('data-state')).toBe('confirmed');
      const st = await getJson<Statement>(page, `/api/clearing/statements/${hlj}`);
      expect(st.treatment_confirmation).not.toBeNull();
      expect(await page.locator('.statement-figures [data-amount=net_fen]').innerText()).toBe(formatYuan(st.net_fen));
      expect(await page.locator('[data-testid=lines] [data-line]').count()).toBe(st.own.settlements + st.own.reversals);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, 'phone-clearing-statement-zh', true);

      // The CSV behind the link: a header and one row per settlement row.
      const href = (await page.getByTestId('export-csv').getAttribute('href'))!;
      expect(href).toBe(`/api/clearing/statements/${hlj}/export.csv`);
      const csv = await page.request.get(href);
      expect(csv.status()).toBe(200);
      expect(csv.headers()['content-type']).toContain('text/csv');
      expect(csv.headers()['content-disposition']).toContain('attachment');
      const rows = (await csv.text()).trim().split('\n');
      expect(rows).toHaveLength(1 + st.own.settlements + st.own.reversals + st.carried.rows);

      await toEnglish(page);
      await expect.poll(() => page.locator('h1').innerText()).toBe('Heilongjiang → Guangdong');
      expect(await untranslated(page)).toEqual([]);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, 'phone-clearing-statement-en', true);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }

    const desk = await as(DESKTOP, 'insured-440000');
    try {
      await desk.page.goto(`/clearing/statements/${MONTH}-430000-440000?part=own`);
      await expect.poll(() => desk.page.locator('[data-testid=lines] tbody tr').count()).toBe(2);
      expect(await desk.page.locator('[data-testid=lines] [data-exclude]').count()).toBe(1);
      await expect.poll(() => desk.page.locator('[data-confirmation=treatment]').getAttribute('data-state')).toBe('awaited');
      await shot(desk.page, 'desktop-clearing-statement-zh', true);
      await toEnglish(desk.page);
      expect(await untranslated(desk.page)).toEqual([]);
      await shot(desk.page, 'desktop-clearing-statement-en', true);
      await desk.page.goto('/clearing');
      await expect.poll(() => desk.page.locator('[data-testid=statements] tbody tr').count()).toBe(2);
      await shot(desk.page, 'desktop-clearing-agency-en');
      expect(desk.errors).toEqual([]);
    } finally {
      await desk.ctx.close();
    }
  }, 90_000);

  it('a city agency is told the clearing is the province’s, in the server’s words', async () => {
    const { ctx, page, errors } = await as(PHONE, 'insured-230100');
    try {
      await page.goto('/clearing');
      await expect.poll(() => page.getByTestId('refusal').innerText()).toContain('无法查看省间清算');
      expect(await page.getByTestId('refusal').innerText()).toContain('服务器答复');
      expect(await page.getByTestId('city-note').count()).toBe(1);
      await shot(page, 'phone-clearing-city-zh');
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 30_000);

  it('Shenzhen’s treatment agency pays its hospital what October left owing', async () => {
    const { ctx, page, errors } = await as(PHONE, 'treatment-440300');
    try {
      await page.goto(`/payables?month=${MONTH}`);
      const owed = await getJson<Payables>(page, `/api/clearing/payables?area=440300&month=${MONTH}`);
      const p = owed.items.find((x) => x.due_fen > 0)!;
      expect(p).toBeDefined();
      const row = page.locator(`[data-testid=payables] [data-institution="${p.institution}"]`);
      await expect.poll(() => row.locator('[data-amount=due_fen]').innerText()).toBe(formatYuan(p.due_fen));
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, 'phone-payables-zh', true);
      await row.locator(`[data-pay="${p.institution}"]`).click();
      const form = page.getByTestId('payment-form');
      expect(await form.locator('input[name=amount]').inputValue()).toBe(formatYuan(p.due_fen).replace(/[¥,]/g, ''));
      await form.locator('input[name=note]').fill('10月结算款');
      await form.getByRole('button', { name: '登记付款' }).click();
      await expect.poll(() => row.locator('[data-amount=due_fen]').innerText()).toBe(formatYuan(0));
      await expect.poll(() => page.locator('[data-testid=payments] [data-amount=amount_fen]').first().innerText()).toBe(formatYuan(p.due_fen));
      await toEnglish(page);
      expect(await untranslated(page)).toEqual([]);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, 'phone-payables-en', true);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 60_000);
});
