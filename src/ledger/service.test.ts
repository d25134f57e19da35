import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../test/support/db.ts';
import type { Principal } from '../auth/model.ts';
import { DomainError } from '../core/errors.ts';
import { fen, type Fen } from '../core/money.ts';
import type { Db, Queryable } from '../db/pool.ts';
import type { SettlementPosting, TransferInput } from './model.ts';
import { settlementTransfers } from './rules.ts';
import { accountView, balance, balances, LEDGER, postTransfers, reverseTransfers, statement, trialBalance } from './service.ts';

const national: Principal = { kind: 'national', userId: 1, username: 'nhsa' };
const hospital: Principal = { kind: 'institution', code: 'H44030000001', admdvs: '440300' };
const heilongjiang: Principal = { kind: 'insured_agency', userId: 2, username: 'hlj', region: '230000' };
const guangdong: Principal = { kind: 'treatment_agency', userId: 3, username: 'gd', region: '440000' };
const shenzhen: Principal = { kind: 'treatment_agency', userId: 4, username: 'sz', region: '440300' };
const beijing: Principal = { kind: 'insured_agency', userId: 5, username: 'bj', region: '110000' };
const patient: Principal = { kind: 'person', userId: 6, psnNo: '23010000000000000001', name: '张三' };

let db: Db;
beforeAll(async () => {
  db = await testDb();
});
afterAll(async () => {
  await db?.close();
});

// The ledger sums to zero at every moment: checked after every test, whatever it did.
afterEach(async () => {
  const tb = await trialBalance(db, national);
  expect(tb.total_fen).toBe(0);
  expect(tb.by_kind.reduce((s, k) => s + k.credits_fen, 0)).toBe(tb.by_kind.reduce((s, k) => s + k.debits_fen, 0));
});

async function rejection(p: Promise<unknown>): Promise<DomainError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
}

async function sqlError(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  expect(err).not.toBeInstanceOf(DomainError);
  return err as Error;
}

const bal = async (code: string, asOf?: string): Promise<number> => (await balance(db, national, code, asOf ? { asOf } : {})).balance_fen;
const count = async (tx: Queryable = db): Promise<number> => Number((await tx.query('SELECT count(*) AS n FROM ledger_transfer')).rows[0].n);

let serial = 0;
/** A settlement of a Harbin person in a Shenzhen hospital, with its own ids. */
function posting(over: Partial<SettlementPosting> = {}): SettlementPosting {
  serial++;
  return {
    setl_id: `A440300261015${String(serial).padStart(10, '0')}`,
    business_date: '2026-10-15',
    psn_no: '23010000000000000001',
    insured_area: '230100',
    treatment_area: '440300',
    institution: { code: 'H44030000001', admdvs: '440300' },
    fund_fen: fen(2080000),
    acct_fen: fen(50000),
    cash_fen: fen(870000),
    ...over,
  };
}

describe('posting', () => {
  it('posts a settlement and reads the balances, statements and listings back', async () => {
    const p = posting();
    const before = {
      claim: await bal('claim:440000:230000'),
      fund: await bal('fund:230100'),
      payable: await bal('payable:440300:H44030000001'),
      cash: await bal('cash:440300:H44030000001'),
    };
    const posted = await db.tx((tx) => postTransfers(tx, LEDGER, settlementTransfers(p), { onBehalfOf: hospital }));
    expect(posted.map((t) => t.id)).toEqual(['fund', 'acct', 'payable', 'cash'].map((leg) => `setl:${p.setl_id}:${leg}`));
    expect(posted[0]).toMatchObject({ amount_fen: 2080000, currency: 'CNY', business_date: '2026-10-15', reverses: null, ref_kind: 'settlement' });

    expect(await bal('claim:440000:230000')).toBe(before.claim + 2130000);
    expect(await bal('fund:230100')).toBe(before.fund - 2080000);
    expect(await bal('payable:440300:H44030000001')).toBe(before.payable + 2130000);
    expect(await bal('cash:440300:H44030000001')).toBe(before.cash + 870000);
    // What the institution is owed and has collected is the whole bill.
    expect((await bal('payable:440300:H44030000001')) - before.payable + (await bal('cash:440300:H44030000001')) - before.cash).toBe(3000000);

    const audit = await db.query(`SELECT actor, action, detail FROM audit_log WHERE entity = 'ledger_transfer' AND entity_id = $1`, [posted[0]!.id]);
    expect(audit.rows).toEqual([{ actor: 'system:ledger', action: 'post', detail: { ids: posted.map((t) => t.id), on_behalf_of: 'institution:H44030000001' } }]);

    const st = await statement(db, national, 'claim:440000:230000', { from: '2026-10-15', to: '2026-10-15' });
    const mine = st.entries.filter((e) => e.ref_id === p.setl_id);
    expect(mine.map((e) => [e.counter_account, e.amount_fen]).sort()).toEqual([
      ['fund:230100', 2080000],
      ['personal:23010000000000000001', 50000],
    ]);
    expect(st.closing_fen).toBe(st.entries.at(-1)!.balance_fen);
    expect(st.closing_fen - st.opening_fen).toBe(st.entries.reduce((s, e) => s + e.amount_fen, 0));

    const list = await balances(db, national, { prefix: 'claim:' });
    expect(list.items.find((b) => b.account === 'claim:440000:230000')?.balance_fen).toBe(await bal('claim:440000:230000'));
  });

  it('answers balances as of a business date and statements by date range, in date order', async () => {
    const code = 'payable:440300:H44030000009';
    const day = (d: string, n: number): TransferInput => ({
      id: `test:asof:${d}`,
      debit: 'agency:440300',
      credit: code,
      amount_fen: fen(n),
      business_date: d,
      ref_kind: 'test',
      ref_id: d,
    });
    // Posted out of date order: statements and as-of balances follow the business date.
    await db.tx((tx) => postTransfers(tx, LEDGER, [day('2026-09-30', 100), day('2026-10-02', 20)]));
    await db.tx((tx) => postTransfers(tx, LEDGER, [day('2026-10-01', 3)]));
    expect(await bal(code, '2026-09-29')).toBe(0);
    expect(await bal(code, '2026-09-30')).toBe(100);
    expect(await bal(code, '2026-10-01')).toBe(103);
    expect(await bal(code)).toBe(123);

    const st = await statement(db, national, code, { from: '2026-10-01', to: '2026-10-31' });
    expect(st).toMatchObject({ opening_fen: 100, closing_fen: 123, total: 2 });
    expect(st.entries.map((e) => [e.business_date, e.amount_fen, e.balance_fen])).toEqual([
      ['2026-10-01', 3, 103],
      ['2026-10-02', 20, 123],
    ]);
    const page2 = await statement(db, national, code, { page: 2, page_size: 2 });
    expect(page2.entries.map((e) => e.balance_fen)).toEqual([123]);
    expect(page2.total).toBe(3);
    const past = await statement(db, national, code, { page: 5, page_size: 2 });
    expect(past).toMatchObject({ entries: [], total: 3, opening_fen: 0, closing_fen: 123 });

    const view = await accountView(db, national, code, { to: '2026-09-30' });
    expect(view.balance.balance_fen).toBe(123);
    expect(view.statement.closing_fen).toBe(100);
    expect((await rejection(accountView(db, national, 'payable:440300:H44030099999'))).code).toBe('not_found');
    expect(await bal('payable:440300:H44030099999')).toBe(0);
  });

  it('re-posting the same ids with the same content is a no-op returning the stored transfers', async () => {
    const ts = settlementTransfers(posting());
    const first = await db.tx((tx) => postTransfers(tx, LEDGER, ts));
    const n = await count();
    const claim = await bal('claim:440000:230000');
    const again = await db.tx((tx) => postTransfers(tx, LEDGER, ts));
    expect(again).toEqual(first);
    expect(await count()).toBe(n);
    expect(await bal('claim:440000:230000')).toBe(claim);
    // A posting of old and new transfers stores the new ones only.
    const extra: TransferInput = { ...ts[0]!, id: `${ts[0]!.id}:extra`, amount_fen: fen(1) };
    const mixed = await db.tx((tx) => postTransfers(tx, LEDGER, [ts[0]!, extra]));
    expect(mixed[0]).toEqual(first[0]);
    expect(await count()).toBe(n + 1);
  });

  it('refuses the same id with different content, naming the field, and writes nothing of the posting', async () => {
    const ts = settlementTransfers(posting());
    await db.tx((tx) => postTransfers(tx, LEDGER, ts));
    const n = await count();
    const fresh: TransferInput = { ...ts[0]!, id: `${ts[0]!.id}:fresh` };
    const changed: TransferInput = { ...ts[1]!, amount_fen: fen(ts[1]!.amount_fen + 1) };
    const err = await rejection(db.tx((tx) => postTransfers(tx, LEDGER, [fresh, changed])));
    expect(err.code).toBe('conflict');
    expect(err.issues).toEqual([{ path: 'transfers[1]', message: `${ts[1]!.id} is stored with a different amount_fen (stored 50000, posted 50001)` }]);
    expect(await count()).toBe(n);

    const moved = await rejection(db.tx((tx) => postTransfers(tx, LEDGER, [{ ...ts[0]!, credit: 'claim:440000:230000'.replace('230000', '220000'), business_date: '2026-10-16' }])));
    expect(moved.message).toMatch(/credit \(stored claim:440000:230000, posted claim:440000:220000\), business_date \(stored 2026-10-15, posted 2026-10-16\)/);
  });

  it('refuses bad input naming every field, before anything is written', async () => {
    const n = await count();
    const good = settlementTransfers(posting());
    const err = await rejection(
      db.tx((tx) =>
        postTransfers(tx, LEDGER, [
          good[0]!,
          { ...good[1]!, amount_fen: 10.5 as Fen },
          { ...good[2]!, debit: 'bank:440300', business_date: '2026-13-01' },
        ]),
      ),
    );
    expect(err.code).toBe('validation');
    expect(err.issues.map((i) => i.path)).toEqual(['transfers[1].amount_fen', 'transfers[2].debit', 'transfers[2].business_date']);
    expect(await count()).toBe(n);
    expect((await db.query(`SELECT count(*) AS n FROM ledger_account WHERE code LIKE 'bank%'`)).rows[0].n).toBe('0');
  });

  it('is all or nothing with the business write of the caller’s transaction', async () => {
    const ts = settlementTransfers(posting());
    const n = await count();
    await expect(
      db.tx(async (tx) => {
        await postTransfers(tx, LEDGER, ts);
        throw new Error('the settlement failed after posting');
      }),
    ).rejects.toThrow('the settlement failed');
    expect(await count()).toBe(n);
  });
});

describe('reversal', () => {
  it('mirrors each transfer and restores every balance', async () => {
    const p = posting();
    const ts = settlementTransfers(p);
    const accounts = [...new Set(ts.flatMap((t) => [t.debit, t.credit]))];
    const before = await Promise.all(accounts.map((a) => bal(a)));
    await db.tx((tx) => postTransfers(tx, LEDGER, ts));

    const cancel = `A440300261016${String(++serial).padStart(10, '0')}`;
    const reversed = await db.tx((tx) =>
      reverseTransfers(tx, LEDGER, ts.map((t) => t.id), {
        idFor: (id) => id.replace(p.setl_id, cancel),
        business_date: '2026-10-16',
        reason: 'cancelled by 2305',
        ref_id: cancel,
        onBehalfOf: hospital,
      }),
    );
    expect(reversed.map((r) => [r.id, r.reverses, r.debit, r.credit, r.amount_fen])).toEqual(
      ts.map((t) => [t.id.replace(p.setl_id, cancel), t.id, t.credit, t.debit, t.amount_fen]),
    );
    expect(reversed.every((r) => r.ref_id === cancel && r.ref_kind === 'settlement' && r.business_date === '2026-10-16')).toBe(true);
    expect(await Promise.all(accounts.map((a) => bal(a)))).toEqual(before);
    // The month of the settlement still shows it; the next day's balance does not.
    expect(await bal('claim:440000:230000', '2026-10-15')).toBe(before[accounts.indexOf('claim:440000:230000')]! + 2130000);

    const audit = await db.query(`SELECT detail FROM audit_log WHERE action = 'reverse' AND entity_id = $1`, [reversed[0]!.id]);
    expect(audit.rows[0].detail).toMatchObject({ reason: 'cancelled by 2305', on_behalf_of: 'institution:H44030000001' });

    // Reversing again the same way is a no-op returning the stored reversals.
    const n = await count();
    const again = await db.tx((tx) =>
      reverseTransfers(tx, LEDGER, ts.map((t) => t.id), { idFor: (id) => id.replace(p.setl_id, cancel), business_date: '2026-10-16', reason: 'retry', ref_id: cancel }),
    );
    expect(again).toEqual(reversed);
    expect(await count()).toBe(n);
  });

  it('reverses a transfer once only, never a reversal, never before the original', async () => {
    const [t] = settlementTransfers(posting({ acct_fen: fen(0), cash_fen: fen(0) }));
    await db.tx((tx) => postTransfers(tx, LEDGER, [t!]));
    await db.tx((tx) => reverseTransfers(tx, LEDGER, [t!.id], { idPrefix: 'rev:', business_date: '2026-10-20', reason: 'test' }));
    const n = await count();

    const twice = await rejection(db.tx((tx) => reverseTransfers(tx, LEDGER, [t!.id], { idPrefix: 'rev2:', business_date: '2026-10-20', reason: 'test' })));
    expect(twice.code).toBe('conflict');
    expect(twice.issues).toEqual([{ path: 'ids[0]', message: `${t!.id} was already reversed by rev:${t!.id}` }]);

    const ofReversal = await rejection(db.tx((tx) => reverseTransfers(tx, LEDGER, [`rev:${t!.id}`], { idPrefix: 'x:', business_date: '2026-10-21', reason: 'test' })));
    expect(ofReversal.issues[0]).toMatchObject({ path: 'ids[0]', message: expect.stringMatching(/is itself the reversal of .* cannot be reversed/) });

    const [u] = settlementTransfers(posting({ acct_fen: fen(0), cash_fen: fen(0) }));
    await db.tx((tx) => postTransfers(tx, LEDGER, [u!]));
    const early = await rejection(db.tx((tx) => reverseTransfers(tx, LEDGER, [u!.id], { idPrefix: 'rev:', business_date: '2026-10-14', reason: 'test' })));
    expect(early.issues[0]!.path).toBe('business_date');

    const unknown = await rejection(db.tx((tx) => reverseTransfers(tx, LEDGER, [u!.id, 'no-such'], { idPrefix: 'rev:', business_date: '2026-10-20', reason: 'test' })));
    expect(unknown.code).toBe('not_found');
    expect(unknown.issues).toEqual([{ path: 'ids[1]', message: 'no transfer no-such' }]);

    const bad = await rejection(db.tx((tx) => reverseTransfers(tx, LEDGER, [u!.id, u!.id], { business_date: '2026-10-20', reason: ' ' })));
    expect(bad.issues.map((i) => i.path)).toEqual(['ids[1]', 'idPrefix', 'reason']);
    const [v] = settlementTransfers(posting({ acct_fen: fen(0), cash_fen: fen(0) }));
    await db.tx((tx) => postTransfers(tx, LEDGER, [v!]));
    const ids = await rejection(
      db.tx((tx) => reverseTransfers(tx, LEDGER, [u!.id, v!.id], { idFor: () => 'same id', business_date: '2026-10-20', reason: 'test', ref_kind: 'Cancel' })),
    );
    expect(ids.issues.map((i) => i.path)).toEqual(['ids[0].id', 'ids[0].ref_kind', 'ids[1].id', 'ids[1].ref_kind', 'ids[1]']);
    expect(await count()).toBe(n + 2);
  });

  it('is enforced by the database too: a reversal that does not mirror, or of a reversal, or a second one, is refused', async () => {
    const [t] = settlementTransfers(posting({ acct_fen: fen(0), cash_fen: fen(0) }));
    await db.tx((tx) => postTransfers(tx, LEDGER, [t!]));
    const insert = (id: string, debit: string, credit: string, amount: number, reverses: string) =>
      db.query(
        `INSERT INTO ledger_transfer (id, debit, credit, amount_fen, business_date, ref_kind, ref_id, reverses) VALUES ($1, $2, $3, $4, '2026-10-20', 'test', 'x', $5)`,
        [id, debit, credit, amount, reverses],
      );
    expect((await sqlError(insert('db:1', t!.credit, t!.debit, t!.amount_fen + 1, t!.id))).message).toMatch(/does not mirror/);
    expect((await sqlError(insert('db:2', t!.debit, t!.credit, t!.amount_fen, t!.id))).message).toMatch(/does not mirror/);
    await insert('db:3', t!.credit, t!.debit, t!.amount_fen, t!.id);
    expect((await sqlError(insert('db:4', t!.credit, t!.debit, t!.amount_fen, t!.id))).message).toMatch(/ledger_transfer_reversed_once/);
    expect((await sqlError(insert('db:5', t!.debit, t!.credit, t!.amount_fen, 'db:3'))).message).toMatch(/is a reversal and cannot be reversed/);
  });
});

describe('append-only', () => {
  it('raises on UPDATE, DELETE and TRUNCATE of transfers and accounts', async () => {
    await db.tx((tx) => postTransfers(tx, LEDGER, settlementTransfers(posting())));
    for (const sql of [
      'UPDATE ledger_transfer SET amount_fen = amount_fen + 1',
      'DELETE FROM ledger_transfer',
      'TRUNCATE ledger_transfer CASCADE',
      "UPDATE ledger_account SET region = '110000'",
      "DELETE FROM ledger_account WHERE code = 'agency:440300'",
      'TRUNCATE ledger_account CASCADE',
    ]) {
      expect((await sqlError(db.query(sql))).message, sql).toMatch(/append-only/);
    }
  });
});

describe('permissions', () => {
  const t = (): TransferInput[] => settlementTransfers(posting());

  it('lets only the platform post and reverse', async () => {
    const n = await count();
    for (const actor of [hospital, guangdong, heilongjiang, patient]) {
      expect((await rejection(db.tx((tx) => postTransfers(tx, actor, t())))).code).toBe('forbidden');
      expect((await rejection(db.tx((tx) => reverseTransfers(tx, actor, ['x'], { idPrefix: 'r:', business_date: '2026-10-20', reason: 'x' })))).code).toBe('forbidden');
    }
    expect((await rejection(db.tx((tx) => postTransfers(tx, undefined, t())))).code).toBe('unauthenticated');
    expect(await count()).toBe(n);
    await db.tx((tx) => postTransfers(tx, national, t()));
    expect(await count()).toBe(n + 4);
  });

  it('lets each reader see the accounts of their scope only', async () => {
    await db.tx((tx) => postTransfers(tx, LEDGER, [...t(), ...settlementTransfers(posting({ insured_area: '110100', psn_no: '11010000000000000001', institution: { code: 'H44010000001', admdvs: '440100' }, treatment_area: '440100' }))]));

    expect((await balance(db, heilongjiang, 'claim:440000:230000')).balance_fen).toBeGreaterThan(0);
    expect((await balance(db, guangdong, 'claim:440000:230000')).balance_fen).toBeGreaterThan(0);
    expect((await rejection(balance(db, beijing, 'claim:440000:230000'))).code).toBe('forbidden');
    expect((await rejection(statement(db, shenzhen, 'payable:440100:H44010000001'))).code).toBe('forbidden');
    expect((await statement(db, shenzhen, 'payable:440300:H44030000001')).total).toBeGreaterThan(0);
    expect((await balance(db, hospital, 'cash:440300:H44030000001')).balance_fen).toBeGreaterThan(0);
    expect((await rejection(balance(db, hospital, 'cash:440100:H44010000001'))).code).toBe('forbidden');
    expect((await balance(db, patient, 'pocket:23010000000000000001')).balance_fen).toBeLessThan(0);
    expect((await rejection(balance(db, patient, 'pocket:11010000000000000001'))).code).toBe('forbidden');
    expect((await rejection(balance(db, undefined, 'agency:440300'))).code).toBe('unauthenticated');
    expect((await rejection(trialBalance(db, guangdong))).code).toBe('forbidden');

    const bj = await balances(db, beijing, {});
    expect(bj.items.map((b) => b.account).sort()).toEqual(['claim:440000:110000', 'fund:110100', 'personal:11010000000000000001', 'pocket:11010000000000000001']);
    const mine = await balances(db, hospital, {});
    expect(mine.items.map((b) => b.account)).toEqual(['cash:440300:H44030000001', 'payable:440300:H44030000001']);
    const sz = await balances(db, shenzhen, { prefix: 'payable:' });
    expect(sz.items.every((b) => b.account.startsWith('payable:4403'))).toBe(true);
    expect((await balances(db, guangdong, { region: '440100' })).items.map((b) => b.account)).toEqual(['agency:440100', 'cash:440100:H44010000001', 'payable:440100:H44010000001']);
    expect((await rejection(balances(db, shenzhen, { region: '440000' }))).code).toBe('forbidden');
    expect((await rejection(balances(db, national, { prefix: "claim'; --", page_size: 1000 }))).issues.map((i) => i.path)).toEqual(['prefix', 'page_size']);
  });
});

describe('concurrency', () => {
  it('loses nothing when 100 settlements post through the same accounts at once', async () => {
    const before = { claim: await bal('claim:440000:230000'), agency: await bal('agency:440300'), n: await count() };
    const postings = Array.from({ length: 100 }, (_, i) => posting({ fund_fen: fen(100000 + i), acct_fen: fen(i % 3 === 0 ? 0 : 700 + i), cash_fen: fen(5000 + i) }));
    await Promise.all(postings.map((p) => db.tx((tx) => postTransfers(tx, LEDGER, settlementTransfers(p)))));
    const claimed = postings.reduce((s, p) => s + p.fund_fen + p.acct_fen, 0);
    expect(await bal('claim:440000:230000')).toBe(before.claim + claimed);
    expect(await bal('agency:440300')).toBe(before.agency - claimed);
    expect(await count()).toBe(before.n + postings.reduce((s, p) => s + settlementTransfers(p).length, 0));
  });

  it('stores one copy when 100 retries of one posting race, and one reversal when 100 reversals race', async () => {
    const ts = settlementTransfers(posting());
    const n = await count();
    const results = await Promise.all(Array.from({ length: 100 }, () => db.tx((tx) => postTransfers(tx, LEDGER, ts))));
    expect(await count()).toBe(n + 4);
    for (const r of results) expect(r).toEqual(results[0]);

    const outcomes = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => db.tx((tx) => reverseTransfers(tx, LEDGER, ts.map((t) => t.id), { idPrefix: `rev${i}:`, business_date: '2026-10-16', reason: 'race' }))),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect((o.reason as DomainError).code).toBe('conflict');
    expect(await count()).toBe(n + 8);
  });
});

describe('property: random postings and reversals', () => {
  let run = 0;
  it('keeps every balance equal to the sum of its postings, and the total at zero', async () => {
    const op = fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('post' as const), from: fc.nat(4), to: fc.nat(4), amount: fc.integer({ min: 1, max: 10 ** 12 }), day: fc.integer({ min: 1, max: 28 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('repost' as const), pick: fc.nat() }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('reverse' as const), pick: fc.nat(), days: fc.nat(3) }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        run++;
        // An area no other test uses, so each run's accounts start empty.
        const psn = (k: number) => `450100${String(run * 10 + k).padStart(14, '0')}`;
        const inst = `H450100${String(run).padStart(5, '0')}`;
        const accounts = [`personal:${psn(1)}`, `pocket:${psn(1)}`, `pocket:${psn(2)}`, `payable:450100:${inst}`, `cash:450100:${inst}`];
        const model = new Map(accounts.map((a) => [a, 0]));
        const posted: { t: TransferInput; reversed: boolean; reverses: string | null }[] = [];
        let k = 0;
        for (const o of ops) {
          if (o.kind === 'post') {
            if (o.from === o.to) continue;
            const t: TransferInput = {
              id: `prop:${run}:${k++}`,
              debit: accounts[o.from]!,
              credit: accounts[o.to]!,
              amount_fen: fen(o.amount),
              business_date: `2026-10-${String(o.day).padStart(2, '0')}`,
              ref_kind: 'test',
              ref_id: `run${run}`,
            };
            await db.tx((tx) => postTransfers(tx, LEDGER, [t]));
            posted.push({ t, reversed: false, reverses: null });
            model.set(t.debit, model.get(t.debit)! - o.amount);
            model.set(t.credit, model.get(t.credit)! + o.amount);
          } else if (posted.length > 0) {
            const entry = posted[o.pick % posted.length]!;
            if (o.kind === 'repost') {
              // Each is posted again the way it was first posted: a no-op.
              if (entry.reverses === null) await db.tx((tx) => postTransfers(tx, LEDGER, [entry.t]));
              else await db.tx((tx) => reverseTransfers(tx, LEDGER, [entry.reverses!], { idPrefix: 'rev:', business_date: '2026-10-28', reason: 'again' }));
            } else if (entry.reversed || entry.reverses !== null) {
              expect(
                (await rejection(db.tx((tx) => reverseTransfers(tx, LEDGER, [entry.t.id], { idPrefix: `r${k++}:`, business_date: '2026-10-28', reason: 'prop' })))).code,
              ).toMatch(/conflict|validation/);
            } else {
              const [r] = await db.tx((tx) => reverseTransfers(tx, LEDGER, [entry.t.id], { idPrefix: 'rev:', business_date: '2026-10-28', reason: 'prop' }));
              entry.reversed = true;
              posted.push({ t: { ...entry.t, id: r!.id, debit: r!.debit, credit: r!.credit, business_date: r!.business_date }, reversed: false, reverses: entry.t.id });
              model.set(r!.debit, model.get(r!.debit)! - r!.amount_fen);
              model.set(r!.credit, model.get(r!.credit)! + r!.amount_fen);
            }
          }
        }
        for (const a of accounts) {
          expect(await bal(a)).toBe(model.get(a));
          const st = await statement(db, national, a, { page_size: 500 });
          expect(st.entries.reduce((s, e) => s + e.amount_fen, 0)).toBe(model.get(a));
        }
        expect([...model.values()].reduce((s, v) => s + v, 0)).toBe(0);
        expect((await trialBalance(db, national)).total_fen).toBe(0);
      }),
      { numRuns: 40 },
    );
  });
});
