import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migrate } from '../src/db/migrate.ts';
import { openDb, type Db } from '../src/db/pool.ts';
import { generatePersons } from '../src/demo/generate.ts';
import { buildNation } from '../src/demo/nation.ts';
import { seedDemo } from '../src/demo/service.ts';
import { chronicDiseases, regions } from '../src/reference/service.ts';

/**
 * How fast `yidi demo` builds a nation: persons per second through the real
 * imports on PGlite (and on PostgreSQL when DATABASE_URL is set), against the
 * pure generation rate with no database, and the peak memory of each run. Each
 * measurement runs in its own process so its peak RSS is its own.
 *
 * YIDI_BENCH_PERSONS sets the number of persons (default 1 000 000).
 */

export interface Figure {
  name: string;
  value: number;
  unit: string;
}

type Target = 'generate' | 'pglite' | 'postgres';

const SEED = 1;
const persons = () => Number(process.env.YIDI_BENCH_PERSONS ?? 1_000_000);
const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function measureGeneration(n: number): Promise<Figure[]> {
  const nation = buildNation(regions, chronicDiseases);
  const started = performance.now();
  let made = 0;
  for (const batch of generatePersons(SEED, nation, n)) made += batch.length;
  const seconds = (performance.now() - started) / 1000;
  return [
    { name: 'demo generation (no database)', value: Math.round(made / seconds), unit: 'persons/s' },
    { name: 'demo generation peak RSS', value: peakRssMiB(), unit: 'MiB' },
  ];
}

async function measureSeed(db: Db, label: string, n: number): Promise<Figure[]> {
  await migrate(db);
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
    { name: `demo persons on ${label}`, value: Math.round(n / personSeconds), unit: 'persons/s' },
    { name: `demo whole nation on ${label}`, value: Math.round(total * 10) / 10, unit: 's' },
    { name: `demo peak RSS on ${label}`, value: peakRssMiB(), unit: 'MiB' },
  ];
}

async function measure(target: Target, n: number): Promise<Figure[]> {
  if (target === 'generate') return measureGeneration(n);
  if (target === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yidi-bench-demo-'));
    const db = await openDb({ dataDir: dir });
    try {
      return await measureSeed(db, 'PGlite', n);
    } finally {
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  // A throwaway database on the server, so the bench never writes into a real one.
  const url = process.env.DATABASE_URL!;
  const name = `yidi_bench_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  const db = await openDb({ databaseUrl: dbUrl.toString() });
  try {
    return await measureSeed(db, 'PostgreSQL', n);
  } finally {
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

const self = fileURLToPath(import.meta.url);

function inChild(target: Target): Figure[] {
  const out = execFileSync(process.execPath, ['--import', 'tsx', self, '--worker', target], {
    env: process.env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Figure[];
}

export async function run(): Promise<Figure[]> {
  const targets: Target[] = ['generate', 'pglite', ...(process.env.DATABASE_URL ? (['postgres'] as const) : [])];
  const figures = targets.flatMap(inChild);
  const generation = figures[0]!.value;
  for (const f of [...figures]) {
    if (f.unit === 'persons/s' && f !== figures[0]) {
      figures.push({ name: `${f.name} vs generation`, value: Math.round((f.value / generation) * 1000) / 1000, unit: 'ratio' });
    }
  }
  return figures;
}

if (process.argv[1] === self) {
  const i = process.argv.indexOf('--worker');
  if (i > 0) {
    process.stdout.write(`${JSON.stringify(await measure(process.argv[i + 1] as Target, persons()))}\n`);
  } else {
    console.log(`demo bench, ${persons().toLocaleString('en')} persons`);
    for (const f of await run()) console.log(`  ${f.name.padEnd(40)} ${String(f.value).padStart(10)} ${f.unit}`);
  }
}
