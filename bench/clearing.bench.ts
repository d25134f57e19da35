/**
 * The monthly clearing at scale: a month of cross-province settlements written
 * in bulk by the demo generator (src/demo/settlements.ts: settlement rows,
 * their visits and ledger transfers, ~1 % cancelled) into a demo nation, then
 * `clearMonth` run as the operator runs it: once to close and reconcile (the
 * statements go out for confirmation), once after the deadline (confirmations
 * deemed, every statement posted), and once more to resume a cleared month,
 * which must move nothing. Each target runs in its own process, so its peak RSS
 * is its own. The run is checked before its figures are reported: the ledger
 * sums to zero, the provinces' positions sum to zero, the statements hold
 * every generated row and every claim account is back to zero.
 *
 * YIDI_BENCH_CLEAR_PGLITE settlements on PGlite (data directory; default 100 000)
 * YIDI_BENCH_CLEAR_PG settlements on PostgreSQL when DATABASE_URL is set (default 250 000)
 * The defaults finish in a few minutes on the 2-core machine: writing the month
 * is what takes the time (1 200–3 300 settlements/s on PostgreSQL with their
 * visits and ~3 transfers each, 600–1 200/s on PGlite), clearing it takes seconds.
 * Issue 5's sizes are YIDI_BENCH_CLEAR_PGLITE=1000000 YIDI_BENCH_CLEAR_PG=10000000
 * (the server settings for 10 M are in docs/clearing.md).
 * (0 skips a target)
 * YIDI_BENCH_CLEAR_PERSONS demo persons (default settlements / 10, 1 000..1 000 000)
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Principal } from '../src/auth/model.ts';
import { DEFAULT_CLEARING_SETTINGS } from '../src/clearing/model.ts';
import { clearMonth, getMonth, prepaidLevels } from '../src/clearing/service.ts';
import type { Db } from '../src/db/pool.ts';
import { seedDemo } from '../src/demo/service.ts';
import { generateSettlementMonth } from '../src/demo/settlements.ts';
import { balances, trialBalance } from '../src/ledger/service.ts';
import { withScratchDb, type BenchResult } from './support.ts';

type Target = 'pglite' | 'postgres';
const self = fileURLToPath(import.meta.url);
const MONTH = '2026-02';
const ISSUE_DAY = '2026-03-02';
/** After the confirmation deadline of statements issued on ISSUE_DAY. */
const DEEM_DAY = '2026-03-31';
const operator: Principal = { kind: 'system', name: 'bench' };
const settings = DEFAULT_CLEARING_SETTINGS;
const label = (t: Target) => (t === 'pglite' ? 'PGlite' : 'PostgreSQL');
const sizeOf = (t: Target) => Number(t === 'pglite' ? (process.env.YIDI_BENCH_CLEAR_PGLITE ?? 100_000) : (process.env.YIDI_BENCH_CLEAR_PG ?? 250_000));
const personsFor = (n: number) => Number(process.env.YIDI_BENCH_CLEAR_PERSONS ?? Math.min(1_000_000, Math.max(1_000, Math.round(n / 10))));
const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);
const seconds = (since: number) => (performance.now() - since) / 1000;
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

function note(message: string): void {
  console.error(`  clearing bench: ${message}`);
}

/** Throws unless the cleared month is consistent: a broken run must not report figures. */
async function verify(db: Db, rows: number): Promise<void> {
  const tb = await trialBalance(db, operator);
  if (tb.total_fen !== 0) throw new Error(`the ledger does not sum to zero: ${tb.total_fen} fen`);
  const month = await getMonth(db, operator, MONTH);
  if (month.status !== 'cleared') throw new Error(`month ${MONTH} is ${month.status}, not cleared`);
  const net = month.positions.reduce((n, p) => n + p.net_fen, 0);
  if (net !== 0) throw new Error(`the provinces' positions sum to ${net} fen, not zero`);
  if (month.totals.rows !== rows) throw new Error(`the statements hold ${month.totals.rows} rows, ${rows} were generated`);
  for (let page = 1; ; page++) {
    const b = await balances(db, operator, { prefix: 'claim:', page, page_size: 500 });
    const open = b.items.find((x) => x.balance_fen !== 0);
    if (open) throw new Error(`claim account ${open.account} holds ${open.balance_fen} fen after the month is cleared`);
    if (page * 500 >= b.total) break;
  }
}

async function measure(target: Target): Promise<BenchResult[]> {
  const n = sizeOf(target);
  const persons = personsFor(n);
  const on = `${label(target)}, ${(n / 1e6).toLocaleString('en')} M`;
  return withScratchDb(target, async (db) => {
    note(`${label(target)}: demo nation of ${persons} persons…`);
    await seedDemo(db, { seed: 1, persons, today: '2026-01-05' });

    note(`${label(target)}: generating ${n} settlements of ${MONTH}…`);
    let shown = 0;
    const gen = await generateSettlementMonth(db, {
      seed: 1,
      month: MONTH,
      settlements: n,
      onProgress: (phase, done, total) => {
        if (phase === 'settlements' && (done === total || done - shown >= total / 10)) {
          shown = done;
          note(`  ${done}/${total}`);
        }
      },
    });
    const rows = gen.settlements + gen.cancellations;

    let started = performance.now();
    for (const table of ['settlement', 'encounter', 'ledger_transfer', 'ledger_account']) await db.query(`VACUUM ANALYZE ${table}`);
    const vacuum = seconds(started);

    note(`${label(target)}: clearing ${rows} rows…`);
    started = performance.now();
    const issued = await clearMonth(db, operator, MONTH, { today: ISSUE_DAY, now: new Date(), settings });
    const reconcile = seconds(started);
    if (issued.status !== 'issued') throw new Error(`the first run left ${MONTH} ${issued.status}`);
    started = performance.now();
    const cleared = await clearMonth(db, operator, MONTH, { today: DEEM_DAY, now: new Date(), settings });
    const post = seconds(started);
    if (cleared.status !== 'cleared') throw new Error(`the run after the deadline left ${MONTH} ${cleared.status}`);
    const clearPeak = peakRssMiB();

    const before = (await trialBalance(db, operator)).transfers;
    started = performance.now();
    const again = await clearMonth(db, operator, MONTH, { today: DEEM_DAY, now: new Date(), settings });
    const resume = seconds(started);
    if ((await trialBalance(db, operator)).transfers !== before || again.net_total_fen !== cleared.net_total_fen) {
      throw new Error('clearing a cleared month again moved money');
    }

    started = performance.now();
    await prepaidLevels(db, operator, { today: DEEM_DAY, settings });
    const prepaid = seconds(started);

    await verify(db, rows);
    const clear = reconcile + post;
    return [
      { name: `generate month, ${on}`, value: Math.round(rows / gen.seconds), unit: 'settlements/s' },
      { name: `generate month: all rows written (visits, settlements, transfers), ${on}`, value: Math.round((gen.encounters + rows + gen.transfers) / gen.seconds), unit: 'rows/s' },
      { name: `generate month: time, ${on}`, value: round(gen.seconds, 1), unit: 's' },
      { name: `VACUUM ANALYZE after the load, ${on}`, value: round(vacuum, 1), unit: 's' },
      { name: `clear month: close + reconcile, ${on}`, value: round(reconcile), unit: 's' },
      { name: `clear month: deem + post ${cleared.statements} statements, ${on}`, value: round(post), unit: 's' },
      { name: `clear month: time, ${on}`, value: round(clear), unit: 's' },
      { name: `clear month, ${on}`, value: Math.round(rows / clear), unit: 'settlements/s' },
      { name: `clear month: statements, ${on}`, value: cleared.statements, unit: 'statements' },
      { name: `clear month again (resume, moves nothing), ${on}`, value: round(resume, 3), unit: 's' },
      { name: `prepaid levels of every province, ${on}`, value: round(prepaid, 3), unit: 's' },
      { name: `peak RSS after clearing, ${on}`, value: clearPeak, unit: 'MiB' },
    ];
  });
}

function inChild(target: Target): BenchResult[] {
  const out = execFileSync(process.execPath, ['--import', 'tsx', self, '--worker', target], {
    env: process.env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as BenchResult[];
}

export async function run(): Promise<BenchResult[]> {
  const targets: Target[] = ['pglite', ...(process.env.DATABASE_URL ? (['postgres'] as const) : [])];
  return targets.filter((t) => sizeOf(t) > 0).flatMap(inChild);
}

if (process.argv[1] === self) {
  const i = process.argv.indexOf('--worker');
  if (i > 0) {
    process.stdout.write(`${JSON.stringify(await measure(process.argv[i + 1] as Target))}\n`);
  } else {
    console.log(JSON.stringify(await run(), null, 2));
  }
}
