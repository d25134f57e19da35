import { describe, expect, it } from 'vitest';
import type { Principal } from '../auth/model.ts';
import { DomainError } from '../core/errors.ts';
import { fen } from '../core/money.ts';
import type { SettlementPosting, Transfer, TransferInput } from './model.ts';
import {
  accountCode,
  accountIssues,
  checkTransfers,
  contentDifferences,
  mayRead,
  mirror,
  parseAccount,
  readScope,
  regionPattern,
  settlementTransfers,
  transferIssues,
} from './rules.ts';

function thrown(f: () => unknown): DomainError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  throw new Error('expected a DomainError');
}

const t = (over: Partial<TransferInput> = {}): TransferInput => ({
  id: 'setl:A440300261015000000001:fund',
  debit: 'fund:230100',
  credit: 'claim:440000:230000',
  amount_fen: fen(2080000),
  business_date: '2026-10-15',
  ref_kind: 'settlement',
  ref_id: 'A440300261015000000001',
  ...over,
});

const stored = (over: Partial<Transfer> = {}): Transfer => ({
  ...t(),
  currency: 'CNY',
  reverses: null,
  created_at: '2026-10-15T02:00:00.000Z',
  ...over,
});

describe('account codes', () => {
  it('builds and parses every kind, deriving the region and party from the code', () => {
    expect(parseAccount(accountCode('fund', '230100'))).toEqual({ code: 'fund:230100', kind: 'fund', region: '230100', counterparty: null, party: null });
    expect(parseAccount(accountCode('prepaid', '230000')).region).toBe('230000');
    expect(parseAccount(accountCode('claim', '440000', '230000'))).toEqual({
      code: 'claim:440000:230000',
      kind: 'claim',
      region: '440000',
      counterparty: '230000',
      party: null,
    });
    expect(parseAccount(accountCode('claim', '440300', '440100')).counterparty).toBe('440100');
    expect(parseAccount(accountCode('agency', '440300')).kind).toBe('agency');
    expect(parseAccount(accountCode('payable', '440300', 'H44030000001'))).toMatchObject({ region: '440300', party: 'H44030000001' });
    expect(parseAccount(accountCode('cash', '440300', 'P44030000001'))).toMatchObject({ kind: 'cash', party: 'P44030000001' });
    expect(parseAccount(accountCode('personal', '23010000000000000001'))).toMatchObject({ region: '230100', party: '23010000000000000001' });
    expect(parseAccount(accountCode('pocket', '23010000000000000001')).kind).toBe('pocket');
  });

  it('refuses malformed codes, saying what the kind expects', () => {
    const cases: [string, RegExp][] = [
      ['', /account code/],
      ['bank:230100', /no known account kind/],
      ['fund', /fund:<division code>/],
      ['fund:23010', /not a 6-digit division code/],
      ['fund:000000', /not a 6-digit division code/],
      ['prepaid:230100', /province code/],
      ['claim:440000', /claim:<treatment place>:<insured place>/],
      ['claim:440000:440000', /two different places/],
      ['claim:440000:230100', /two provinces, or between two areas of one province/],
      ['claim:440300:230100', /two provinces, or between two areas of one province/],
      ['payable:440300', /payable:<institution area>:<institution code>/],
      ['payable:440300:X44030000001', /not an institution code/],
      ['personal:2301', /not a person number/],
      ['pocket:23010000000000000001:1', /pocket:<psn_no>/],
    ];
    for (const [code, message] of cases) {
      const issues = accountIssues(code, 'debit');
      expect(issues, code).toHaveLength(1);
      expect(issues[0]!.path).toBe('debit');
      expect(issues[0]!.message, code).toMatch(message);
    }
    expect(thrown(() => parseAccount('claim:440000:440000', 'credit')).issues[0]!.path).toBe('credit');
    expect(thrown(() => accountCode('prepaid', '230100')).code).toBe('validation');
  });
});

describe('transfer validation', () => {
  it('accepts a well-formed transfer and fills in the currency', () => {
    expect(transferIssues(t(), 'transfers[0]')).toEqual([]);
    expect(checkTransfers([t()])[0]!.currency).toBe('CNY');
  });

  it('names every bad field by its path', () => {
    const bad = {
      id: 'has space',
      debit: 'fund:230100',
      credit: 'fund:230100',
      amount_fen: 12.5,
      currency: 'USD',
      business_date: '2026-02-30',
      ref_kind: 'Settlement',
      ref_id: '',
    } as unknown as TransferInput;
    const paths = transferIssues(bad, 'transfers[3]').map((i) => i.path);
    expect(paths.sort()).toEqual(
      ['id', 'credit', 'amount_fen', 'currency', 'business_date', 'ref_kind', 'ref_id'].map((f) => `transfers[3].${f}`).sort(),
    );
  });

  it('refuses zero, negative and unsafe amounts', () => {
    for (const amount of [0, -1, Number.MAX_SAFE_INTEGER + 1, Number.NaN]) {
      expect(transferIssues(t({ amount_fen: amount as never }), 't').map((i) => i.path)).toEqual(['t.amount_fen']);
    }
    expect(transferIssues(t({ amount_fen: fen(Number.MAX_SAFE_INTEGER) }), 't')).toEqual([]);
  });

  it('refuses an empty posting and an id posted twice in one', () => {
    expect(thrown(() => checkTransfers([])).issues[0]!.path).toBe('transfers');
    const err = thrown(() => checkTransfers([t(), t({ amount_fen: fen(1) }), t()]));
    expect(err.issues).toEqual([
      { path: 'transfers[1].id', message: 'repeats transfers[0].id' },
      { path: 'transfers[2].id', message: 'repeats transfers[0].id' },
    ]);
  });

  it('lists the fields a re-post differs in', () => {
    const posted = checkTransfers([t({ amount_fen: fen(1), ref_id: 'other' })])[0]!;
    expect(contentDifferences(stored(), posted)).toEqual([
      'amount_fen (stored 2080000, posted 1)',
      'ref_id (stored A440300261015000000001, posted other)',
    ]);
    expect(contentDifferences(stored(), checkTransfers([t()])[0]!)).toEqual([]);
  });
});

describe('mirror', () => {
  it('swaps debit and credit, keeps the amount, and points at the original', () => {
    const m = mirror(stored(), { id: 'setl:A440300261016000000002:fund', business_date: '2026-10-16', ref_id: 'A440300261016000000002' });
    expect(m).toEqual({
      id: 'setl:A440300261016000000002:fund',
      debit: 'claim:440000:230000',
      credit: 'fund:230100',
      amount_fen: 2080000,
      currency: 'CNY',
      business_date: '2026-10-16',
      ref_kind: 'settlement',
      ref_id: 'A440300261016000000002',
      reverses: 'setl:A440300261015000000001:fund',
    });
  });

  it('refuses to reverse a reversal or to date a reversal before its original', () => {
    expect(thrown(() => mirror(stored({ reverses: 'x' }), { id: 'y', business_date: '2026-10-16' }, 'ids[2]')).issues[0]).toMatchObject({
      path: 'ids[2]',
      message: expect.stringMatching(/cannot be reversed/),
    });
    expect(thrown(() => mirror(stored(), { id: 'y', business_date: '2026-10-14' })).issues[0]!.path).toBe('business_date');
  });
});

describe('read scope', () => {
  const account = (code: string) => parseAccount(code);
  const agency = (region: string): Principal => ({ kind: 'insured_agency', userId: 1, username: 'a', region });
  const hospital: Principal = { kind: 'institution', code: 'H44030000001', admdvs: '440300' };
  const person: Principal = { kind: 'person', userId: 2, psnNo: '23010000000000000001', name: '张三' };

  it('lets national staff and the system read everything', () => {
    expect(mayRead(readScope({ kind: 'national', userId: 1, username: 'n' }), account('pocket:23010000000000000001'))).toBe(true);
    expect(mayRead(readScope({ kind: 'system', name: 'cli' }), account('claim:440000:230000'))).toBe(true);
  });

  it('lets an agency read its region and the claims against it', () => {
    expect(mayRead(readScope(agency('440000')), account('claim:440000:230000'))).toBe(true);
    expect(mayRead(readScope(agency('230000')), account('claim:440000:230000'))).toBe(true);
    expect(mayRead(readScope(agency('110000')), account('claim:440000:230000'))).toBe(false);
    expect(mayRead(readScope(agency('440300')), account('payable:440300:H44030000001'))).toBe(true);
    expect(mayRead(readScope(agency('440300')), account('payable:440100:H44010000001'))).toBe(false);
    // A city agency does not read its province's accounts.
    expect(mayRead(readScope(agency('440300')), account('claim:440000:230000'))).toBe(false);
  });

  it('lets an institution and a person read only their own accounts', () => {
    expect(mayRead(readScope(hospital), account('payable:440300:H44030000001'))).toBe(true);
    expect(mayRead(readScope(hospital), account('cash:440300:H44030000002'))).toBe(false);
    expect(mayRead(readScope(hospital), account('agency:440300'))).toBe(false);
    expect(mayRead(readScope(person), account('personal:23010000000000000001'))).toBe(true);
    expect(mayRead(readScope(person), account('pocket:23010000000000000002'))).toBe(false);
  });

  it('turns a region scope into the LIKE pattern of the codes it covers', () => {
    expect(regionPattern('440000')).toBe('44%');
    expect(regionPattern('440300')).toBe('4403%');
    expect(regionPattern('440305')).toBe('440305');
  });
});

describe('settlement transfers', () => {
  const posting = (over: Partial<SettlementPosting> = {}): SettlementPosting => ({
    setl_id: 'A440300261015000000001',
    business_date: '2026-10-15',
    psn_no: '23010000000000000001',
    insured_area: '230100',
    treatment_area: '440300',
    institution: { code: 'H44030000001', admdvs: '440300' },
    fund_fen: fen(2080000),
    acct_fen: fen(50000),
    cash_fen: fen(870000),
    ...over,
  });

  it('posts the funds and the personal account to the province-pair claim, the payable and the cash', () => {
    const ts = settlementTransfers(posting());
    const common = { business_date: '2026-10-15', ref_kind: 'settlement', ref_id: 'A440300261015000000001' };
    expect(ts).toEqual([
      { id: 'setl:A440300261015000000001:fund', debit: 'fund:230100', credit: 'claim:440000:230000', amount_fen: 2080000, ...common },
      { id: 'setl:A440300261015000000001:acct', debit: 'personal:23010000000000000001', credit: 'claim:440000:230000', amount_fen: 50000, ...common },
      { id: 'setl:A440300261015000000001:payable', debit: 'agency:440300', credit: 'payable:440300:H44030000001', amount_fen: 2130000, ...common },
      { id: 'setl:A440300261015000000001:cash', debit: 'pocket:23010000000000000001', credit: 'cash:440300:H44030000001', amount_fen: 870000, ...common },
    ]);
    expect(checkTransfers(ts)).toHaveLength(4);
  });

  it('keeps a settlement inside one province between its pooling areas, and skips zero amounts', () => {
    const ts = settlementTransfers(posting({ insured_area: '440100', psn_no: '44010000000000000001', acct_fen: fen(0) }));
    expect(ts.map((x) => [x.id.split(':')[2], x.debit, x.credit, x.amount_fen])).toEqual([
      ['fund', 'fund:440100', 'claim:440300:440100', 2080000],
      ['payable', 'agency:440300', 'payable:440300:H44030000001', 2080000],
      ['cash', 'pocket:44010000000000000001', 'cash:440300:H44030000001', 870000],
    ]);
  });

  it('refuses a local settlement, negative amounts and an institution outside the treatment province', () => {
    const err = thrown(() =>
      settlementTransfers(posting({ treatment_area: '230100', institution: { code: 'H44030000001', admdvs: '440300' }, cash_fen: fen(-1), psn_no: 'x' })),
    );
    expect(err.issues.map((i) => i.path).sort()).toEqual(['cash_fen', 'institution.admdvs', 'psn_no', 'treatment_area']);
  });
});
