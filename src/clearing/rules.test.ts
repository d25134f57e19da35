import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fen } from '../core/money.ts';
import {
  addWorkingDays,
  clearingTransfers,
  closeProblem,
  csvRecord,
  monthEnd,
  monthHasEnded,
  nextMonth,
  parseMonth,
  parseStatementId,
  positionsOf,
  prepaidLevel,
  prepaidTarget,
  previousMonth,
} from './rules.ts';

describe('months', () => {
  it('knows month ends, neighbours and whether a month has ended in Shanghai time', () => {
    expect(monthEnd('2028-02')).toBe('2028-02-29');
    expect(monthEnd('2026-12')).toBe('2026-12-31');
    expect(nextMonth('2026-12')).toBe('2027-01');
    expect(previousMonth('2027-01')).toBe('2026-12');
    expect(monthHasEnded('2026-10', '2026-10-31')).toBe(false);
    expect(monthHasEnded('2026-10', '2026-11-01')).toBe(true);
    expect(() => parseMonth('2026-00')).toThrow(/month: must be a month yyyy-MM/);
    expect(() => parseMonth(202610)).toThrow(/month/);
  });

  it('closes months in order, after they end', () => {
    expect(closeProblem('2026-10', '2026-10-31', null)?.issues[0]?.path).toBe('month');
    expect(closeProblem('2026-10', '2026-11-01', null)).toBeNull();
    expect(closeProblem('2026-11', '2026-12-01', '2026-10')).toBeNull();
    expect(closeProblem('2026-12', '2027-01-05', '2026-10')?.message).toMatch(/clear 2026-11 first/);
    expect(closeProblem('2026-09', '2027-01-05', '2026-10')?.message).toMatch(/was cleared with the months up to 2026-10/);
  });

  it('counts working days past weekends', () => {
    expect(addWorkingDays('2026-11-05', 5)).toBe('2026-11-12'); // Thursday → next Thursday
    expect(addWorkingDays('2026-11-06', 1)).toBe('2026-11-09'); // Friday → Monday
    expect(addWorkingDays('2026-11-07', 0)).toBe('2026-11-07');
  });

  it('takes statement ids apart', () => {
    expect(parseStatementId('2026-10-230000-440000')).toEqual({ id: '2026-10-230000-440000', month: '2026-10', insured: '230000', treatment: '440000' });
    expect(() => parseStatementId('2026-10-230100-440000')).toThrow(/id: must be a statement id/);
  });
});

const province = fc.integer({ min: 11, max: 65 }).map((n) => `${n}0000`);

describe('clearing postings', () => {
  it('posts two balanced transfers per statement, either way, and none for zero', () => {
    fc.assert(
      fc.property(province, province, fc.integer({ min: -1e9, max: 1e9 }), (ip, tp, net) => {
        fc.pre(ip !== tp);
        const ts = clearingTransfers({ id: `2026-10-${ip}-${tp}`, insured_province: ip, treatment_province: tp, net_fen: fen(net) }, '2026-11-10');
        if (net === 0) {
          expect(ts).toEqual([]);
          return;
        }
        expect(ts).toHaveLength(2);
        const effect = new Map<string, number>();
        for (const t of ts) {
          expect(t.amount_fen).toBe(Math.abs(net));
          effect.set(t.debit, (effect.get(t.debit) ?? 0) - t.amount_fen);
          effect.set(t.credit, (effect.get(t.credit) ?? 0) + t.amount_fen);
        }
        // The insured side's prepaid funds pay, the treatment side receives, the claim is settled.
        expect(effect.get(`prepaid:${ip}`)).toBe(-net);
        expect(effect.get(`agency:${tp}`)).toBe(net);
        expect(effect.get(`claim:${tp}:${ip}`)).toBe(-net);
        expect(effect.get(`fund:${ip}`)).toBe(net);
      }),
    );
  });

  it('nets positions to zero over all provinces', () => {
    const statement = fc.record({ insured_province: province, treatment_province: province, net_fen: fc.integer({ min: -1e10, max: 1e10 }).map(fen) });
    fc.assert(
      fc.property(fc.array(statement, { maxLength: 40 }), (xs) => {
        const positions = positionsOf(xs.filter((s) => s.insured_province !== s.treatment_province));
        expect(positions.reduce((s, p) => s + p.net_fen, 0)).toBe(0);
        for (const p of positions) expect(p.net_fen).toBe(p.receivable_fen - p.payable_fen);
      }),
    );
  });
});

describe('prepaid funds', () => {
  it('sizes the target to months of last year, half-up', () => {
    expect(prepaidTarget(fen(1200), 2)).toBe(200);
    expect(prepaidTarget(fen(3), 2)).toBe(1); // 0.5 → 1
    expect(prepaidTarget(fen(0), 2)).toBe(0);
  });

  it('warns below the threshold and suggests the top-up back to the target', () => {
    expect(prepaidLevel({ prepaid_fen: fen(1000), uncleared_fen: fen(400), target_fen: fen(1000) }, 5000)).toEqual({
      available_fen: 600,
      threshold_fen: 500,
      warning: false,
      suggested_topup_fen: 0,
    });
    expect(prepaidLevel({ prepaid_fen: fen(1000), uncleared_fen: fen(600), target_fen: fen(1000) }, 5000)).toMatchObject({ warning: true, suggested_topup_fen: 600 });
    expect(prepaidLevel({ prepaid_fen: fen(0), uncleared_fen: fen(10), target_fen: null }, 5000)).toMatchObject({ warning: true, threshold_fen: null, suggested_topup_fen: 10 });
  });
});

describe('CSV', () => {
  it('quotes what needs quoting', () => {
    expect(csvRecord(['a', 'b,c', 'say "hi"', null, 3])).toBe('a,"b,c","say ""hi""",,3\r\n');
  });
});
