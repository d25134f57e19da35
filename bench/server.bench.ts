/**
 * `npm start` on existing data: wall-clock seconds from launching `yidi serve` (bin/yidi.mjs, as npm start does)
 * until it prints that it is running (the "later starts in under 2 s" figure),
 * read against the bare PGlite warm start of db.bench, and the server's resident
 * memory once it is up.
 *
 * YIDI_BENCH_STARTS starts (default 3, median shown); the data directory gets a
 * demo nation of YIDI_BENCH_SERVER_PERSONS persons first (default 2 000).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, repoPath, type BenchResult } from './support.ts';

const starts = Number(process.env.YIDI_BENCH_STARTS ?? 3);
const persons = Number(process.env.YIDI_BENCH_SERVER_PERSONS ?? 2_000);

function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

/** Starts the server, waits for its "running" line, and stops it. */
function startOnce(env: NodeJS.ProcessEnv): Promise<{ seconds: number; rss: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [repoPath('bin/yidi.mjs'), 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start within 120 s:\n${out}`));
    }, 120_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (/Yidi is running/.test(out)) {
        const seconds = (performance.now() - started) / 1000;
        const rss = rssMiB(child.pid!);
        clearTimeout(timer);
        child.once('exit', () => resolve({ seconds, rss }));
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
  });
}

export async function run(): Promise<BenchResult[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yidi-bench-server-'));
  const env = { ...process.env, YIDI_DATA: dir, PORT: '0', HOST: '127.0.0.1', YIDI_LOG_LEVEL: 'warn', DATABASE_URL: '' };
  try {
    const demo = spawnSync(process.execPath, [repoPath('bin/yidi.mjs'), 'demo', '--persons', String(persons)], { env, encoding: 'utf8' });
    if (demo.status !== 0) throw new Error(`yidi demo failed:\n${demo.stderr}`);
    const runs: { seconds: number; rss: number }[] = [];
    for (let i = 0; i < starts; i++) runs.push(await startOnce(env));
    return [
      { name: 'yidi serve start-up on existing PGlite data', value: Math.round(median(runs.map((r) => r.seconds)) * 100) / 100, unit: 's', baseline: 'PGlite warm start (existing data dir)' },
      { name: 'yidi serve RSS after start-up', value: median(runs.map((r) => r.rss)), unit: 'MiB' },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
