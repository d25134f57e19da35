import { describe, expect, it } from 'vitest';
import type { Bp, Fen } from '../core/money.ts';
import type { CatalogItem } from './model.ts';
import { itemIssues, planImport } from './rules.ts';

const item = (over: Partial<CatalogItem> = {}): CatalogItem => ({
  province: '440000',
  hilist_code: 'XA01ABD075A002010100483',
  hilist_name: '阿莫西林胶囊',
  list_type: '101',
  med_chrgitm_type: '09',
  chrgitm_lv: '02',
  selfpay_prop_bp: 1000 as Bp,
  pric_uplmt_fen: 2500 as Fen,
  begndate: '2024-01-01',
  enddate: null,
  ...over,
});

describe('itemIssues', () => {
  it('needs a class B share and no share for A and C', () => {
    expect(itemIssues(item({ selfpay_prop_bp: 0 as Bp }), 'items[0]').map((i) => i.path)).toEqual(['items[0].selfpay_prop_bp']);
    expect(itemIssues(item({ chrgitm_lv: '01' }), 'items[1]').map((i) => i.path)).toEqual(['items[1].selfpay_prop_bp']);
    expect(itemIssues(item({ chrgitm_lv: '03', selfpay_prop_bp: 0 as Bp }), 'items[2]')).toEqual([]);
    expect(itemIssues(item({ enddate: '2023-12-31' }), 'items[3]').map((i) => i.path)).toEqual(['items[3].enddate']);
  });
});

describe('planImport', () => {
  it('adds consecutive versions', () => {
    const a = item({ enddate: '2024-12-31' });
    const b = item({ begndate: '2025-01-01', selfpay_prop_bp: 2000 as Bp });
    const plan = planImport([{ path: 'items[0]', item: a }, { path: 'items[1]', item: b }], []);
    expect(plan).toEqual({ issues: [], inserts: [a, b], endChanges: [] });
  });

  it('reports overlaps inside the file at the later item', () => {
    const plan = planImport(
      [
        { path: 'items[0]', item: item() },
        { path: 'items[1]', item: item({ hilist_code: 'OTHER' }) },
        { path: 'items[2]', item: item({ begndate: '2024-06-01', enddate: '2024-12-31' }) },
      ],
      [],
    );
    expect(plan.issues).toEqual([
      { path: 'items[2].begndate', message: 'in force 2024-06-01 to 2024-12-31, overlaps items[0] (in force 2024-01-01 to open)' },
    ]);
  });

  it('reports overlaps with stored versions, and repeats of a version', () => {
    const stored = [item({ enddate: '2024-12-31' })];
    const plan = planImport(
      [
        { path: 'items[0]', item: item({ begndate: '2024-12-31' }) },
        { path: 'items[1]', item: item({ begndate: '2025-01-01' }) },
        { path: 'items[2]', item: item({ begndate: '2025-01-01' }) },
      ],
      stored,
    );
    expect(plan.issues.map((i) => i.path)).toEqual(['items[2].begndate', 'items[0].begndate', 'items[1].begndate']);
    expect(plan.issues[1]!.message).toBe('in force 2024-12-31 to open, overlaps the stored version in force 2024-01-01 to 2024-12-31');
  });

  it('lets a stored version be closed so a new one can follow, but not be rewritten', () => {
    const stored = [item()];
    const close = item({ enddate: '2024-12-31' });
    const next = item({ begndate: '2025-01-01', pric_uplmt_fen: 2300 as Fen });
    expect(planImport([{ path: 'items[0]', item: close }, { path: 'items[1]', item: next }], stored)).toEqual({
      issues: [],
      inserts: [next],
      endChanges: [close],
    });
    // Without closing it, the new version overlaps the open stored one.
    expect(planImport([{ path: 'items[0]', item: next }], stored).issues.map((i) => i.path)).toEqual(['items[0].begndate']);
    // Restating a version unchanged is a no-op; changing its content is refused.
    expect(planImport([{ path: 'items[0]', item: item() }], stored)).toEqual({ issues: [], inserts: [], endChanges: [] });
    const rewritten = planImport([{ path: 'items[0]', item: item({ selfpay_prop_bp: 500 as Bp }) }], stored);
    expect(rewritten.issues).toEqual([{ path: 'items[0]', message: expect.stringMatching(/start a new version/) }]);
  });
});
