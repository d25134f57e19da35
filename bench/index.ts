/**
 * `npm run bench [-- FILTER…]` runs every `bench/*.bench.ts` (or those whose file
 * name contains one of the FILTERs) and prints one table of figures.
 *
 * Conventions for a bench module (`bench/<topic>.bench.ts`):
 * - It exports `run(): Promise<BenchResult[]>` (the type is in bench/support.ts).
 *   It measures and returns figures; it does not pass or fail: no thresholds, no
 *   asserts, nothing timed inside the test suite.
 * - Each module runs in its own process, so the "peak RSS" row under it is its
 *   own. A figure that needs a cold process (start-up time) uses
 *   `inFreshProcess()`; a module whose runs must not share memory spawns its own
 *   workers and reports their peak RSS as figures.
 * - `name` says what and on what ("unnest insert, PGlite in memory"); `unit` is
 *   what a reader compares: rows/s, persons/s, s, ms, MiB.
 * - `baseline` names another result of the same run, from this module or another
 *   one, and the table shows value ÷ baseline. This is how a figure is read
 *   against its ceiling: the demo generation rate against db.bench's
 *   "unnest insert, PGlite data dir" (the raw rate of the same database), server
 *   start-up against "PGlite warm start (existing data dir)", PostgreSQL against PGlite.
 * - PostgreSQL figures appear only when DATABASE_URL is set, and go to a scratch
 *   table or a throwaway database that the bench drops: never into real data.
 *   `scripts/pg-throwaway.sh run npm run bench` gives a disposable server.
 * - Sizes come from YIDI_BENCH_* variables, with defaults that finish in a few
 *   minutes on the 2-core reference machine. The module's header comment lists them.
 * - Temporary directories and databases are removed, also when the bench fails.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './support.ts';

interface ModuleReport {
  module: string;
  results: BenchResult[];
  peakRssMiB: number;
  seconds: number;
}

const self = fileURLToPath(import.meta.url);
const benchDir = path.dirname(self);

async function runModule(file: string, out: string): Promise<void> {
  const started = performance.now();
  const mod = (await import(path.join(benchDir, file))) as { run?: () => Promise<BenchResult[]> };
  if (typeof mod.run !== 'function') throw new Error(`${file} does not export run()`);
  const results = await mod.run();
  const report: ModuleReport = {
    module: file,
    results,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    seconds: (performance.now() - started) / 1000,
  };
  fs.writeFileSync(out, JSON.stringify(report));
}

function inChild(file: string): ModuleReport | Error {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'yidi-bench-')), 'report.json');
  try {
    const child = spawnSync(process.execPath, ['--import', 'tsx', self, '--module', file, '--out', out], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (child.status !== 0) return new Error(`${file} failed (exit ${child.status ?? child.signal})`);
    return JSON.parse(fs.readFileSync(out, 'utf8')) as ModuleReport;
  } finally {
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  }
}

function formatNumber(n: number): string {
  const digits = Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : Math.abs(n) >= 1 ? 2 : 3;
  return n.toLocaleString('en', { maximumFractionDigits: digits });
}

function printTable(reports: ModuleReport[]): void {
  const byName = new Map(reports.flatMap((r) => r.results.map((x) => [x.name, x] as const)));
  const rows: string[][] = [['figure', 'value', 'unit', 'vs baseline']];
  for (const r of reports) {
    rows.push([`${r.module} (${formatNumber(r.seconds)} s)`, '', '', '']);
    for (const x of r.results) {
      const base = x.baseline === undefined ? undefined : byName.get(x.baseline);
      const ratio =
        x.baseline === undefined ? '' : base ? `${formatNumber(x.value / base.value)}× ${base.name}` : `(${x.baseline} not run)`;
      rows.push([`  ${x.name}`, formatNumber(x.value), x.unit, ratio]);
    }
    rows.push(['  peak RSS', formatNumber(r.peakRssMiB), 'MiB', '']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) {
    const line = row.map((cell, i) => (i === 1 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ');
    console.log(line.trimEnd());
  }
}

async function main(args: string[]): Promise<number> {
  const m = args.indexOf('--module');
  if (m >= 0) {
    await runModule(args[m + 1]!, args[args.indexOf('--out') + 1]!);
    return 0;
  }
  const files = fs
    .readdirSync(benchDir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => args.length === 0 || args.some((a) => f.includes(a)))
    .sort();
  if (files.length === 0) {
    console.error(`no bench matches ${args.join(' ')}`);
    return 1;
  }
  console.error(`bench on ${os.cpus().length} cores, Node ${process.version}, ${process.env.DATABASE_URL ? 'PGlite and PostgreSQL' : 'PGlite only (set DATABASE_URL for PostgreSQL)'}`);
  const reports: ModuleReport[] = [];
  let failed = 0;
  for (const file of files) {
    console.error(`running ${file}…`);
    const report = inChild(file);
    if (report instanceof Error) {
      console.error(report.message);
      failed++;
    } else reports.push(report);
  }
  printTable(reports);
  return failed ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
