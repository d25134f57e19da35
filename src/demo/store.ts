import type { Queryable } from '../db/pool.ts';

/** The `demo_run` table: one row once a demo nation is complete. */

export async function insertRun(tx: Queryable, seed: number, persons: number): Promise<void> {
  await tx.query('INSERT INTO demo_run (seed, persons) VALUES ($1, $2)', [seed, persons]);
}

export async function runExists(tx: Queryable): Promise<boolean> {
  const r = await tx.query<{ exists: boolean }>('SELECT EXISTS (SELECT 1 FROM demo_run) AS exists');
  return r.rows[0]!.exists;
}
