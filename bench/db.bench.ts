/**
 * The database floor under everything else:
 * - PGlite start-up in a fresh process: cold (initdb + migrations on an empty data
 *   directory, the first `yidi serve`) and warm (an existing data directory, every
 *   later start, which should stay under 2 s);
 * - the raw bulk insert rate through `INSERT … SELECT FROM unnest(…)` into a
 *   scratch table, on PGlite in memory, on a PGlite data directory, and on
 *   PostgreSQL when DATABASE_URL is set. This is the ceiling the demo generation
 *   rate is compared against.
 *
 * YIDI_BENCH_ROWS rows inserted (default 100 000), YIDI_BENCH_STARTS start-ups of each kind (default 3, median shown).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb, type Db } from '../src/db/pool.ts';
import { inFreshProcess, median, repoPath, type BenchResult } from './support.ts';

const rows = Number(process.env.YIDI_BENCH_ROWS ?? 100_000);
const starts = Number(process.env.YIDI_BENCH_STARTS ?? 3);
// The fastest batch on PGlite when measured here: 1 000 and 10 000 rows were ~15 % slower,
// 100 000 half as fast (large parameter messages cost more than statements do).
const BATCH = 5_000;

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'yidi-bench-db-'));
}

/** Seconds from process start until a migrated database is open on `dir`. */
function startSeconds(dir: string): number {
  const { ready } = inFreshProcess<{ ready: number }>(`
    import { openDb } from ${JSON.stringify(repoPath('src/db/pool.ts'))};
    import { migrate } from ${JSON.stringify(repoPath('src/db/migrate.ts'))};
    const db = await openDb({ dataDir: ${JSON.stringify(dir)} });
    await migrate(db);
    const ready = performance.now();
    await db.close();
    console.log(JSON.stringify({ ready }));
  `);
  return ready / 1000;
}

function startUp(): BenchResult[] {
  const dirs: string[] = [];
  try {
    const cold: number[] = [];
    for (let i = 0; i < starts; i++) {
      dirs.push(tempDir());
      cold.push(startSeconds(dirs[i]!));
    }
    const warm: number[] = [];
    for (let i = 0; i < starts; i++) warm.push(startSeconds(dirs[0]!));
    return [
      { name: 'PGlite cold start (initdb + migrate)', value: median(cold), unit: 's' },
      { name: 'PGlite warm start (existing data dir)', value: median(warm), unit: 's', baseline: 'PGlite cold start (initdb + migrate)' },
    ];
  } finally {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
}

/** Rows per second of `rows` fee-line-like rows, in batches, in one transaction. */
async function insertRate(db: Db): Promise<number> {
  const table = `bench_scratch_${crypto.randomBytes(4).toString('hex')}`;
  await db.query(
    `CREATE TABLE ${table} (id bigint PRIMARY KEY, psn_no text NOT NULL, item text NOT NULL, amount_fen bigint NOT NULL, at date NOT NULL)`,
  );
  try {
    const started = performance.now();
    await db.tx(async (tx) => {
      for (let from = 0; from < rows; from += BATCH) {
        const n = Math.min(BATCH, rows - from);
        const ids = Array.from({ length: n }, (_, i) => from + i);
        await tx.query(
          `INSERT INTO ${table} (id, psn_no, item, amount_fen, at)
           SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::date[])`,
          [
            ids,
            ids.map((id) => `4403${String(id % 1_000_000).padStart(12, '0')}`),
            ids.map((id) => `阿莫西林胶囊 ${id % 997}`),
            ids.map((id) => (id * 7919) % 100_000),
            ids.map((id) => `2026-${String((id % 12) + 1).padStart(2, '0')}-15`),
          ],
        );
      }
    });
    const seconds = (performance.now() - started) / 1000;
    const { n } = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!;
    if (n !== rows) throw new Error(`inserted ${n} rows, expected ${rows}`);
    return Math.round(rows / seconds);
  } finally {
    await db.query(`DROP TABLE ${table}`);
  }
}

async function withDb<T>(db: Db, fn: (db: Db) => Promise<T>): Promise<T> {
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

async function bulkInsert(): Promise<BenchResult[]> {
  const unit = 'rows/s';
  const memory = 'unnest insert, PGlite in memory';
  const onDisk = 'unnest insert, PGlite data dir';
  const results: BenchResult[] = [
    { name: memory, value: await withDb(await openDb({ dataDir: 'memory://' }), insertRate), unit },
  ];
  const dir = tempDir();
  try {
    results.push({ name: onDisk, value: await withDb(await openDb({ dataDir: dir }), insertRate), unit, baseline: memory });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (process.env.DATABASE_URL) {
    const db = await openDb({ databaseUrl: process.env.DATABASE_URL, poolSize: 1 });
    results.push({ name: 'unnest insert, PostgreSQL', value: await withDb(db, insertRate), unit, baseline: onDisk });
  }
  return results;
}

export async function run(): Promise<BenchResult[]> {
  return [...startUp(), ...(await bulkInsert())];
}
