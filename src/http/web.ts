import { readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { App } from './types.ts';

/**
 * The web portal: a Vite build of `web/` into `dist/web`, served by the API
 * server. The build runs at start-up only when the sources are newer than the
 * last build, so `npm start` after `npm install` needs no separate step.
 */

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const webDir = path.join(projectRoot, 'web');
const distDir = path.join(projectRoot, 'dist', 'web');
const configFile = path.join(webDir, 'vite.config.ts');
/** A dependency upgrade (React, Vite) changes the output too. */
const lockFile = path.join(projectRoot, 'package-lock.json');

async function mtimeOf(file: string): Promise<number | null> {
  try {
    return (await stat(file)).mtimeMs;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** The newest modification under `dir`, directories included (a deleted file changes its directory). */
async function newestUnder(dir: string): Promise<number> {
  let newest = (await stat(dir)).mtimeMs;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    const m = entry.isDirectory() ? await newestUnder(full) : (await stat(full)).mtimeMs;
    if (m > newest) newest = m;
  }
  return newest;
}

async function isFresh(): Promise<boolean> {
  const built = await mtimeOf(path.join(distDir, 'index.html'));
  if (built === null) return false;
  const sources = await mtimeOf(webDir);
  // An installation without the sources serves what it shipped with.
  if (sources === null) return true;
  const newest = Math.max(await newestUnder(webDir), (await mtimeOf(lockFile)) ?? 0);
  return built >= newest;
}

async function build(log: (msg: string) => void): Promise<string> {
  if ((await mtimeOf(webDir)) === null) throw new Error(`the web portal is not built (${distDir}) and its sources (${webDir}) are missing`);
  const started = Date.now();
  log('building the web portal');
  const { build: viteBuild } = await import('vite');
  // Build beside the live directory and swap, so a server reading dist/web never sees half a build.
  const staging = path.join(projectRoot, 'dist', `.web-${process.pid}-${started}`);
  const retired = `${staging}-old`;
  try {
    await viteBuild({ configFile, logLevel: 'warn', build: { outDir: staging, emptyOutDir: true } });
    // Another process (a second server, a parallel test worker) may have built and swapped in the
    // same sources meanwhile, and may be serving them: swapping again would pull its files away.
    if (await isFresh()) {
      log(`web portal built by another process meanwhile; keeping that build`);
      return distDir;
    }
    await rename(distDir, retired).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    await rename(staging, distDir);
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(retired, { recursive: true, force: true });
  }
  log(`web portal built in ${Date.now() - started} ms`);
  return distDir;
}

let inFlight: Promise<string> | null = null;

/** Returns the absolute `dist/web` directory, building it first when missing or older than `web/`. */
export async function ensureWebBuilt(opts: { log?: (msg: string) => void } = {}): Promise<string> {
  if (await isFresh()) return distDir;
  inFlight ??= build(opts.log ?? (() => undefined)).finally(() => {
    inFlight = null;
  });
  return inFlight;
}

/** Paths the server answers itself: an unknown one there is a JSON 404, never the portal's page. */
function isServerPath(pathname: string): boolean {
  if (pathname.startsWith('/docs')) return true;
  return ['/api', '/fsi', '/healthz', '/metrics'].some((p) => pathname === p || pathname.startsWith(`${p}/`));
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(path.join(dir, entry.name), rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;
const ONE_HOUR_MS = 3600 * 1000;

const HTML_HEADERS = {
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'content-security-policy': "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
};

/**
 * Serves the built portal: hashed assets cached for a year, other files for an
 * hour, and index.html (always revalidated) for every other GET so the
 * portal's own router handles deep links.
 */
export async function registerWeb(app: App, dir: string): Promise<void> {
  // The file list is fixed for the life of the process: a build swaps the whole directory.
  const files = new Set(await listFiles(dir));
  if (!files.has('index.html')) throw new Error(`${dir} has no index.html: build the portal first`);

  await app.register(async (scope) => {
    // Encapsulated: reply.sendFile exists only here and does not clash with other static plugins.
    await scope.register(fastifyStatic, { root: dir, serve: false });
    scope.get('/*', { schema: { hide: true } }, (req, reply) => {
      const pathname = req.url.split('?', 1)[0]!;
      if (isServerPath(pathname)) return reply.callNotFound();
      const rel = (req.params as { '*': string })['*'];
      if (rel !== 'index.html' && files.has(rel)) {
        const hashed = rel.startsWith('assets/');
        return reply.sendFile(rel, { maxAge: hashed ? ONE_YEAR_MS : ONE_HOUR_MS, immutable: hashed });
      }
      // A missing asset is a real 404: answering HTML to a script tag only hides the error.
      if (rel.startsWith('assets/') || rel === 'favicon.ico') return reply.callNotFound();
      return reply.headers(HTML_HEADERS).sendFile('index.html', { cacheControl: false });
    });
  });
}
