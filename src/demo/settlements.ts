import { DomainError, invalid, invalidMany, type FieldIssue } from '../core/errors.ts';
import type { Db } from '../db/pool.ts';
import { FUND_PAY_TYPE_NAMES } from '../settlement/model.ts';
import * as store from './store.ts';

/*
 * A month of cross-province settlements for the clearing's benchmark and
 * tests, written in bulk into a seeded demo nation (`seedDemo`): each of N
 * rows is a visit of a demo person, in an area of another province where the
 * person is filed (or came as an emergency), settled at an institution of
 * that area on a day of the month, with the ledger transfers the settlement
 * posts. The rows are computed and written by the server (store.ts), one
 * statement per table per batch, all in one transaction: a failed run leaves
 * nothing. Same seed, same nation, same month: same rows.
 */

/**
 * Where cross-province patients go, as weights of the treatment province (1
 * for a province not listed): the coastal cities that draw migrant workers
 * and referrals, and Hainan's resettled retirees.
 */
export const TREATMENT_WEIGHTS: ReadonlyMap<string, number> = new Map([
  ['440000', 14], // Guangdong
  ['310000', 11], // Shanghai
  ['110000', 11], // Beijing
  ['330000', 8], // Zhejiang
  ['320000', 7], // Jiangsu
  ['460000', 5], // Hainan
  ['350000', 3], // Fujian
  ['370000', 3], // Shandong
  ['120000', 3], // Tianjin
  ['510000', 3], // Sichuan
  ['500000', 2], // Chongqing
  ['420000', 2], // Hubei
  ['430000', 2], // Hunan
]);

/** Relative number of settlements on a weekday, a Saturday and a Sunday. */
const DAY_WEIGHTS = { weekday: 5, saturday: 3, sunday: 2 } as const;
const DAY_SLOTS = 1024;
export const MAX_SETTLEMENTS = 100_000_000;

const EXPLANATION = [
  {
    zh: '演示数据：按月批量生成，金额满足结算恒等式，但未经结算引擎逐笔计算',
    en: 'demo data: generated in bulk for a month; the amounts keep the settlement identities but were not computed by the settlement engine',
  },
];

export interface MonthOptions {
  seed: number;
  /** yyyy-MM */
  month: string;
  /** settle rows to write (cancellations come on top) */
  settlements: number;
  /** rows per statement (default 100 000 on PGlite, 250 000 on PostgreSQL) */
  batchSize?: number;
  /** share of the visits that are admissions, where the institution admits (default 25 %) */
  inpatientPct?: number;
  /** share of settlements cancelled the same day, in basis points (default 100 = 1 %) */
  cancelBp?: number;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface MonthReport {
  month: string;
  settlements: number;
  cancellations: number;
  encounters: number;
  transfers: number;
  /** demo persons and institutions the month drew on */
  persons: number;
  institutions: number;
  seconds: number;
}

function checkOptions(o: MonthOptions): void {
  const issues: FieldIssue[] = [];
  const whole = (v: number | undefined, path: string, min: number, max: number) => {
    if (v !== undefined && (!Number.isSafeInteger(v) || v < min || v > max)) issues.push({ path, message: `must be a whole number ${min}..${max}, got ${v}` });
  };
  whole(o.seed, 'seed', 0, 2 ** 32 - 1);
  whole(o.settlements, 'settlements', 1, MAX_SETTLEMENTS);
  whole(o.batchSize, 'batchSize', 1, 5_000_000);
  whole(o.inpatientPct, 'inpatientPct', 0, 100);
  whole(o.cancelBp, 'cancelBp', 0, 10_000);
  if (typeof o.month !== 'string' || !/^\d{4}-(0[1-9]|1[0-2])$/.test(o.month)) issues.push({ path: 'month', message: `must be a month yyyy-MM, got ${JSON.stringify(o.month)}` });
  if (issues.length > 0) throw invalidMany(issues, 'the settlement month has errors');
}

/** The month's days, each repeated in proportion to its weight over `DAY_SLOTS` slots. */
export function daySlots(month: string): string[] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const all = Array.from({ length: days }, (_, i) => {
    const date = new Date(Date.UTC(y, m - 1, i + 1));
    const dow = date.getUTCDay();
    return { day: date.toISOString().slice(0, 10), weight: dow === 0 ? DAY_WEIGHTS.sunday : dow === 6 ? DAY_WEIGHTS.saturday : DAY_WEIGHTS.weekday };
  });
  const total = all.reduce((n, d) => n + d.weight, 0);
  const slots: string[] = [];
  let upTo = 0;
  for (const d of all) {
    upTo += d.weight;
    // Slot k belongs to the day whose cumulative share first exceeds k / DAY_SLOTS: every day gets its share, rounded.
    while (slots.length * total < upTo * DAY_SLOTS && slots.length < DAY_SLOTS) slots.push(d.day);
  }
  return slots;
}

/**
 * Writes a month of cross-province settlements into the demo nation in `db`.
 * Refused when the month is closed for clearing (the database's guard) or
 * there are no demo persons and institutions to draw on.
 */
export async function generateSettlementMonth(db: Db, o: MonthOptions): Promise<MonthReport> {
  checkOptions(o);
  const started = performance.now();
  const progress = o.onProgress ?? (() => undefined);
  const batchSize = o.batchSize ?? (db.kind === 'pglite' ? 100_000 : 250_000);
  const monthStart = `${o.month}-01`;
  const fundNames = Object.fromEntries(Object.entries(FUND_PAY_TYPE_NAMES).map(([type, n]) => [type, n.zh]));
  try {
    return await db.tx(async (tx) => {
      progress('lookups', 0, 1);
      const looked = await store.prepareMonth(tx, {
        seed: o.seed,
        monthStart,
        provinceWeights: TREATMENT_WEIGHTS,
        filingDate: filingDateFor(monthStart),
      });
      if (looked.persons === 0) {
        throw new DomainError('business_rule', 'there are no demo persons under a policy in force to settle for: create the demo nation first (yidi demo)', [
          { path: 'month', message: `no person can settle in ${o.month}` },
        ]);
      }
      progress('lookups', 1, 1);
      const setlBase = await store.reserve(tx, 'setl_serial', 2 * o.settlements);
      const mdtrtBase = await store.reserve(tx, 'mdtrt_serial', o.settlements);
      const days = daySlots(o.month);
      const total = { settlements: 0, cancellations: 0, encounters: 0, transfers: 0 };
      progress('settlements', 0, o.settlements);
      for (let from = 0; from < o.settlements; from += batchSize) {
        const to = Math.min(o.settlements, from + batchSize);
        await store.computeBatch(tx, {
          seed: o.seed,
          from,
          to,
          persons: looked.persons,
          days,
          setlBase,
          cancelOffset: o.settlements,
          mdtrtBase,
          inpatientPct: o.inpatientPct ?? 25,
          cancelBp: o.cancelBp ?? 100,
        });
        const w = await store.writeBatch(tx, { year: Number(o.month.slice(0, 4)), month: o.month, fundNames, explanation: EXPLANATION });
        total.settlements += w.settlements;
        total.cancellations += w.cancellations;
        total.encounters += w.encounters;
        total.transfers += w.transfers;
        progress('settlements', to, o.settlements);
      }
      return { month: o.month, ...total, persons: looked.persons, institutions: looked.institutions, seconds: (performance.now() - started) / 1000 };
    });
  } catch (err) {
    // The closed-month guard of migration 0010.
    if ((err as { code?: string }).code === 'YC001') throw invalid('month', `${o.month} is closed for clearing: generate an open month`);
    throw err;
  }
}

/** The filings the month's visits stand on are dated a quarter before it. */
function filingDateFor(monthStart: string): string {
  const d = new Date(`${monthStart}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - 3);
  return d.toISOString().slice(0, 10);
}
