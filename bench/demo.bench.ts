import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Db } from '../src/db/pool.ts';
import { generatePersons } from '../src/demo/generate.ts';
import { buildNation } from '../src/demo/nation.ts';
import { seedDemo } from '../src/demo/service.ts';
import { chronicDiseases, regions } from '../src/reference/service.ts';
import { withScratchDb, type BenchResult } from './support.ts';

/**
 * How fast `yidi demo` builds a nation: persons per second through the real
 * imports on PGlite (and on PostgreSQL when DATABASE_URL is set), against the
 * pure generation rate with no database, and the peak memory of each run. Each
 * measurement runs in its own process so its peak RSS is its own.
 *
 * YIDI_BENCH_PERSONS sets the number of persons (default 1 000 000: about
 * three minutes on PGlite on the 2-core reference machine).
 */

type Target = 'generate' | 'pglite' | 'postgres';

const SEED = 1;
const GENERATION = 'demo generation, no database';
const PGLITE = 'PGlite data dir';
const persons = () => Number(process.env.YIDI_BENCH_PERSONS ?? 1_000_000);
const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function measureGeneration(n: number): Promise<BenchResult[]> {
  const nation = buildNation(regions, chronicDiseases);
  const started = performance.now();
  let made = 0;
  for (const batch of generatePersons(SEED, nation, n)) made += batch.length;
  const seconds = (performance.now() - started) / 1000;
  return [
    { name: GENERATION, value: Math.round(made / seconds), unit: 'persons/s' },
    { name: 'demo generation peak RSS', value: peakRssMiB(), unit: 'MiB' },
  ];
}

async function measureSeed(db: Db, label: string, n: number, baseline: string): Promise<BenchResult[]> {
  const started = performance.now();
  const phaseStart = new Map<string, number>();
  await seedDemo(db, {
    seed: SEED,
    persons: n,
    today: '2026-03-01',
    onProgress: (phase) => {
      if (!phaseStart.has(phase)) phaseStart.set(phase, performance.now());
    },
  });
  const total = (performance.now() - started) / 1000;
  const personSeconds = (phaseStart.get('accounts')! - phaseStart.get('persons')!) / 1000;
  return [
    { name: `demo persons, ${label}`, value: Math.round(n / personSeconds), unit: 'persons/s', baseline },
    { name: `demo whole nation, ${label}`, value: Math.round(total * 10) / 10, unit: 's' },
    { name: `demo peak RSS, ${label}`, value: peakRssMiB(), unit: 'MiB' },
  ];
}

async function measure(target: Target, n: number): Promise<BenchResult[]> {
  if (target === 'generate') return measureGeneration(n);
  if (target === 'pglite') return withScratchDb('pglite', (db) => measureSeed(db, PGLITE, n, GENERATION));
  return withScratchDb('postgres', (db) => measureSeed(db, 'PostgreSQL', n, `demo persons, ${PGLITE}`));
}

const self = fileURLToPath(import.meta.url);

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
  const targets: Target[] = ['generate', 'pglite', ...(process.env.DATABASE_URL ? (['postgres'] as const) : [])];
  return targets.flatMap(inChild);
}

if (process.argv[1] === self) {
  const i = process.argv.indexOf('--worker');
  if (i > 0) {
    process.stdout.write(`${JSON.stringify(await measure(process.argv[i + 1] as Target, persons()))}\n`);
  } else {
    console.log(JSON.stringify(await run(), null, 2));
  }
}
