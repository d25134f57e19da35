/**
 * Filing at scale:
 * - filing creation throughput through the REST API (real HTTP on loopback,
 *   YIDI_BENCH_CONCURRENCY requests in flight, default 4), signed in as the
 *   national operator filing for YIDI_BENCH_REST_FILINGS persons (default 2 000);
 * - "is this person covered here today" lookups per second, through the filing
 *   service and through GET /api/coverage, with YIDI_BENCH_FILING_PERSONS
 *   persons (default 1 000 000) each holding a filing, for YIDI_BENCH_SECONDS
 *   seconds each (default 10).
 * On PGlite, and on PostgreSQL when DATABASE_URL is set. The persons come from
 * the demo generator; the bulk of the filings is written with one SQL statement
 * (the REST figure is the per-filing path).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { systemClock, today } from '../src/core/clock.ts';
import type { Db } from '../src/db/pool.ts';
import { seedDemo } from '../src/demo/service.ts';
import { coverage } from '../src/filing/service.ts';
import { withScratchDb, type BenchResult } from './support.ts';

type Target = 'pglite' | 'postgres';
const persons = Number(process.env.YIDI_BENCH_FILING_PERSONS ?? 1_000_000);
const restFilings = Number(process.env.YIDI_BENCH_REST_FILINGS ?? 2_000);
const seconds = Number(process.env.YIDI_BENCH_SECONDS ?? 10);
const concurrency = Number(process.env.YIDI_BENCH_CONCURRENCY ?? 4);
const label = (t: Target) => (t === 'pglite' ? 'PGlite' : 'PostgreSQL');

/** Runs `task(i)` for i = 0.. with `inFlight` at a time until `until()` says stop; returns how many ran. */
async function pump(inFlight: number, until: (done: number) => boolean, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (!until(done)) {
        const i = next++;
        await task(i);
        done++;
      }
    }),
  );
  return done;
}

/**
 * A GET retried once: after minutes of bulk loading, a keep-alive socket from the
 * earlier phase may have been closed by the server just as it is reused.
 */
async function getOnce(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch {
    return fetch(url, init);
  }
}

async function measure(target: Target): Promise<BenchResult[]> {
  return withScratchDb(target, async (db: Db) => {
    const day = today(systemClock);
    const creds = await seedDemo(db, { seed: 11, persons, today: day });
    const app = await buildApp({ db, clock: systemClock, config: loadConfig({}) }, { logger: false, webDir: null });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const national = creds.staff.find((s) => s.role === 'national')!;
      const login = await fetch(`${base}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: national.username, password: national.password }),
      });
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;

      // Both sign-ins happen now: after the minutes of bulk loading below, pooled keep-alive
      // sockets may have been closed by the server.
      const agency = creds.staff.find((s) => s.role === 'treatment_agency' && s.region === '110000');
      const agencyLogin = await fetch(`${base}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: agency!.username, password: agency!.password }),
      });
      const agencyCookie = agencyLogin.headers.get('set-cookie')!.split(';')[0]!;
      // Persons to file for over REST: those without a filing, away from Beijing/Shanghai.
      const sample = (
        await db.query<{ psn_no: string; insutype: string; area: string }>(
          `SELECT p.psn_no, e.insutype, CASE WHEN p.insuplc_admdvs = '110000' THEN '310000' ELSE '110000' END AS area
             FROM person p JOIN enrolment e ON e.psn_no = p.psn_no AND e.insuplc_admdvs = p.insuplc_admdvs AND e.status = 'active'
            WHERE NOT EXISTS (SELECT 1 FROM filing f WHERE f.psn_no = p.psn_no)
            ORDER BY p.psn_no LIMIT $1`,
          [restFilings],
        )
      ).rows;
      let failed = 0;
      const restStart = performance.now();
      await pump(concurrency, (done) => done >= sample.length, async (i) => {
        const p = sample[i];
        if (!p) return;
        const res = await fetch(`${base}/api/filings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie },
          body: JSON.stringify({ psn_no: p.psn_no, insutype: p.insutype, kind: 'other_temporary', area: p.area, begin_date: day, channel: 'local_platform', proof: { type: 'commitment', signed: true } }),
        });
        if (res.status !== 201) failed++;
        await res.arrayBuffer();
      });
      const restRate = sample.length / ((performance.now() - restStart) / 1000);
      if (failed > 0) throw new Error(`${failed} of ${sample.length} REST filings failed`);

      // Everyone else gets a long-term filing in one statement, reported to the national table.
      await db.query(
        `INSERT INTO filing (filing_no, psn_no, insutype, insuplc_admdvs, kind, area, begin_date, status, channel, proof, acted_by)
         SELECT 'BB' || p.psn_no, p.psn_no, e.insutype, e.insuplc_admdvs, 'long_term_resident',
                CASE WHEN e.insuplc_admdvs = '110000' THEN '310000' ELSE '110000' END, $1::date, 'active', 'national_app',
                '{"type":"commitment","signed":true}', 'system:bench'
           FROM person p JOIN enrolment e ON e.psn_no = p.psn_no AND e.insuplc_admdvs = p.insuplc_admdvs
          WHERE NOT EXISTS (SELECT 1 FROM filing f WHERE f.psn_no = p.psn_no AND f.status IN ('active', 'pending_review'))`,
        [day],
      );
      await db.query(
        `INSERT INTO national_filing (filing_id, filing_no, psn_no, certno, insutype, insuplc_admdvs, kind, area, begin_date, end_date, status, channel, filed_at, updated_at)
         SELECT f.id, f.filing_no, f.psn_no, p.certno, f.insutype, f.insuplc_admdvs, f.kind, f.area, f.begin_date, f.end_date, f.status, f.channel, f.created_at, now()
           FROM filing f JOIN person p ON p.psn_no = f.psn_no
          WHERE NOT EXISTS (SELECT 1 FROM national_filing n WHERE n.filing_id = f.id)`,
      );
      await db.query('ANALYZE');
      const filings = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM national_filing')).rows[0]!.n;

      const lookups = (
        await db.query<{ psn_no: string; area: string }>(
          `SELECT psn_no, area FROM national_filing WHERE status = 'active' ORDER BY md5(psn_no) LIMIT 20000`,
        )
      ).rows;
      const actor = { kind: 'system', name: 'bench' } as const;
      const deadline = () => performance.now() > serviceStart + seconds * 1000;
      const serviceStart = performance.now();
      const serviceDone = await pump(1, deadline, async (i) => {
        const l = lookups[i % lookups.length]!;
        await coverage(db, actor, { psn_no: l.psn_no, place: l.area, date: day });
      });
      const serviceRate = serviceDone / ((performance.now() - serviceStart) / 1000);

      const beijing = lookups.filter((l) => l.area === '110000');
      const httpStart = performance.now();
      const httpDeadline = () => performance.now() > httpStart + seconds * 1000;
      const httpDone = await pump(concurrency, httpDeadline, async (i) => {
        const l = beijing[i % beijing.length]!;
        const res = await getOnce(`${base}/api/coverage?psn_no=${l.psn_no}&place=110000`, { headers: { cookie: agencyCookie } });
        if (res.status !== 200) throw new Error(`coverage answered ${res.status}`);
        await res.arrayBuffer();
      });
      const httpRate = httpDone / ((performance.now() - httpStart) / 1000);

      const t = label(target);
      return [
        { name: `filings created via REST, ${t}`, value: Math.round(restRate), unit: 'filings/s' },
        { name: `national filing records stored, ${t}`, value: filings, unit: 'filings' },
        { name: `coverage lookups via service, ${t}`, value: Math.round(serviceRate), unit: 'lookups/s' },
        { name: `coverage lookups via GET /api/coverage, ${t}`, value: Math.round(httpRate), unit: 'lookups/s', baseline: `coverage lookups via service, ${t}` },
      ];
    } finally {
      await app.close();
    }
  });
}

const self = fileURLToPath(import.meta.url);

export async function run(): Promise<BenchResult[]> {
  const targets: Target[] = ['pglite', ...(process.env.DATABASE_URL ? (['postgres'] as const) : [])];
  return targets.flatMap((target) => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', self, '--worker', target], { env: process.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
    return JSON.parse(out.trim().split('\n').at(-1)!) as BenchResult[];
  });
}

if (process.argv[1] === self) {
  const i = process.argv.indexOf('--worker');
  if (i > 0) process.stdout.write(`${JSON.stringify(await measure(process.argv[i + 1] as Target))}\n`);
}
