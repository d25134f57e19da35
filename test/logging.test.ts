import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { fixedClock } from '../src/core/clock.ts';
import type { Db } from '../src/db/pool.ts';
import type { App } from '../src/http/types.ts';
import { loggerOptions, maskUrl } from '../src/http/logging.ts';
import { testDb } from './support/db.ts';

const certno = '11010519491231002X';
let db: Db;
let app: App;
const lines: string[] = [];

beforeAll(async () => {
  db = await testDb();
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const options = loggerOptions('info') as pino.LoggerOptions;
  app = await buildApp({ db, clock: fixedClock('2026-11-23T02:00:00Z'), config: loadConfig({}) }, { logger: { ...options, stream: sink } as never, webDir: null });
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});

describe('personal data in logs', () => {
  it('masks ID numbers, names and phone numbers in logged URLs', () => {
    expect(maskUrl(`/api/persons?q=${encodeURIComponent('王秀英')}&page=2`)).toBe('/api/persons?q=[masked]&page=2');
    expect(maskUrl(`/api/x/${certno}/y?certno=${certno}`)).toBe('/api/x/110105********002X/y?certno=[masked]');
    expect(maskUrl('/api/p/13812345678')).toBe('/api/p/138****5678');
  });

  it('never writes an ID number or a password that came in a request', async () => {
    await app.inject({ method: 'POST', url: '/api/session', payload: { username: certno, password: 'secret password 1' } });
    await app.inject({ method: 'GET', url: `/api/persons?q=${certno}` });
    await app.inject({ method: 'GET', url: `/api/regions/${certno}` });
    const all = lines.join('');
    expect(lines.length).toBeGreaterThan(3);
    expect(all).not.toContain(certno);
    expect(all).not.toContain('secret password 1');
  });
});
