import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fen } from '../core/money.ts';
import type { ApplicationFigures, PlatformRow } from './model.ts';
import { applicationFigures, applicationIssues, applicationMismatch, applicationsAffected } from './rules.ts';

const row = (setl_id: string, clr_type: string, cancel: boolean, medfee: number, fund: number, cash: number, acct: number): PlatformRow => ({
  setl_id,
  mdtrt_id: `S${setl_id}`,
  psn_no: 'P1',
  msgid: null,
  refd_setl_flag: cancel ? '1' : '0',
  insutype: '310',
  clr_type,
  med_type: clr_type === '21' ? '21' : '11',
  insuplc_admdvs: '230100',
  mdtrtarea_admvs: '440300',
  setl_time: '2026-11-23 10:00:00',
  setl_date: '2026-11-23',
  setl_month: '2026-11',
  psn_name: '测试',
  medfee_sumamt: fen(medfee),
  fund_pay_sumamt: fen(fund),
  acct_pay: fen(acct),
  psn_cash_pay: fen(cash),
});

describe('clearing application figures', () => {
  it('nets cancellations, keeps to the clearing type and leaves out the hospital’s exclusions', () => {
    const rows = [
      row('a', '21', false, 30000, 20000, 9000, 1000),
      row('c', '21', false, 500, 300, 200, 0),
      row('c2', '21', true, -500, -300, -200, 0),
      row('e', '21', false, 700, 600, 100, 0),
      row('b', '11', false, 300, 100, 200, 0),
    ];
    expect(applicationFigures(rows, '21', new Set(['e']))).toEqual({
      figures: { psntime: 1, medfee_sumamt: 30000, fund_appy_sum: 20000, cash_payamt: 9000, acct_pay: 1000 },
      excluded_cnt: 1,
    });
    expect(applicationFigures(rows, '41', new Set()).figures).toEqual({ psntime: 0, medfee_sumamt: 0, fund_appy_sum: 0, cash_payamt: 0, acct_pay: 0 });
  });

  it('finds no mismatch exactly when every figure agrees, and names each one that differs', () => {
    const money = fc.integer({ min: -1e9, max: 1e9 }).map(fen);
    const figures = fc.record<ApplicationFigures>({ psntime: fc.integer({ min: 0, max: 1e6 }), medfee_sumamt: money, fund_appy_sum: money, cash_payamt: money, acct_pay: money });
    fc.assert(
      fc.property(figures, figures, (p, d) => {
        const text = applicationMismatch(p, d, '2026-11 clr_type 21');
        const differing = (Object.keys(p) as (keyof ApplicationFigures)[]).filter((k) => p[k] !== d[k]);
        expect(text === null).toBe(differing.length === 0);
        for (const k of differing) expect(text).toContain(`${k} `);
      }),
    );
  });

  it('covers a whole month of a known clearing type', () => {
    expect(applicationIssues({ setlym: '2026-02', clr_type: '21', clr_way: '1', begndate: '2026-02-01', enddate: '2026-02-28' })).toEqual([]);
    expect(applicationIssues({ setlym: '2026-02', clr_type: '22', clr_way: '', begndate: '2026-02-02', enddate: '2026-02-29' }).map((i) => i.path)).toEqual([
      'clr_type',
      'clr_way',
      'begndate',
      'enddate',
    ]);
  });

  it('finds the live applications a change of exclusions touches by clearing type', () => {
    const live = [{ clr_appy_evt_id: 'X', clr_type: '21' }, { clr_appy_evt_id: 'Y', clr_type: '11' }];
    expect(applicationsAffected([{ clr_type: '21' }], live).map((a) => a.clr_appy_evt_id)).toEqual(['X']);
    expect(applicationsAffected([{ clr_type: '41' }], live)).toEqual([]);
  });
});
