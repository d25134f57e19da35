import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { openDb, type Db } from '../../src/db/pool.ts';
import { loadMigrations, migrate } from '../../src/db/migrate.ts';

/**
 * A fresh, migrated database for one test file: PGlite in memory by default,
 * or a new database on the PostgreSQL server named by DATABASE_URL (dropped on close).
 *
 * Both start from a migrated template rather than migrating each time: a PGlite
 * initdb costs seconds, a copy of a migrated data directory a fraction of that.
 * The template is keyed by a hash of the migrations (and the PGlite version), so
 * editing a migration makes a new one.
 */
export async function testDb(): Promise<Db> {
  const url = process.env.DATABASE_URL;
  const db = url ? await postgresFromTemplate(url) : await openDb({ dataDir: 'memory://', loadDataDir: await pgliteTemplate() });
  // A no-op on a good template; it keeps a stale or broken one from going unnoticed.
  await migrate(db);
  return db;
}

const schemaKey = (() => {
  // The package does not export its package.json; its entry point sits in dist/.
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const pgliteVersion = (JSON.parse(fs.readFileSync(path.join(path.dirname(entry), '../package.json'), 'utf8')) as { version: string }).version;
  const h = crypto.createHash('sha256').update(`pglite ${pgliteVersion}\n`);
  for (const m of loadMigrations()) h.update(`${m.name}\n${m.sql}\n`);
  return h.digest('hex').slice(0, 16);
})();

let pgliteTemplateBlob: Promise<Blob> | undefined;

/**
 * The migrated PGlite data directory as a tarball, cached in os.tmpdir() so that
 * every test file (each in its own worker) reuses it. Written under a unique name
 * and renamed, so workers racing to build it never read half a file.
 */
function pgliteTemplate(): Promise<Blob> {
  pgliteTemplateBlob ??= (async () => {
    const file = path.join(os.tmpdir(), `yidi-pglite-template-${schemaKey}.tar`);
    if (!fs.existsSync(file)) {
      const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
      fs.writeFileSync(tmp, await buildPgliteTemplate());
      fs.renameSync(tmp, file);
      pruneOldTemplates(path.basename(file));
    } else {
      // Marks it as in use for pruneOldTemplates.
      const now = new Date();
      fs.utimesSync(file, now, now);
    }
    return new Blob([fs.readFileSync(file)]);
  })();
  return pgliteTemplateBlob;
}

// Each edit of a migration leaves a 40 MB template behind; those not used for an hour
// are from earlier edits (or another checkout that will rebuild its own).
function pruneOldTemplates(keep: string): void {
  const hourAgo = Date.now() - 3_600_000;
  for (const name of fs.readdirSync(os.tmpdir())) {
    if (!name.startsWith('yidi-pglite-template-') || name === keep) continue;
    const file = path.join(os.tmpdir(), name);
    try {
      if (fs.statSync(file).mtimeMs < hourAgo) fs.rmSync(file, { force: true });
    } catch {
      // removed by another worker meanwhile
    }
  }
}

// Migrated through openDb like the server does, on disk so that a plain PGlite
// can then open the directory and dump it.
async function buildPgliteTemplate(): Promise<Uint8Array> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yidi-pglite-build-'));
  try {
    const db = await openDb({ dataDir: dir });
    await migrate(db);
    await db.close();
    const pglite = await PGlite.create(dir);
    const tarball = await pglite.dumpDataDir('none');
    await pglite.close();
    return new Uint8Array(await tarball.arrayBuffer());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * On PostgreSQL, the first test database is migrated into `yidi_tpl_<hash>` and
 * every test database is a `CREATE DATABASE … TEMPLATE` copy of it. Workers
 * serialise on an advisory lock while checking for and building the template;
 * a half-built one (a crash mid-migration) lives under another name and is
 * replaced by the next build.
 */
async function postgresFromTemplate(url: string): Promise<Db> {
  const template = `yidi_tpl_${schemaKey}`;
  const name = `yidi_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [template]);
    try {
      const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (found.rowCount === 0) await buildPostgresTemplate(admin, url, template);
    } finally {
      await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [template]);
    }
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  const db = await openDb({ databaseUrl: withDatabase(url, name), poolSize: 4 });
  return {
    ...db,
    async close() {
      await db.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

async function buildPostgresTemplate(admin: pg.Client, url: string, template: string): Promise<void> {
  const building = `${template}_build`;
  await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${building}`);
  const db = await openDb({ databaseUrl: withDatabase(url, building), poolSize: 1 });
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
  await admin.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
  // Nobody may connect to a template: CREATE DATABASE refuses one in use.
  await admin.query(`ALTER DATABASE ${template} WITH ALLOW_CONNECTIONS false`);
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
