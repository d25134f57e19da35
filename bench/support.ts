import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrate } from '../src/db/migrate.ts';
import { openDb, type Db } from '../src/db/pool.ts';
import { fileURLToPath } from 'node:url';

/** One figure a bench prints. See the conventions at the top of bench/index.ts. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** The name of another result of the same run: the table then shows value ÷ that value. */
  baseline?: string;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Absolute path of a repository file, for scripts that run in another process. */
export function repoPath(relative: string): string {
  return fileURLToPath(new URL(`../${relative}`, import.meta.url));
}

/**
 * Runs an ES module script in a new Node process (with tsx, as `yidi` runs) and
 * returns the JSON it prints on its last stdout line. For start-up figures: a
 * process that has already loaded PGlite would start it faster than a user's
 * would. `performance.now()` inside the script counts from that process's start.
 */
export function inFreshProcess<T>(script: string): T {
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as T;
}

/**
 * Runs `fn` on a migrated scratch database that is removed afterwards: a
 * PGlite data directory in a temp folder, or a throwaway database on the
 * DATABASE_URL server (never the real one).
 */
export async function withScratchDb<T>(kind: 'pglite' | 'postgres', fn: (db: Db) => Promise<T>): Promise<T> {
  if (kind === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yidi-bench-'));
    try {
      const db = await openDb({ dataDir: dir });
      try {
        await migrate(db);
        return await fn(db);
      } finally {
        await db.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  const name = `yidi_bench_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${name}`;
    const db = await openDb({ databaseUrl: dbUrl.toString() });
    try {
      await migrate(db);
      return await fn(db);
    } finally {
      await db.close();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
