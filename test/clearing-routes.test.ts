import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../src/clearing/routes.ts';
import type { App } from '../src/http/types.ts';
import { agency, clearingWorld, HARBIN, HOSPITALS, NANJING, national, SHENZHEN, type ClearingWorld, type Row } from './clearing-world.ts';
import { routeTestApp } from './support/route-app.ts';

const principals = {
  national,
  heilongjiang: agency('230000'),
  guangdong: agency('440000', 'treatment_agency'),
  jiangsu: agency('320000'),
  shenzhen: agency(SHENZHEN, 'treatment_agency'),
};
const as = (who: keyof typeof principals) => ({ 'x-test-as': who });

describe('clearing REST API', () => {
  let w: ClearingWorld;
  let app: App;
  let disputed: Row;
  const id = '2026-10-230000-440000';

  beforeAll(async () => {
    w = await clearingWorld();
    await w.settle({ insured: HARBIN, treatment: SHENZHEN, at: '2026-10-03 09:00:00', medfee: 300012, fund: 208005, acct: 5000 });
    disputed = await w.settle({ insured: HARBIN, treatment: SHENZHEN, at: '2026-10-04 09:00:00', medfee: 1000, fund: 600 });
    await w.settle({ insured: SHENZHEN, treatment: NANJING, at: '2026-10-05 09:00:00', medfee: 5000, fund: 3000 });
    // 2026-11-10 10:00 in Shanghai: October has ended.
    app = await routeTestApp(w.db, routes, principals, '2026-11-10T02:00:00Z');
  });
  afterAll(async () => {
    await app?.close();
    await w?.close();
  });

  it('clears a month for the national operator only, and refuses a bad or unfinished month', async () => {
    expect((await app.inject({ method: 'POST', url: '/api/clearing/months/2026-10/clear', headers: as('guangdong') })).statusCode).toBe(403);
    const bad = await app.inject({ method: 'POST', url: '/api/clearing/months/2026-1/clear', headers: as('national') });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'validation', errors: [{ path: 'month' }] });
    const early = await app.inject({ method: 'POST', url: '/api/clearing/months/2026-11/clear', headers: as('national') });
    expect(early.statusCode).toBe(422);
    expect(early.json().errors[0].path).toBe('month');
    const res = await app.inject({ method: 'POST', url: '/api/clearing/months/2026-10/clear', headers: as('national') });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ month: '2026-10', status: 'issued', statements: 2, awaiting: 2, settlements: 3 });
    const months = await app.inject({ url: '/api/clearing/months', headers: as('jiangsu') });
    expect(months.json().items.map((m: { month: string }) => m.month)).toEqual(['2026-10']);
  });

  it('lists a province’s statements by side and drills down to the rows behind them', async () => {
    const mine = await app.inject({ url: '/api/clearing/statements?side=insured', headers: as('heilongjiang') });
    expect(mine.statusCode).toBe(200);
    expect(mine.json().items.map((s: { id: string }) => s.id)).toEqual([id]);
    const other = await app.inject({ url: '/api/clearing/statements?province=320000', headers: as('heilongjiang') });
    expect(other.statusCode).toBe(403);
    expect(other.json().errors[0].path).toBe('province');
    const badSide = await app.inject({ url: '/api/clearing/statements?side=both', headers: as('national') });
    expect(badSide.statusCode).toBe(400);

    const one = await app.inject({ url: `/api/clearing/statements/${id}`, headers: as('guangdong') });
    expect(one.json()).toMatchObject({ id, net_fen: 208005 + 5000 + 600, own: { settlements: 2 }, exclusions: [] });
    expect((await app.inject({ url: `/api/clearing/statements/${id}`, headers: as('jiangsu') })).statusCode).toBe(403);
    expect((await app.inject({ url: '/api/clearing/statements/nope', headers: as('national') })).statusCode).toBe(400);

    const page = await app.inject({ url: `/api/clearing/statements/${id}/settlements?page_size=1&page=2`, headers: as('heilongjiang') });
    expect(page.json()).toMatchObject({ total: 2, page: 2, page_size: 1, items: [{ setl_id: disputed.setl_id, part: 'own', fund_fen: 600, excluded: null }] });
  });

  it('exports a statement as CSV with yuan to two decimals', async () => {
    const res = await app.inject({ url: `/api/clearing/statements/${id}/export.csv`, headers: as('heilongjiang') });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain(`clearing-${id}.csv`);
    const lines = res.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'statement_id,part,setl_id,kind,reverses,setl_month,setl_time,psn_no,fixmedins_code,insuplc_admdvs,mdtrtarea_admvs,medfee_sumamt,fund_pay_sumamt,acct_pay,clearing_amount,excluded_side,excluded_reason,carried_from_month,carried_reason',
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(',3000.12,2080.05,50.00,2130.05,,,,');
    expect(lines[1]).toContain(',2026-10-03 09:00:00,');
    const refused = await app.inject({ url: `/api/clearing/statements/${id}/export.csv`, headers: as('jiangsu') });
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
  });

  it('takes an exclusion and confirmations from the right province, then the money moves', async () => {
    const wrong = await app.inject({ method: 'POST', url: `/api/clearing/statements/${id}/confirm`, headers: as('jiangsu'), payload: { side: 'insured' } });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().errors[0].path).toBe('side');
    const missing = await app.inject({ method: 'POST', url: `/api/clearing/statements/${id}/exclusions`, headers: as('guangdong'), payload: { side: 'treatment' } });
    expect(missing.statusCode).toBe(400);
    const excluded = await app.inject({
      method: 'POST',
      url: `/api/clearing/statements/${id}/exclusions`,
      headers: as('guangdong'),
      payload: { setl_id: disputed.setl_id, side: 'treatment', reason: 'duplicate bill, "under review"' },
    });
    expect(excluded.statusCode).toBe(201);
    const csv = await app.inject({ url: `/api/clearing/statements/${id}/export.csv`, headers: as('guangdong') });
    expect(csv.body).toContain(',treatment,"duplicate bill, ""under review""",,');

    for (const [who, statement, side] of [
      ['heilongjiang', id, 'insured'],
      ['guangdong', id, 'treatment'],
      ['guangdong', '2026-10-440000-320000', 'insured'],
    ] as const) {
      const r = await app.inject({ method: 'POST', url: `/api/clearing/statements/${statement}/confirm`, headers: as(who), payload: { side } });
      expect(r.statusCode, `${who} ${statement}`).toBe(200);
    }
    const jiangsu = await app.inject({ method: 'POST', url: '/api/clearing/statements/2026-10-440000-320000/confirm', headers: as('jiangsu'), payload: { side: 'treatment' } });
    expect(jiangsu.json()).toMatchObject({ posted_at: expect.any(String), net_fen: 3000 });
    const month = await app.inject({ url: '/api/clearing/months/2026-10', headers: as('national') });
    expect(month.json()).toMatchObject({ status: 'cleared', statements: 2, confirmed: 2, totals: { net_fen: 213005 + 3000 } });
    expect(month.json().positions.reduce((s: number, p: { net_fen: number }) => s + p.net_fen, 0)).toBe(0);
    const own = await app.inject({ url: '/api/clearing/months/2026-10', headers: as('jiangsu') });
    expect(own.json().positions.map((p: { province: string }) => p.province)).toEqual(['320000']);
    const flows = await app.inject({ url: '/api/clearing/months/2026-10/flows', headers: as('national') });
    expect(flows.json().links).toEqual([
      { source: 'I:230000', target: 'T:440000', amount_fen: 213005, settlements: 1 },
      { source: 'I:440000', target: 'T:320000', amount_fen: 3000, settlements: 1 },
    ]);
  });

  it('serves prepaid funds, payables and the daily figures', async () => {
    const sized = await app.inject({ method: 'POST', url: '/api/clearing/prepaid/sizing', headers: as('national'), payload: { year: 2027 } });
    expect(sized.statusCode).toBe(200);
    const top = await app.inject({ method: 'POST', url: '/api/clearing/prepaid/top-ups', headers: as('national'), payload: { province: '230000', amount_fen: 500000, key: 'k1' } });
    expect(top.statusCode).toBe(201);
    const badTop = await app.inject({ method: 'POST', url: '/api/clearing/prepaid/top-ups', headers: as('national'), payload: { province: '230000', amount_fen: 0 } });
    expect(badTop.json().errors[0].path).toBe('amount_fen');
    const levels = await app.inject({ url: '/api/clearing/prepaid', headers: as('national') });
    expect(levels.json().items.find((l: { province: string }) => l.province === '230000')).toMatchObject({ name_en: 'Heilongjiang', uncleared_fen: 600 });
    expect((await app.inject({ url: '/api/clearing/prepaid/movements?province=230000', headers: as('heilongjiang') })).json().items.map((m: { kind: string }) => m.kind)).toEqual(['size', 'topup']);
    expect((await app.inject({ url: '/api/clearing/prepaid/targets?year=2026', headers: as('national') })).json().items).toEqual([]);

    const payables = await app.inject({ url: `/api/clearing/payables?area=${SHENZHEN}&month=2026-10`, headers: as('shenzhen') });
    expect(payables.json()).toMatchObject({ items: [{ institution: HOSPITALS[SHENZHEN], due_fen: 208005 + 5000 + 600 }] });
    const pay = await app.inject({ method: 'POST', url: '/api/clearing/payments', headers: as('shenzhen'), payload: { institution: HOSPITALS[SHENZHEN], month: '2026-10', amount_fen: 1000 } });
    expect(pay.statusCode).toBe(201);
    expect((await app.inject({ url: `/api/clearing/payments?area=${SHENZHEN}`, headers: as('shenzhen') })).json().items).toHaveLength(1);
    const notTheirs = await app.inject({ url: `/api/clearing/payables?area=${SHENZHEN}&month=2026-10`, headers: as('jiangsu') });
    expect(notTheirs.statusCode).toBe(403);

    const daily = await app.inject({ url: '/api/clearing/dashboard/daily?from=2026-10-01&to=2026-10-31&side=insured', headers: as('national') });
    expect(daily.json().items.map((d: { date: string; province: string }) => `${d.date} ${d.province}`)).toEqual(['2026-10-03 230000', '2026-10-04 230000', '2026-10-05 440000']);
    const badDay = await app.inject({ url: '/api/clearing/dashboard/daily?from=2026-10-01&to=2026-02-30', headers: as('national') });
    expect(badDay.statusCode).toBe(400);
    expect(badDay.json().errors[0].path).toBe('to');
    expect(await w.ledgerTotal()).toBe(0);
  });

  it('describes every endpoint under the clearing tag', async () => {
    const spec = app.swagger() as { paths: Record<string, Record<string, { tags?: string[] }>> };
    const clearingPaths = Object.keys(spec.paths).filter((p) => p.startsWith('/api/clearing'));
    expect(clearingPaths.length).toBeGreaterThanOrEqual(15);
    for (const p of clearingPaths) for (const op of Object.values(spec.paths[p]!)) expect(op.tags).toEqual(['clearing']);
  });
});
