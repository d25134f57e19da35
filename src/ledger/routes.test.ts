import Fastify from 'fastify';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../test/support/db.ts';
import type { Principal } from '../auth/model.ts';
import { fixedClock } from '../core/clock.ts';
import { fen } from '../core/money.ts';
import { loadConfig } from '../config.ts';
import type { Db } from '../db/pool.ts';
import { errorHandler } from '../http/problem.ts';
import type { App } from '../http/types.ts';
import { settlementTransfers } from './rules.ts';
import { LEDGER, postTransfers, reverseTransfers } from './service.ts';
import { routes } from './routes.ts';

const principals: Record<string, Principal> = {
  national: { kind: 'national', userId: 1, username: 'nhsa' },
  guangdong: { kind: 'treatment_agency', userId: 2, username: 'gd', region: '440000' },
  hospital: { kind: 'institution', code: 'H44030000001', admdvs: '440300' },
};
const as = (who: keyof typeof principals) => ({ headers: { 'x-test-as': who } });

let db: Db;
let app: App;
beforeAll(async () => {
  db = await testDb();
  app = Fastify({ logger: false, ajv: { customOptions: { allErrors: true } } }).withTypeProvider<TypeBoxTypeProvider>() as App;
  app.setErrorHandler(errorHandler);
  await app.register(swagger, { openapi: { openapi: '3.1.0', info: { title: 't', version: '0' } } });
  // Stands in for the session plugin: the test says who is signed in.
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request) => {
    const who = request.headers['x-test-as'];
    if (typeof who === 'string') request.principal = principals[who];
  });
  await routes(app, { db, clock: fixedClock('2026-10-20T04:00:00Z'), config: loadConfig({}) });
  await app.ready();

  const ts = settlementTransfers({
    setl_id: 'A440300261015000000001',
    business_date: '2026-10-15',
    psn_no: '23010000000000000001',
    insured_area: '230100',
    treatment_area: '440300',
    institution: { code: 'H44030000001', admdvs: '440300' },
    fund_fen: fen(2080000),
    acct_fen: fen(50000),
    cash_fen: fen(870000),
  });
  await db.tx((tx) => postTransfers(tx, LEDGER, ts));
  await db.tx((tx) => reverseTransfers(tx, LEDGER, [ts[3]!.id], { idPrefix: 'rev:', business_date: '2026-10-16', reason: 'cash refunded' }));
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});

describe('ledger routes', () => {
  it('shows national staff the trial balance, and nobody else', async () => {
    const tb = await app.inject({ url: '/api/ledger/trial-balance', ...as('national') });
    expect(tb.statusCode).toBe(200);
    expect(tb.json()).toMatchObject({ currency: 'CNY', total_fen: 0, transfers: 5 });
    expect(tb.json().by_kind.find((k: { kind: string }) => k.kind === 'claim')).toEqual({ kind: 'claim', accounts: 1, credits_fen: 2130000, debits_fen: 0, balance_fen: 2130000 });
    expect((await app.inject({ url: '/api/ledger/trial-balance', ...as('guangdong') })).statusCode).toBe(403);
    expect((await app.inject({ url: '/api/ledger/trial-balance' })).statusCode).toBe(401);
  });

  it('lists the balances in the reader’s scope', async () => {
    const gd = await app.inject({ url: '/api/ledger/accounts?prefix=claim:', ...as('guangdong') });
    expect(gd.json()).toMatchObject({ total: 1, items: [{ account: 'claim:440000:230000', kind: 'claim', region: '440000', balance_fen: 2130000 }] });
    const mine = await app.inject({ url: '/api/ledger/accounts', ...as('hospital') });
    expect(mine.json().items.map((b: { account: string; balance_fen: number }) => [b.account, b.balance_fen])).toEqual([
      ['cash:440300:H44030000001', 0],
      ['payable:440300:H44030000001', 2130000],
    ]);
    const asOf = await app.inject({ url: '/api/ledger/accounts?prefix=cash:&as_of=2026-10-15', ...as('national') });
    expect(asOf.json().items[0]).toMatchObject({ balance_fen: 870000, as_of: '2026-10-15' });
    const bad = await app.inject({ url: '/api/ledger/accounts?region=44&page_size=0', ...as('national') });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['querystring.page_size', 'querystring.region']);
  });

  it('shows one account with its statement, by a code with colons in the path', async () => {
    const res = await app.inject({ url: '/api/ledger/accounts/cash:440300:H44030000001?from=2026-10-01&to=2026-10-31', ...as('hospital') });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.balance).toMatchObject({ account: 'cash:440300:H44030000001', balance_fen: 0, credits_fen: 870000, debits_fen: 870000 });
    expect(body.statement).toMatchObject({ opening_fen: 0, closing_fen: 0, total: 2, page: 1, page_size: 100 });
    expect(body.statement.entries.map((e: { amount_fen: number; balance_fen: number; reverses: string | null }) => [e.amount_fen, e.balance_fen, e.reverses])).toEqual([
      [870000, 870000, null],
      [-870000, 0, 'setl:A440300261015000000001:cash'],
    ]);
    const encoded = await app.inject({ url: '/api/ledger/accounts/claim%3A440000%3A230000', ...as('guangdong') });
    expect(encoded.json().balance.balance_fen).toBe(2130000);
  });

  it('answers unknown, malformed and foreign accounts with a problem, never a 5xx', async () => {
    expect((await app.inject({ url: '/api/ledger/accounts/agency:110000', ...as('national') })).statusCode).toBe(404);
    const malformed = await app.inject({ url: '/api/ledger/accounts/claim:440000:440000', ...as('national') });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors).toEqual([{ path: 'account', message: '"claim:440000:440000": a claim is between two different places' }]);
    expect((await app.inject({ url: '/api/ledger/accounts/agency:440300', ...as('hospital') })).statusCode).toBe(403);
    expect((await app.inject({ url: '/api/ledger/accounts/agency:440300?from=2026-10-31&to=2026-10-01', ...as('national') })).json().errors[0].path).toBe('to');
    expect((await app.inject({ url: '/api/ledger/accounts/agency:440300?from=yesterday', ...as('national') })).statusCode).toBe(400);
  });
});
