import { fenFromDb } from '../core/money.ts';
import type { Queryable } from '../db/pool.ts';
import type { Fund } from '../policy/model.ts';
import type { YearTotals } from './model.ts';
import { emptyYearTotals } from './engine.ts';

export interface StoredYear {
  totals: YearTotals;
  admissions: number;
}

/** The year's totals for one cap group (zeros when nothing was settled yet). */
export async function yearTotals(tx: Queryable, psnNo: string, insutype: string, year: number, capGroup: string): Promise<StoredYear> {
  const totals = emptyYearTotals();
  const main = await tx.query<{ admissions: number; deductible_paid_fen: string; pooled_paid_fen: string }>(
    `SELECT admissions, deductible_paid_fen, pooled_paid_fen FROM year_total
      WHERE psn_no = $1 AND insutype = $2 AND year = $3 AND cap_group = $4`,
    [psnNo, insutype, year, capGroup],
  );
  const row = main.rows[0];
  if (row) {
    totals.deductible_paid_fen = fenFromDb(row.deductible_paid_fen);
    totals.pooled_paid_fen = fenFromDb(row.pooled_paid_fen);
  }
  const topups = await tx.query<{ fund: Fund; paid_fen: string; base_fen: string }>(
    'SELECT fund, paid_fen, base_fen FROM year_topup_total WHERE psn_no = $1 AND insutype = $2 AND year = $3',
    [psnNo, insutype, year],
  );
  for (const t of topups.rows) totals.topups[t.fund] = { paid_fen: fenFromDb(t.paid_fen), base_fen: fenFromDb(t.base_fen) };
  return { totals, admissions: row?.admissions ?? 0 };
}
