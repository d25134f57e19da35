/**
 * Settlement at the desk:
 * - the engine alone: fee lines classified and bills settled per second on one
 *   core, YIDI_BENCH_ENGINE_LINES lines (default 2 000 000) in bills of 1 000;
 * - 2301 fee upload through HTTP (signed HIS envelopes on loopback), 500-line
 *   batches, YIDI_BENCH_UPLOAD_LINES lines (default 50 000) by 4 hospitals at once;
 * - 2304 settlement through HTTP by YIDI_BENCH_HOSPITALS simulated hospitals at
 *   once (default 50), YIDI_BENCH_SETTLEMENTS stays (default 1 000) of 10 lines,
 *   each settled with its year totals, account, ledger transfers and stored
 *   answer: settlements/s, p50 and p99;
 * - for 2301 and 2304, where the CPU went per unit of work: the server, the
 *   hospitals' client (a process of its own) and the rest of the machine,
 *   which is PostgreSQL's backends when nothing else runs;
 * on PGlite, and on PostgreSQL when DATABASE_URL is set, where pgbench's TPC-B
 * (`pgbench -i -s 10`, then `-c 50 -j 2 -T YIDI_BENCH_PGBENCH_SECONDS`, default
 * 10) runs on a scratch database of the same server as the ceiling to compare with.
 */
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import type { Principal } from '../src/auth/model.ts';
import { createInstitutionKey } from '../src/auth/service.ts';
import type { CatalogItem } from '../src/catalog/model.ts';
import { importCatalog } from '../src/catalog/service.ts';
import { loadConfig } from '../src/config.ts';
import { addDays, systemClock, today } from '../src/core/clock.ts';
import { certnoFor } from '../src/core/idcard.ts';
import { psnNo } from '../src/core/ids.ts';
import { bp, fen } from '../src/core/money.ts';
import type { Db } from '../src/db/pool.ts';
import { generatePolicies } from '../src/demo/policies.ts';
import { Rng } from '../src/demo/rng.ts';
import * as encounters from '../src/encounters/service.ts';
import * as filing from '../src/filing/service.ts';
import { importInstitutions } from '../src/institutions/service.ts';
import { trialBalance } from '../src/ledger/service.ts';
import type { PersonRecord } from '../src/people/model.ts';
import { importPersons } from '../src/people/service.ts';
import { importPolicies } from '../src/policy/service.ts';
import { seedReference } from '../src/reference/service.ts';
import { classifyLine, emptyYearTotals, settle } from '../src/settlement/engine.ts';
import { median, withScratchDb, type BenchResult } from './support.ts';

type Target = 'pglite' | 'postgres';
const self = fileURLToPath(import.meta.url);
const engineLines = Number(process.env.YIDI_BENCH_ENGINE_LINES ?? 2_000_000);
const uploadLines = Number(process.env.YIDI_BENCH_UPLOAD_LINES ?? 50_000);
const hospitals = Number(process.env.YIDI_BENCH_HOSPITALS ?? 50);
const settlements = Number(process.env.YIDI_BENCH_SETTLEMENTS ?? 1_000);
const pgbenchSeconds = Number(process.env.YIDI_BENCH_PGBENCH_SECONDS ?? 10);
const label = (t: Target) => (t === 'pglite' ? 'PGlite' : 'PostgreSQL');

const HARBIN = '230100';
const SHENZHEN = '440300';
const UPLOADERS = 4;
const BATCH = 500;
const LINES_PER_STAY = 10;
const system: Principal = { kind: 'system', name: 'bench' };

// ---------------------------------------------------------------- the engine alone

const catalogueItem = (code: string, lv: '01' | '02' | '03', share: number, cap: number | null): CatalogItem => ({
  province: '440000',
  hilist_code: code,
  hilist_name: code,
  list_type: '101',
  med_chrgitm_type: '09',
  chrgitm_lv: lv,
  selfpay_prop_bp: bp(share),
  pric_uplmt_fen: cap === null ? null : fen(cap),
  begndate: '2026-01-01',
  enddate: null,
});

function engineBench(): BenchResult[] {
  const items = [catalogueItem('A', '01', 0, null), catalogueItem('B', '02', 1000, 1250), catalogueItem('C', '03', 0, null), null];
  const bill = Array.from({ length: 1000 }, (_, i) => {
    const price = 100 + ((i * 7919) % 5000);
    const qty = 10000 * (1 + (i % 5));
    return { line: { amount_fen: fen((price * qty) / 10000), qty_e4: qty, price_fen: fen(price) }, item: items[i % items.length]! };
  });
  const benefit = {
    person_class: 'retired' as const,
    med_kind: 'inpatient' as const,
    levels: [3 as const],
    deductible: { per: 'admission' as const, first_fen: 120000, later_fen: 60000 },
    bands: [{ up_to_fen: 3000000, ratio_bp: 8500 }, { up_to_fen: null, ratio_bp: 9000 }],
    cap_group: 'pooled',
    annual_cap_fen: 30000000,
  };
  const topups = [{ fund: 'hifob' as const, threshold_fen: 0, bands: [{ up_to_fen: null, ratio_bp: 9000 }], annual_cap_fen: 40000000 }];
  let checksum = 0;
  const bills = Math.max(1, Math.round(engineLines / bill.length));
  const start = performance.now();
  for (let b = 0; b < bills; b++) {
    const lines = bill.map((l) => classifyLine(l.line, l.item));
    const r = settle({
      bill: { lines },
      benefit,
      reduction_bp: bp(b % 2 === 0 ? 0 : 1000),
      admissionOrdinal: 1,
      yearTotals: emptyYearTotals(),
      topups,
      eligibility: { scheme: 'employee', civil_servant: false, assistance: false },
      account: { use: true, balance_fen: fen(500000) },
    });
    checksum += r.setlinfo.fund_pay_sumamt;
  }
  const seconds = (performance.now() - start) / 1000;
  if (checksum <= 0) throw new Error('the engine paid nothing');
  return [
    { name: 'engine: fee lines classified and settled, one core', value: Math.round((bills * bill.length) / seconds), unit: 'lines/s' },
    { name: 'engine: 1 000-line bills settled, one core', value: Math.round(bills / seconds), unit: 'bills/s' },
  ];
}

// ---------------------------------------------------------------- the world

interface Hospital {
  code: string;
  appId: string;
  secret: string;
}

const ITEMS = [
  { code: '001101000010000', lv: '01', share: 0 },
  { code: 'XA01ABD075A002010100483', lv: '02', share: 1000 },
  { code: 'XC99ZZZ001A001010100001', lv: '03', share: 0 },
] as const;

function person(i: number): PersonRecord {
  const birth = new Date(Date.UTC(1950, 0, 1) + Math.floor(i / 900) * 86_400_000).toISOString().slice(0, 10);
  return {
    psn_no: psnNo(HARBIN, 50_000_000 + i),
    psn_cert_type: '01',
    certno: certnoFor('230102', birth, i % 900),
    ss_card_no: null,
    ss_card_sn: null,
    evoucher_token: null,
    name: `基准${i}`,
    gender: (i % 900) % 2 === 1 ? '1' : '2',
    naty: '01',
    birth_date: birth,
    phone: null,
    insuplc_admdvs: HARBIN,
    enrolments: [{ insutype: '310', psn_type: '1201', insuplc_admdvs: HARBIN, status: 'active', begin_date: '2000-01-01', suspended_date: null, cvlserv_flag: '0', emp_name: null }],
    account_balance_fen: fen(500000),
  };
}

/** Policies, the catalogue, the hospitals with their keys, and `count` filed persons. */
async function world(db: Db, count: number): Promise<Hospital[]> {
  // Filed yesterday: the stays begin an hour ago, which just after midnight in Shanghai is yesterday.
  const day = addDays(today(systemClock), -1);
  const out: Hospital[] = [];
  await db.tx(async (tx) => {
    await seedReference(tx);
    const rng = new Rng(5);
    const policies = [HARBIN, SHENZHEN].flatMap((area) => generatePolicies(rng, area, `${area.slice(0, 2)}0000`, '2020-01-01'));
    for (const doc of policies) doc.settings.review_filing_kinds = [];
    await importPolicies(tx, system, { policies });
    await importCatalog(tx, system, {
      items: ITEMS.map((i) => ({
        province: '440000', hilist_code: i.code, hilist_name: i.code, list_type: '101', med_chrgitm_type: '09', chrgitm_lv: i.lv, selfpay_prop_bp: i.share, pric_uplmt_fen: null, begndate: '2020-01-01', enddate: null,
      })),
    });
    const codes = Array.from({ length: Math.max(hospitals, UPLOADERS) }, (_, i) => `H4403000${String(1000 + i).padStart(4, '0')}`);
    await importInstitutions(tx, system, {
      institutions: codes.map((code, i) => ({ code, name: `基准医院${i}`, admdvs: SHENZHEN, kind: 'hospital', level: 3, services: ['inpatient', 'outpatient'], chronic_diseases: [], status: 'active', address: null, phone: null })),
    });
    for (const code of codes) out.push({ code, ...(await createInstitutionKey(tx, system, code)) });
  });
  for (let from = 0; from < count; from += 500) {
    const batch = Array.from({ length: Math.min(500, count - from) }, (_, k) => person(from + k));
    await db.tx(async (tx) => {
      await importPersons(tx, system, { persons: batch });
      for (const p of batch) {
        await filing.file(tx, system, { psn_no: p.psn_no, insutype: '310', kind: 'long_term_resident', area: SHENZHEN, begin_date: day, channel: 'local_platform', proof: { type: 'commitment', signed: true } }, day);
      }
    });
  }
  return out;
}

const hisTime = (at: Date) => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');

function feeLines(n: number, from: number) {
  const at = hisTime(new Date(Date.now() - 60_000));
  return Array.from({ length: n }, (_, k) => {
    const item = ITEMS[(from + k) % ITEMS.length]!;
    return { feedetl_sn: `L${from + k}`, fee_ocur_time: at, med_list_codg: item.code, det_item_fee_sumamt: '123.40', cnt: 2, pric: '61.70' };
  });
}

/** Admits each person at a hospital (round robin), uploads their lines and discharges them, in batches of transactions. */
async function stays(db: Db, hs: Hospital[], persons: number[], lines: number): Promise<Stay[]> {
  const out: Stay[] = [];
  const begin = hisTime(new Date(Date.now() - 3600_000));
  const end = hisTime(new Date(Date.now() - 30_000));
  for (let from = 0; from < persons.length; from += 100) {
    await db.tx(async (tx) => {
      for (const i of persons.slice(from, from + 100)) {
        const hospital = hs[out.length % hs.length]!;
        const actor: Principal = { kind: 'institution', code: hospital.code, admdvs: SHENZHEN };
        const psn_no = person(i).psn_no;
        const { mdtrt_id } = await encounters.register(tx, actor, { visit_kind: 'inpatient', psn_no, insutype: '310', begntime: begin, med_type: '21' }, new Date());
        if (lines > 0) {
          await encounters.uploadFees(tx, actor, mdtrt_id, feeLines(lines, 0), new Date());
          await encounters.discharge(tx, actor, mdtrt_id, { endtime: end }, new Date());
        }
        out.push({ mdtrt_id, psn_no, hospital });
      }
    });
  }
  return out;
}

// ---------------------------------------------------------------- HTTP load (its own process: the hospitals are not the server)

let nonce = 0;
let serial = 0;
/*
 * node:http on kept-alive sockets rather than fetch: the hospitals' client
 * shares the two cores with the server and PostgreSQL, and fetch spends about
 * three times the CPU per request. A real HIS runs on its own machine.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

function post(url: string, headers: Record<string, string>, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function his(base: string, h: Hospital, infno: string, input: unknown): Promise<{ infcode: number; err_msg: string }> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const n = `bench${process.pid}x${++nonce}`;
  const stamp = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 19).replace(/\D/g, '');
  // Unique while no hospital sends 10 000 messages in one second.
  const msgid = `${h.code}${stamp}${String(++serial % 10000).padStart(4, '0')}`;
  const answer = await post(
    `${base}/fsi/api/${infno}`,
    {
      'content-type': 'text/plain',
      'x-tif-paasid': h.appId,
      'x-tif-timestamp': timestamp,
      'x-tif-nonce': n,
      'x-tif-signature': crypto.createHash('sha256').update(timestamp + h.secret + n + timestamp).digest('hex'),
    },
    JSON.stringify({ infno, msgid, mdtrtarea_admvs: SHENZHEN, insuplc_admdvs: HARBIN, recer_sys_code: 'YBXT', infver: 'V1.0', opter_type: '1', opter: 'B1', opter_name: 'bench', inf_time: hisTime(new Date()), fixmedins_code: h.code, fixmedins_name: '', sign_no: '', input }),
  );
  return JSON.parse(answer) as { infcode: number; err_msg: string };
}

interface Stay {
  mdtrt_id: string;
  psn_no: string;
  hospital: Hospital;
}

/** What the load process is asked to do: each client sends its requests one after another. */
type Job = { base: string } & ({ kind: 'upload'; stays: Stay[]; batches: number } | { kind: 'settle'; stays: Stay[] });

/** Runs a job in the load process; answers the seconds it took and each request's latency in ms. */
async function load(job: Job): Promise<Run> {
  const latencies: number[] = [];
  const cpuBefore = process.cpuUsage();
  const timed = async (h: Hospital, infno: string, input: unknown) => {
    const started = performance.now();
    const r = await his(job.base, h, infno, input);
    latencies.push(performance.now() - started);
    if (r.infcode !== 0) throw new Error(`${infno} failed: ${r.err_msg}`);
  };
  const start = performance.now();
  if (job.kind === 'upload') {
    let next = 0;
    await Promise.all(
      job.stays.map(async (u) => {
        for (let b = next++; b < job.batches; b = next++) {
          await timed(u.hospital, '2301', { feedetail: feeLines(BATCH, b * BATCH).map((l) => ({ ...l, mdtrt_id: u.mdtrt_id, psn_no: u.psn_no })) });
        }
      }),
    );
  } else {
    const medfee = ((12340 * LINES_PER_STAY) / 100).toFixed(2);
    const byHospital = new Map<string, Stay[]>();
    for (const r of job.stays) byHospital.set(r.hospital.code, [...(byHospital.get(r.hospital.code) ?? []), r]);
    await Promise.all(
      [...byHospital.values()].map(async (mine) => {
        for (const s of mine) {
          await timed(s.hospital, '2304', { data: { mdtrt_id: s.mdtrt_id, psn_no: s.psn_no, medfee_sumamt: medfee, insutype: '310', acct_used_flag: '1', mdtrt_cert_type: '02' } });
        }
      }),
    );
  }
  return { seconds: (performance.now() - start) / 1000, latencies, client_cpu_ms: cpuMs(process.cpuUsage(cpuBefore)) };
}

/** What a job took: its time, each request's latency (ms) and the CPU time (ms) of the client, of this server and of the whole machine. */
interface Run {
  seconds: number;
  latencies: number[];
  client_cpu_ms: number;
}
type Measured = Run & { server_cpu_ms: number; machine_cpu_ms: number };

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const machineBusyMs = () => os.cpus().reduce((n, c) => n + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0);

/** Sends `job` from a separate process while this one serves it. */
async function fromOutside(job: Job): Promise<Measured> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'yidi-bench-load-')), 'job.json');
  fs.writeFileSync(file, JSON.stringify(job));
  const server = process.cpuUsage();
  const machine = machineBusyMs();
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', self, '--load', file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`the load process failed (exit ${code})`);
    const run = JSON.parse(out.trim().split('\n').at(-1)!) as Run;
    return { ...run, server_cpu_ms: cpuMs(process.cpuUsage(server)), machine_cpu_ms: machineBusyMs() - machine };
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

/**
 * Where a job's CPU went, per unit of work: this server, the hospitals'
 * client, and the rest of the machine, which is PostgreSQL's backends when
 * nothing else runs (the machine's figure includes the client's start-up).
 */
function cpuPer(m: Measured, units: number, unit: string, what: string, target: Target): BenchResult[] {
  const per = (ms: number) => Math.round((ms / units) * 1000) / 1000;
  return [
    { name: `${what} CPU: server${target === 'pglite' ? ' with PGlite in it' : ''}, ${label(target)}`, value: per(m.server_cpu_ms), unit: `ms/${unit}` },
    { name: `${what} CPU: hospitals' client, ${label(target)}`, value: per(m.client_cpu_ms), unit: `ms/${unit}` },
    {
      name: `${what} CPU: rest of the machine${target === 'postgres' ? " (PostgreSQL's backends)" : ''}, ${label(target)}`,
      value: per(Math.max(0, m.machine_cpu_ms - m.server_cpu_ms - m.client_cpu_ms)),
      unit: `ms/${unit}`,
    },
  ];
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

async function measure(target: Target): Promise<BenchResult[]> {
  return withScratchDb(target, async (db) => {
    const uploadBatches = Math.max(UPLOADERS, Math.ceil(uploadLines / BATCH));
    const hs = await world(db, settlements + UPLOADERS);
    const app = await buildApp({ db, clock: systemClock, config: loadConfig({}) }, { logger: false, webDir: null });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const t = label(target);
      const uploads = await stays(db, hs.slice(0, UPLOADERS), Array.from({ length: UPLOADERS }, (_, k) => settlements + k), 0);
      const up = await fromOutside({ base, kind: 'upload', stays: uploads, batches: uploadBatches });
      const ready = await stays(db, hs.slice(0, hospitals), Array.from({ length: settlements }, (_, k) => k), LINES_PER_STAY);
      const st = await fromOutside({ base, kind: 'settle', stays: ready });
      if ((await trialBalance(db, system)).total_fen !== 0) throw new Error('the ledger does not balance');
      const latencies = [...st.latencies].sort((a, b) => a - b);

      const results: BenchResult[] = [
        { name: `2301 fee upload via HTTP, ${BATCH}-line batches, ${UPLOADERS} hospitals, ${t}`, value: Math.round((uploadBatches * BATCH) / up.seconds), unit: 'lines/s' },
        { name: `2304 settlement via HTTP, ${hospitals} hospitals at once, ${t}`, value: Math.round(settlements / st.seconds), unit: 'settlements/s', ...(target === 'postgres' ? { baseline: 'pgbench TPC-B, 50 clients, PostgreSQL' } : {}) },
        { name: `2304 settlement p50, ${t}`, value: Math.round(median(latencies) * 10) / 10, unit: 'ms' },
        { name: `2304 settlement p99, ${t}`, value: Math.round(percentile(latencies, 99) * 10) / 10, unit: 'ms' },
        ...cpuPer(up, (uploadBatches * BATCH) / 1000, '1 000 lines', '2301', target),
        ...cpuPer(st, settlements, 'settlement', '2304', target),
      ];
      if (target === 'postgres') results.push({ name: 'pgbench TPC-B, 50 clients, PostgreSQL', value: Math.round(await pgbench()), unit: 'tps' });
      return results;
    } finally {
      await app.close();
    }
  });
}

/** TPC-B tps of the DATABASE_URL server, measured on a scratch database that is dropped afterwards. */
async function pgbench(): Promise<number> {
  const url = new URL(process.env.DATABASE_URL!);
  const bin = ['/usr/lib/postgresql/15/bin/pgbench', '/usr/bin/pgbench'].find((p) => fs.existsSync(p));
  if (!bin) throw new Error('pgbench is not installed (postgresql-client)');
  const name = `yidi_pgbench_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    url.pathname = `/${name}`;
    execFileSync(bin, ['-i', '-q', '-s', '10', url.toString()], { stdio: ['ignore', 'ignore', 'ignore'] });
    const out = execFileSync(bin, ['-c', '50', '-j', '2', '-T', String(pgbenchSeconds), url.toString()], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(out) ?? /tps = ([\d.]+)/.exec(out);
    if (!tps) throw new Error(`pgbench printed no tps:\n${out}`);
    return Number(tps[1]);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

export async function run(): Promise<BenchResult[]> {
  const results = engineBench();
  const targets: Target[] = ['pglite', ...(process.env.DATABASE_URL ? (['postgres'] as const) : [])];
  for (const target of targets) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', self, '--worker', target], { env: process.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
    results.push(...(JSON.parse(out.trim().split('\n').at(-1)!) as BenchResult[]));
  }
  return results;
}

if (process.argv[1] === self) {
  const worker = process.argv.indexOf('--worker');
  if (worker > 0) process.stdout.write(`${JSON.stringify(await measure(process.argv[worker + 1] as Target))}\n`);
  const job = process.argv.indexOf('--load');
  if (job > 0) {
    process.stdout.write(`${JSON.stringify(await load(JSON.parse(fs.readFileSync(process.argv[job + 1]!, 'utf8')) as Job))}\n`);
    // The kept-alive sockets would hold the process open.
    agent.destroy();
  }
}

