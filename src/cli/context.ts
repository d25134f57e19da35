import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { lockDirectory, type DirectoryLock } from '../db/lock.ts';
import { migrate } from '../db/migrate.ts';
import { openDb, type Db } from '../db/pool.ts';
import { seedReference } from '../reference/service.ts';

export interface Opened {
  db: Db;
  applied: string[];
  close(): Promise<void>;
}

/**
 * Opens the configured database and brings its schema up to date: a PostgreSQL
 * server when DATABASE_URL is set, else the embedded PGlite under YIDI_DATA,
 * guarded by the directory lock.
 */
export async function openConfigured(config: Config): Promise<Opened> {
  let lock: DirectoryLock | null = null;
  if (!config.databaseUrl) {
    lock = lockDirectory(config.dataDir);
  }
  try {
    const db = await openDb(
      config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: path.join(config.dataDir, 'pglite') },
    );
    const applied = await migrate(db);
    // Divisions and disease codes are reference data every import checks against.
    await db.tx((tx) => seedReference(tx));
    return {
      db,
      applied,
      async close() {
        await db.close();
        lock?.release();
      },
    };
  } catch (err) {
    lock?.release();
    throw err;
  }
}

export function credentialsPath(config: Config): string {
  fs.mkdirSync(config.dataDir, { recursive: true });
  return path.join(config.dataDir, 'demo-credentials.json');
}
