import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';

/** What services need from a connection: parameterised SQL, nothing else. */
export interface Queryable {
  query<R extends pg.QueryResultRow = any>(text: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. */
  tx<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// int8 (bigint) comes back as text; money columns are parsed deliberately by the
// stores with `fen()`/`toInt()`, never by a global type parser, so nothing is
// converted by accident. int4 and numeric keep pg's defaults.

export interface OpenOptions {
  /** postgres://… for a server; otherwise PGlite in `dataDir` (or `memory://`). */
  databaseUrl?: string;
  dataDir?: string;
  poolSize?: number;
  /** PGlite only: start from this `dumpDataDir()` tarball instead of running initdb (tests copy a migrated template). */
  loadDataDir?: Blob;
}

export async function openDb(opts: OpenOptions): Promise<Db> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    // Surface a wrong URL at start-up rather than on the first request.
    const probe = await pool.connect();
    probe.release();
    return wrapPool(pool, 'postgres');
  }
  const dataDir = opts.dataDir ?? 'memory://';
  const pglite = await PGlite.create({
    dataDir: dataDir === 'memory://' ? undefined : dataDir,
    loadDataDir: opts.loadDataDir,
  });
  // PGlite is single-connection: a pool of more than one crashes it.
  const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1 });
  const db = wrapPool(pool, 'pglite');
  return {
    ...db,
    async close() {
      await db.close();
      await pglite.close();
    },
  };
}

/** A name per distinct SQL text, shared by every connection of the process. */
const statementNames = new Map<string, string>();

/**
 * A parameterised query as a named prepared statement: each server
 * connection parses and plans a text once and then only binds and executes
 * it. Parsing and planning the ~20 statements of a settlement anew on every
 * call cost the server more than executing them. The texts are the code's
 * own, so their number is bounded. Queries without parameters (transaction
 * control, migrations with several statements) stay simple queries.
 */
function prepared(text: string, params: unknown[] | undefined): pg.QueryConfig {
  if (params === undefined) return { text };
  let name = statementNames.get(text);
  if (name === undefined) statementNames.set(text, (name = `yidi_${statementNames.size + 1}`));
  return { name, text, values: params };
}

function wrapPool(pool: pg.Pool, kind: Db['kind']): Db {
  // A server that ends an idle connection (a restart, an administrator) must not
  // crash the process: the pool drops that client and the next query reconnects.
  pool.on('error', (err) => process.emitWarning(`an idle database connection was lost: ${err.message}`));
  return {
    kind,
    query:
      kind === 'pglite'
        ? // pool.query() discards the client after an SQL error, and PGlite's adapter hands the
          // one shared connection to the next client while the failed extended-protocol query's
          // ReadyForQuery is still in flight: the next query then reads the wrong replies.
          // Keeping the client (release() without the error) lets it wait for that reply.
          async (text, params) => {
            const client = await pool.connect();
            try {
              return await client.query(text, params as unknown[]);
            } finally {
              client.release();
            }
          }
        : (text, params) => pool.query(prepared(text, params)),
    async tx(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(kind === 'pglite' ? client : { query: (text, params) => client.query(prepared(text, params)) });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
