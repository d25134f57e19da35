import type { Principal } from '../auth/model.ts';
import type { ClearingSettings } from '../clearing/model.ts';
import { clearMonth, monthFlows, topUpPrepaid } from '../clearing/service.ts';
import { addMonths } from '../core/clock.ts';
import { fen } from '../core/money.ts';
import type { Db } from '../db/pool.ts';
import { generateSettlementMonth } from './settlements.ts';

/*
 * What a platform that has run for a while has: the two months before today
 * settled, the older one cleared and paid from the provinces' prepaid funds,
 * the last one's statements waiting for the provinces to confirm. So the
 * dashboard, the clearing pages and the payables of a fresh demo show money
 * moving, and a province's staff have statements to confirm.
 */

const operator: Principal = { kind: 'system', name: 'demo' };

export interface HistoryOptions {
  seed: number;
  /** today in Asia/Shanghai */
  today: string;
  /** settlements written in each of the two months */
  settlementsPerMonth: number;
  settings: ClearingSettings;
  now: Date;
}

export interface HistoryReport {
  months: string[];
  settlements: number;
}

export async function seedMoneyHistory(db: Db, o: HistoryOptions): Promise<HistoryReport> {
  const thisMonth = `${o.today.slice(0, 7)}-01`;
  const older = addMonths(thisMonth, -2).slice(0, 7);
  const last = addMonths(thisMonth, -1).slice(0, 7);
  let settlements = 0;
  for (const [k, month] of [older, last].entries()) {
    settlements += (await generateSettlementMonth(db, { seed: o.seed + k, month, settlements: o.settlementsPerMonth })).settlements;
  }
  // The provinces' prepaid funds, deposited as about two months of what they paid in the older month.
  const flows = await monthFlows(db, operator, older);
  const owed = new Map<string, number>();
  for (const link of flows.links) {
    const province = flows.nodes.find((n) => n.id === link.source)!.province;
    owed.set(province, (owed.get(province) ?? 0) + link.amount_fen);
  }
  await db.tx(async (tx) => {
    for (const [province, amount] of [...owed].sort()) {
      await topUpPrepaid(tx, operator, { province, amount_fen: fen(amount * 2), reason: 'demo: initial prepaid funds', key: `demo-${older}` }, { today: `${older}-01`, now: o.now });
    }
  });
  // The older month was reconciled on the 10th of the next and, its confirmation period over, paid;
  // the last month is reconciled today and waits for the provinces.
  await clearMonth(db, operator, older, { today: `${last}-10`, now: o.now, settings: o.settings });
  await clearMonth(db, operator, older, { today: o.today, now: o.now, settings: o.settings });
  await clearMonth(db, operator, last, { today: o.today, now: o.now, settings: o.settings });
  return { months: [older, last], settlements };
}
