import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuilt, registerWeb } from './web.ts';
import type { App } from './types.ts';

describe('serving the portal', () => {
  let dir: string;
  let app: App;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'yidi-web-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(path.join(dir, 'assets', 'index-AbC123.js'), 'console.log(1)');
    writeFileSync(path.join(dir, 'favicon.svg'), '<svg/>');
    app = Fastify({ logger: false }).withTypeProvider<TypeBoxTypeProvider>() as App;
    app.setNotFoundHandler((_req, reply) => reply.code(404).type('application/problem+json').send({ status: 404, title: 'Not found' }));
    app.get('/api/ok', async () => ({ ok: true }));
    await registerWeb(app, dir);
  });

  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers every other GET with index.html, revalidated each time', async () => {
    for (const url of ['/', '/login', '/policies/12?x=1', '/index.html']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toContain('text/html');
      expect(res.headers['cache-control'], url).toBe('no-cache');
      expect(res.headers['content-security-policy'], url).toContain("default-src 'self'");
      expect(res.body).toContain('id="root"');
    }
    expect((await app.inject({ method: 'HEAD', url: '/me' })).statusCode).toBe(200);
  });

  it('caches hashed assets for a year and other files for an hour', async () => {
    const js = await app.inject({ method: 'GET', url: '/assets/index-AbC123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('public, max-age=3600');
  });

  it('leaves the server paths and missing assets to the JSON 404', async () => {
    for (const url of ['/api/nope', '/api', '/fsi/api/1101', '/docsx', '/docs/nope', '/healthz/x', '/metrics', '/assets/gone-123.js', '/assets/..%2f..%2fetc%2fpasswd']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toContain('application/problem+json');
    }
    expect((await app.inject({ method: 'POST', url: '/login' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/ok' })).json()).toEqual({ ok: true });
  });

  it('refuses a directory without a build', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'yidi-web-empty-'));
    const other = Fastify({ logger: false }).withTypeProvider<TypeBoxTypeProvider>() as App;
    await expect(registerWeb(other, empty)).rejects.toThrow(/no index.html/);
    await other.close();
    rmSync(empty, { recursive: true, force: true });
  });
});

describe('building the portal', () => {
  it('builds when needed, and a second start reuses the build in milliseconds', async () => {
    const dist = await ensureWebBuilt();
    const index = path.join(dist, 'index.html');
    const built = statSync(index).mtimeMs;
    const started = performance.now();
    expect(await ensureWebBuilt()).toBe(dist);
    expect(performance.now() - started).toBeLessThan(200);
    expect(statSync(index).mtimeMs).toBe(built);
  }, 120_000);
});
